"""ORM models of the case register (SQLAlchemy 2, typed mappings).

The migrations in `migrations/versions` create exactly these tables; a test
compares the two so they cannot drift apart. Lists (languages, parts, case
numbers, reason codes) are JSON columns: they are read whole, never queried
inside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
    }


class NumberSequence(Base):
    """The last case number given out in a year (one row per year)."""

    __tablename__ = "number_sequences"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Coordinator(Base):
    __tablename__ = "coordinators"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    phone: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[str]]
    capacity: Mapped[int] = mapped_column(default=5)
    active: Mapped[bool] = mapped_column(default=True)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    state: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime]
    municipality: Mapped[str | None] = mapped_column(String(100))
    family_language: Mapped[str] = mapped_column(String(10), default="et")
    children_count: Mapped[int] = mapped_column(default=0)
    # Matching a corrected re-send: referrer e-mail (lower-case) and hashes of
    # the children's keys (isikukood, else name + birth date), never the keys.
    referrer_email: Mapped[str | None] = mapped_column(String(320), index=True)
    child_keys: Mapped[list[str]]
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"))
    close_reason: Mapped[str | None] = mapped_column(String(40))
    closed_at: Mapped[dt.datetime | None]
    followup_outcome: Mapped[str | None] = mapped_column(String(20))
    purged_at: Mapped[dt.datetime | None]
    # Revision 5: the coordinator's translations of the referrer's texts, {lang: {field: text}}.
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_cases_year_seq"),)

    coordinator: Mapped[Coordinator | None] = relationship()
    versions: Mapped[list[ReferralVersion]] = relationship(
        order_by="ReferralVersion.version", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        order_by="Participant.id", cascade="all, delete-orphan"
    )
    history: Mapped[list[StateChange]] = relationship(
        order_by="StateChange.id", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        order_by="Meeting.id", cascade="all, delete-orphan"
    )
    plans: Mapped[list[Plan]] = relationship(order_by="Plan.version", cascade="all, delete-orphan")


class ReferralVersion(Base):
    """One received form for a case; a corrected re-send adds a version."""

    __tablename__ = "referral_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    version: Mapped[int]
    data: Mapped[dict[str, Any]]  # Referral.model_dump(mode="json")
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    source_file: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_versions_case_version"),)


class Participant(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    relation: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    address: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(10), default="et")
    parts: Mapped[list[int]]
    # "referral": made from the form (replaced on a corrected re-send);
    # "coordinator": added by hand (kept).
    source: Mapped[str] = mapped_column(String(20), default="referral")
    # Revision 5: a removed participant is kept (with its earlier values) for the history.
    removed_at: Mapped[dt.datetime | None]
    history: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class StateChange(Base):
    __tablename__ = "state_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class IntakeEntry(Base):
    """Every file that arrived in the inbox, and what became of it."""

    __tablename__ = "intake_ledger"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    cases: Mapped[list[str]]
    codes: Mapped[list[str]]
    reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None]
    # Revision 3. Relative to the home folder: where the file was put, and the letters
    # written for it that belong to no case (a return letter).
    placed: Mapped[str | None] = mapped_column(String(1000))
    documents: Mapped[list[str] | None]
    purged_at: Mapped[dt.datetime | None]


# --- revision 2: meetings and action plans ---------------------------------


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime]
    # Revision 5: a moved meeting keeps its calendar UID and raises SEQUENCE; a
    # superseded or cancelled one carries the time it was cancelled.
    uid: Mapped[str | None] = mapped_column(String(100))
    sequence: Mapped[int | None]
    cancelled_at: Mapped[dt.datetime | None]


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    contingency: Mapped[str | None] = mapped_column(Text)
    bottom_lines_met: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    agreements: Mapped[list[Agreement]] = relationship(
        order_by="Agreement.position", cascade="all, delete-orphan"
    )


class Agreement(Base):
    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text)
    by_when: Mapped[str] = mapped_column(Text)
    checks: Mapped[str] = mapped_column(Text)


Index("ix_cases_waiting", Case.state, Case.coordinator_id, Case.received_at)
