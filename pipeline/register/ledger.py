"""The intake ledger: every file that arrived in the inbox, and its outcome.

The watcher records an arrival first (outcome `pending`), then closes the
entry when the file is registered, returned, quarantined or found to be a
duplicate. Entries still `pending` after a crash are found by
`pending_entries` and processed again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline.errors import NotFound, PipelineError
from pipeline.register import reads
from pipeline.register.db import query_on
from pipeline.register.reads import _CLAIM_PREFIX as _CLAIM_PREFIX  # re-exported
from pipeline.register.reads import LedgerEntry as LedgerEntry  # re-exported
from pipeline.register.reads import Outcome as Outcome  # re-exported
from pipeline.register.tables import IntakeEntry

FINAL_OUTCOMES = frozenset(o for o in Outcome if o is not Outcome.PENDING)


def entry_of(row: IntakeEntry) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        file_name=row.file_name,
        sha256=row.sha256,
        received_at=row.received_at,
        outcome=row.outcome,
        cases=list(row.cases or []),
        codes=list(row.codes or []),
        reason=row.reason,
        closed_at=row.closed_at,
        placed=row.placed,
        documents=tuple(row.documents or ()),
    )


def record_arrival(
    *, session: Session, file_name: str, sha256: str, received_at: dt.datetime
) -> int:
    """Write a `pending` entry for a file that arrived; returns its id."""
    row = IntakeEntry(
        file_name=storable(file_name),
        sha256=sha256,
        received_at=received_at,
        outcome=Outcome.PENDING.value,
        cases=[],
        codes=[],
        reason=None,
    )
    session.add(row)
    session.flush()
    return row.id


def find_by_sha256(
    *, session: Session, sha256: str, before_id: int | None = None
) -> LedgerEntry | None:
    """The first copy of these bytes: the earliest entry that was neither a duplicate
    nor quarantined (a quarantined file put back in the inbox is a retry, not a copy).

    Its `cases` name the cases the first copy registered, so a duplicate's
    message can point at them. `before_id` looks only at entries before the
    caller's own.
    """
    stmt = (
        select(IntakeEntry)
        .where(
            IntakeEntry.sha256 == sha256,
            IntakeEntry.outcome.not_in([Outcome.DUPLICATE.value, Outcome.QUARANTINED.value]),
        )
        .order_by(IntakeEntry.id)
        .limit(1)
    )
    if before_id is not None:
        stmt = stmt.where(IntakeEntry.id < before_id)
    row = session.execute(stmt).scalar_one_or_none()
    return entry_of(row) if row is not None else None


def get_entry(*, session: Session, entry_id: int) -> LedgerEntry | None:
    row = session.get(IntakeEntry, entry_id)
    return entry_of(row) if row is not None else None


def entry_by_file(*, session: Session, file_name: str) -> LedgerEntry | None:
    """The entry of a claimed file (its claimed name is unique), e.g. after a crash."""
    stmt = (select(IntakeEntry).where(IntakeEntry.file_name == storable(file_name))
            .order_by(IntakeEntry.id))
    row = session.execute(stmt).scalars().first()
    return entry_of(row) if row is not None else None


def close_entry(
    *,
    session: Session,
    entry_id: int,
    outcome: str,
    cases: list[str],
    codes: list[str],
    reason: str,
    closed_at: dt.datetime | None = None,
) -> None:
    """Record what became of a file."""
    if outcome not in FINAL_OUTCOMES:
        raise PipelineError.of("err.ledger_outcome", code="bad_outcome", outcome=outcome)
    _update(session, entry_id, outcome=outcome, cases=list(cases), codes=list(codes),
            reason=reason, closed_at=closed_at or dt.datetime.now())


def _update(session: Session, entry_id: int, **values: object) -> None:
    """One UPDATE of one entry by its id, without loading the row first (a SELECT and the
    unit of work's flush per write: the pipeline writes each entry twice). A row of it
    already loaded in `session` gets the new values too (synchronised in Python)."""
    stmt = update(IntakeEntry).where(IntakeEntry.id == entry_id).values(**values)
    result = session.execute(stmt)
    if getattr(result, "rowcount", 1) == 0:
        raise NotFound(f"Sissetulekute registris ei ole kirjet {entry_id}.")


def withdraw_pending(*, session: Session, entry_id: int) -> bool:
    """Remove an entry that decided nothing, of a file that went back to the inbox
    because it changed after it was hashed: its next claim is recorded as an arrival of
    its own, as when the change is seen before the claim is recorded. A closed entry is
    never removed (False)."""
    row = session.get(IntakeEntry, entry_id)
    if row is None or row.outcome != Outcome.PENDING.value:
        return False
    session.delete(row)
    session.flush()
    return True


def record_placed(
    *, session: Session, entry_id: int, placed: str, documents: list[str] | None
) -> None:
    """Where a closed entry's file was put and the documents written for it (paths
    relative to the home folder; `None` keeps those recorded), so that retention can
    find them again."""
    values: dict[str, object] = {"placed": storable(placed)}
    if documents is not None:
        values["documents"] = [storable(d) for d in documents]
    _update(session, entry_id, **values)


def list_entries(
    *, session: Session, outcome: str | None = None, limit: int | None = None
) -> list[LedgerEntry]:
    """Ledger entries, newest first (the query of `plr intake`, on this session)."""
    return reads.ledger_entries(query_on(session), outcome=outcome, limit=limit)


def pending_entries(*, session: Session) -> list[LedgerEntry]:
    """Entries never closed (the process stopped mid-file), oldest first."""
    stmt = (
        select(IntakeEntry)
        .where(IntakeEntry.outcome == Outcome.PENDING.value)
        .order_by(IntakeEntry.id)
    )
    return [entry_of(r) for r in session.execute(stmt).scalars()]


# --- names that are not valid UTF-8 (issue 8) ------------------------------------------


def storable(name: str) -> str:
    """A file name as text the register can store: bytes that are not UTF-8 (surrogates
    from Python's file-system decoding) become `\\xff` escapes; the file keeps its bytes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def entry_by_claim(*, session: Session, claim_id: str) -> LedgerEntry | None:
    """The entry of a claimed file by its claim id (unique), whatever name it was
    recorded under: a long name is shortened on disk but kept whole in the ledger."""
    stmt = (select(IntakeEntry)
            .where(IntakeEntry.file_name.startswith(claim_id + "__", autoescape=True))
            .order_by(IntakeEntry.id))
    row = session.execute(stmt).scalars().first()
    return entry_of(row) if row is not None else None
