"""ORM models of the case register (SQLAlchemy 2, typed mappings).

The migrations in `migrations/versions` create exactly these tables; a test
compares the two so they cannot drift apart. Lists (languages, parts, case
numbers, reason codes) are JSON columns: they are read whole, never queried
inside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
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
    # Indexed: each registration asks whether these bytes registered before (r0008).
    sha256: Mapped[str] = mapped_column(String(64), index=True)
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
    file_name: Mapped[str | None] = mapped_column(String(500), index=True)
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


# --- revision 7: time log, payers, contracts and statements (issue 14) -------


class Payer(Base):
    """Who pays for the service: a municipality or the Social Insurance Board."""

    __tablename__ = "payers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # "turi", "ska" (lower-case)
    name: Mapped[str] = mapped_column(String(200))
    # Cases referred from these municipalities get this payer at registration.
    municipalities: Mapped[list[str]]
    is_default: Mapped[bool] = mapped_column(default=False)  # pays for all other cases
    created_at: Mapped[dt.datetime]


class Contract(Base):
    """A rate agreed with a payer for a period (per hour or per case)."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(10))  # "hour" or "case"
    # Cents as an integer: exact on SQLite too (which has no decimal type); code uses Decimal.
    rate_cents: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None]
    billable: Mapped[list[str]]  # activity codes that count as working time
    rounding_minutes: Mapped[int] = mapped_column(default=1)  # a case's month, rounded up
    created_at: Mapped[dt.datetime]


class CasePayer(Base):
    """The payer of a case: set at registration from the municipality, changeable."""

    __tablename__ = "case_payers"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    set_at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))


class Statement(Base):
    """An issued monthly statement: numbered, its lines frozen as issued, never changed."""

    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "A-2026-0001"
    year: Mapped[int]
    seq: Mapped[int]
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    period: Mapped[str] = mapped_column(String(7))  # "2026-12"
    issued_at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    total_cents: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[dict[str, Any]]  # the statement as issued (lines, rates, payer's name)
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical content
    __table_args__ = (UniqueConstraint("payer_id", "period", name="uq_statements_payer_period"),
                      UniqueConstraint("year", "seq", name="uq_statements_year_seq"))


class TimeEntry(Base):
    """Time a coordinator spent on a case. Never edited: a correction is a new entry."""

    __tablename__ = "time_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date]
    activity: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int]  # negative in a correction
    note: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("time_entries.id"))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
# --- revision 6: the web app's users, sessions, audit log and the watcher's heartbeat ---


class User(Base):
    """A person who signs in to the web app. A coordinator user is tied to the
    coordinator record with the same e-mail (looked up, not stored, so a changed
    coordinator record never leaves a stale link)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(20))
    # argon2id; NULL until the person sets a password through a one-time link.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    lang: Mapped[str] = mapped_column(String(5), default="et")
    created_at: Mapped[dt.datetime]


class WebSession(Base):
    """A signed-in browser; the cookie holds a random token, this row its SHA-256."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    address: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """One failed sign-in (for the lock-out of an account and of an address)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str | None] = mapped_column(String(64), index=True)


class SetupToken(Base):
    """A one-time link to set a password (the first administrator, a reset)."""

    __tablename__ = "setup_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # NULL: the link creates the first administrator.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who saw or did what, when, from where. Only ever inserted."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
    username: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(300), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class Heartbeat(Base):
    """When a process (the watcher) was last seen alive."""

    __tablename__ = "heartbeats"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[dt.datetime]
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(200))

# Revision 6: the web app lists the ledger by day and the cases by arrival time.
Index("ix_intake_ledger_received_at", IntakeEntry.received_at)
Index("ix_cases_received_at", Case.received_at)
