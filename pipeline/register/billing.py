"""The register's side of time and money: payers, contracts, each case's payer, the time
log, issued statements, and the facts the programme figures are counted from.

Issued statements and the entries on them are never changed: a guard on every session
refuses a flush that would update or delete them, so not even a later bug can alter what a
payer was sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from pipeline.errors import NotFound, PipelineError, Refused
from pipeline.register.cases import now
from pipeline.register.tables import (
    Case,
    CasePayer,
    Contract,
    Coordinator,
    IntakeEntry,
    Meeting,
    Payer,
    Statement,
    TimeEntry,
)

STATEMENT_PREFIX = "A"


# --- the guard ---------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _issued_never_change(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, Statement) or (isinstance(obj, TimeEntry)
                                          and obj.statement_id is not None):
            raise Refused.of("err.statement_delete", code="statement_locked")
    for obj in session.dirty:
        if isinstance(obj, Statement) and session.is_modified(obj):
            raise Refused.of("err.statement_change", code="statement_locked",
                              number=obj.number)
        if isinstance(obj, TimeEntry) and session.is_modified(obj):
            history = inspect(obj).attrs.statement_id.history
            was_locked = bool(history.deleted and history.deleted[0] is not None) or (
                not history.has_changes() and obj.statement_id is not None)
            if was_locked:
                raise Refused.of("err.entry_change", code="entry_locked")


# --- payers and contracts ----------------------------------------------------


def add_payer(*, session: Session, code: str, name: str, municipalities: list[str],
              is_default: bool) -> Payer:
    key = code.strip().lower()
    if not key or not key.replace("-", "").replace("_", "").isalnum() or len(key) > 40:
        raise PipelineError.of("err.payer_code", code="bad_payer")
    if not name.strip():
        raise PipelineError.of("err.payer_name", code="bad_payer")
    if session.execute(select(Payer).where(Payer.code == key)).scalar_one_or_none():
        raise Refused.of("err.payer_exists", code="payer_exists", payer=key)
    if is_default:
        for other in session.execute(select(Payer).where(Payer.is_default)).scalars():
            other.is_default = False
    payer = Payer(code=key, name=name.strip(), municipalities=sorted(set(municipalities)),
                  is_default=is_default, created_at=now())
    session.add(payer)
    session.flush()
    return payer


def list_payers(*, session: Session) -> list[Payer]:
    return list(session.execute(select(Payer).order_by(Payer.code)).scalars())


def find_payer(*, session: Session, ref: str) -> Payer:
    key = ref.strip().lower()
    stmt = select(Payer).where(Payer.code == key)
    if key.isdigit():
        stmt = select(Payer).where(Payer.id == int(key))
    payer = session.execute(stmt).scalar_one_or_none()
    if payer is None:
        raise NotFound.of("err.no_payer", code="no_payer", ref=ref[:40])
    return payer


def add_contract(*, session: Session, payer: Payer, number: str, unit: str, rate_cents: int,
                 valid_from: dt.date, valid_to: dt.date | None, billable: list[str],
                 rounding_minutes: int) -> Contract:
    if not number.strip():
        raise PipelineError.of("err.contract_number", code="bad_contract")
    row = Contract(payer_id=payer.id, number=number.strip(), unit=unit, rate_cents=rate_cents,
                   valid_from=valid_from, valid_to=valid_to, billable=billable,
                   rounding_minutes=rounding_minutes, created_at=now())
    session.add(row)
    session.flush()
    return row


def contracts_of(*, session: Session, payer_id: int) -> list[Contract]:
    return list(session.execute(select(Contract).where(Contract.payer_id == payer_id)
                                .order_by(Contract.valid_from, Contract.id)).scalars())


# --- each case's payer -------------------------------------------------------


def derived_payer(session: Session, municipality: str | None) -> Payer | None:
    """The payer for cases from this municipality, else the default payer."""
    payers = list_payers(session=session)
    for p in payers:
        if municipality and municipality in (p.municipalities or []):
            return p
    return next((p for p in payers if p.is_default), None)


def case_payer(session: Session, case: Case) -> Payer | None:
    row = session.get(CasePayer, case.id)
    if row is not None:
        return session.get(Payer, row.payer_id)
    return derived_payer(session, case.municipality)


def pin_payer(session: Session, case: Case, actor: str = "süsteem", *,
              new: bool = False) -> Payer | None:
    """Give a case its payer from its municipality, once (at registration, or at its first
    time entry when no payer was set up yet); a payer set by hand is kept. `new`: the case
    was created in this transaction, so it cannot have a payer yet."""
    if not new and session.get(CasePayer, case.id) is not None:
        return case_payer(session, case)
    payer = derived_payer(session, case.municipality)
    if payer is not None:
        session.add(CasePayer(case_id=case.id, payer_id=payer.id, set_at=now(), actor=actor))
        session.flush()
    return payer


def set_case_payer(*, session: Session, case: Case, payer: Payer, actor: str) -> None:
    row = session.get(CasePayer, case.id)
    if row is None:
        session.add(CasePayer(case_id=case.id, payer_id=payer.id, set_at=now(), actor=actor))
    else:
        row.payer_id, row.set_at, row.actor = payer.id, now(), actor
    session.flush()


# --- the time log ------------------------------------------------------------


def add_time(*, session: Session, case: Case, day: dt.date, activity: str, minutes: int,
             note: str | None, corrects: int | None, actor: str) -> TimeEntry:
    if corrects is not None:
        orig = session.get(TimeEntry, corrects)
        if orig is None or orig.case_id != case.id:
            raise NotFound.of("err.no_time_entry", code="no_entry", number=case.number,
                              id=corrects)
    entry = TimeEntry(case_id=case.id, day=day, activity=activity, minutes=minutes, note=note,
                      corrects_id=corrects, statement_id=None, actor=actor, created_at=now())
    session.add(entry)
    pin_payer(session, case, actor)
    session.flush()
    return entry


def time_entries(*, session: Session, case_id: int) -> list[TimeEntry]:
    return list(session.execute(select(TimeEntry).where(TimeEntry.case_id == case_id)
                                .order_by(TimeEntry.day, TimeEntry.id)).scalars())


def open_entries(*, session: Session, payer: Payer,
                 until: dt.date) -> list[tuple[TimeEntry, Case]]:
    """Entries on no statement, dated by `until`, of the cases this payer pays for."""
    rows = session.execute(
        select(TimeEntry, Case).join(Case, Case.id == TimeEntry.case_id)
        .where(TimeEntry.statement_id.is_(None), TimeEntry.day <= until)
        .order_by(Case.number, TimeEntry.day, TimeEntry.id)).all()
    payers: dict[int, int | None] = {}
    out = []
    for entry, case in rows:
        if case.id not in payers:
            p = case_payer(session, case)
            payers[case.id] = p.id if p else None
        if payers[case.id] == payer.id:
            out.append((entry, case))
    return out


# --- statements --------------------------------------------------------------


def issued(*, session: Session, payer_id: int, period: str) -> Statement | None:
    return session.execute(select(Statement).where(
        Statement.payer_id == payer_id, Statement.period == period)).scalar_one_or_none()


def get_statement(*, session: Session, number: str) -> Statement:
    row = session.execute(select(Statement).where(
        Statement.number == number.strip().upper())).scalar_one_or_none()
    if row is None:
        raise NotFound.of("err.no_statement", code="no_statement", number=number[:30])
    return row


def list_statements(*, session: Session, payer_id: int | None = None) -> list[Statement]:
    stmt = select(Statement).order_by(Statement.year, Statement.seq)
    if payer_id is not None:
        stmt = stmt.where(Statement.payer_id == payer_id)
    return list(session.execute(stmt).scalars())


def fee_billed(*, session: Session, payer_id: int) -> set[str]:
    """Cases whose per-case fee is on an issued statement already."""
    return {line["case"] for s in list_statements(session=session, payer_id=payer_id)
            for line in s.content.get("lines", []) if line.get("unit") == "case"}


def issue(*, session: Session, payer: Payer, period: str, content: dict[str, Any],
          digest: str, total_cents: int, entry_ids: list[int], actor: str) -> Statement:
    """Number the statement (per year, gap-free), store it as issued and lock its entries."""
    at = now()
    last = session.execute(select(func.max(Statement.seq)).where(
        Statement.year == at.year)).scalar_one_or_none() or 0
    number = f"{STATEMENT_PREFIX}-{at.year}-{last + 1:04d}"
    row = Statement(number=number, year=at.year, seq=last + 1, payer_id=payer.id,
                    period=period, issued_at=at, actor=actor, total_cents=total_cents,
                    content=content, sha256=digest)
    session.add(row)
    session.flush()
    for entry in session.execute(select(TimeEntry).where(TimeEntry.id.in_(entry_ids))).scalars():
        if entry.statement_id is not None:
            raise Refused.of("err.entry_taken", code="entry_locked")
        entry.statement_id = row.id
    session.flush()
    return row


# --- what the figures are counted from ---------------------------------------


def coordinator_names(session: Session) -> dict[int, str]:
    return {c.id: c.name for c in session.execute(select(Coordinator)).scalars()}


def returned_entries(session: Session) -> list[IntakeEntry]:
    return list(session.execute(select(IntakeEntry).where(IntakeEntry.outcome == "returned")
                                .order_by(IntakeEntry.id)).scalars())


def all_cases(session: Session) -> list[Case]:
    return list(session.execute(select(Case).order_by(Case.received_at, Case.id)).scalars())


def conference_meetings(case: Case) -> list[Meeting]:
    return [m for m in case.meetings if m.kind == "conference"]
