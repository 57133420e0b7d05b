"""Retention: remove closed cases' personal data after a period, keep anonymous statistics.

What stays of a purged case: number, state, dates, municipality, family
language, number of children, coordinator, close reason and the state
history without notes; gone: every referral version, participants,
meetings, plans, the re-send matching keys and the file names in the ledger.

Files that never became a case hold personal data too: a returned referral
and its return letter, a quarantined file, a duplicate copy. Their ledger
entries are purged by the same period counted from when the file was
decided (a duplicate goes with the case it copies). What stays of those is
the hash, the dates, the outcome and the reason codes.

This module changes only the register; it returns what files belonged to
the purged data (`Leftover`), and the caller deletes them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import PipelineError
from pipeline.model.case import State
from pipeline.register.cases import now
from pipeline.register.ledger import Outcome, entry_of
from pipeline.register.tables import Case, IntakeEntry

_PERIOD = re.compile(r"^\s*(\d+)\s*([ymd])\s*$", re.IGNORECASE)


def cutoff(period: str, *, today: dt.datetime) -> dt.datetime:
    """`5y`, `18m`, `90d` before `today` (calendar years and months)."""
    m = _PERIOD.match(period)
    if not m or int(m.group(1)) == 0:
        raise PipelineError.of("err.bad_period", code="bad_period")
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit == "d":
        return today - dt.timedelta(days=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return today.replace(year=year, month=month + 1, day=day)


def purgeable(*, session: Session, before: dt.datetime) -> list[Case]:
    stmt = (
        select(Case)
        .where(Case.state == State.CLOSED.value, Case.closed_at < before,
               Case.purged_at.is_(None))
        .order_by(Case.id)
    )
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Leftover:
    """The files of one purged ledger entry: paths relative to the home folder; `placed`
    is None for an entry from before places were recorded (find it by `sha256`)."""

    outcome: str
    sha256: str
    placed: str | None
    documents: tuple[str, ...]
    claim: str


@dataclass
class Purged:
    cases: list[str] = field(default_factory=list)
    others: int = 0  # entries of files that made no case of their own
    files: list[Leftover] = field(default_factory=list)


def _scrub(rows: list[IntakeEntry]) -> list[Leftover]:
    # The ledger keeps hashes, dates and codes; file names often carry a family's name
    # and a reason may quote an isikukood.
    out = []
    for row in rows:
        entry = entry_of(row)
        out.append(Leftover(entry.outcome, entry.sha256, entry.placed, entry.documents,
                            entry.claim))
        row.file_name = row.reason = row.placed = None
        row.documents = []
        row.purged_at = now()
    return out


def _entries_of_cases(session: Session, numbers: set[str]) -> list[IntakeEntry]:
    rows = session.execute(select(IntakeEntry).where(IntakeEntry.purged_at.is_(None))).scalars()
    return [r for r in rows if numbers & set(r.cases or [])]


def stale_entries(*, session: Session, before: dt.datetime) -> list[IntakeEntry]:
    """Entries of files that made no case of their own, decided before `before`: returned
    and quarantined files, and duplicates of cases that are already purged or gone."""
    rows = list(session.execute(
        select(IntakeEntry)
        .where(IntakeEntry.outcome.in_([Outcome.RETURNED.value, Outcome.QUARANTINED.value,
                                        Outcome.DUPLICATE.value]),
               IntakeEntry.closed_at < before, IntakeEntry.purged_at.is_(None))
        .order_by(IntakeEntry.id)).scalars())
    cited = {n for r in rows if r.outcome == Outcome.DUPLICATE.value for n in r.cases or []}
    kept = set(session.execute(
        select(Case.number).where(Case.number.in_(cited), Case.purged_at.is_(None))).scalars())
    return [r for r in rows if not (r.outcome == Outcome.DUPLICATE.value
                                    and kept & set(r.cases or []))]


def purge(
    *, session: Session, before: dt.datetime, only: list[str] | None = None
) -> Purged:
    """Remove personal data of cases closed before `before` (and, if given, in `only`,
    the list the user confirmed) and of the ledger entries that made no case and were
    decided before `before`; returns what was purged and the files that go with it."""
    cases = [
        c for c in purgeable(session=session, before=before) if only is None or c.number in only
    ]
    for case in cases:
        case.versions.clear()
        case.participants.clear()
        case.meetings.clear()
        case.plans.clear()
        for h in case.history:
            h.note = None
        case.referrer_email = None
        case.child_keys = []
        case.purged_at = now()
    session.flush()
    rows = _entries_of_cases(session, {c.number for c in cases})
    ids = {r.id for r in rows}
    others = [r for r in stale_entries(session=session, before=before) if r.id not in ids]
    files = _scrub(rows + others)
    session.flush()
    return Purged([c.number for c in cases], len(others), files)
