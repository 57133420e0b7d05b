"""Retention: remove closed cases' personal data after a period, keep anonymous statistics.

What stays of a purged case: number, state, dates, municipality, family
language, number of children, coordinator, close reason and the state
history without notes; gone: every referral version, participants,
meetings, plans, the re-send matching keys and the file names in the ledger.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import PipelineError
from pipeline.model.case import State
from pipeline.register.cases import now
from pipeline.register.tables import Case, IntakeEntry

_PERIOD = re.compile(r"^\s*(\d+)\s*([ymd])\s*$", re.IGNORECASE)


def cutoff(period: str, *, today: dt.datetime) -> dt.datetime:
    """`5y`, `18m`, `90d` before `today` (calendar years and months)."""
    m = _PERIOD.match(period)
    if not m or int(m.group(1)) == 0:
        raise PipelineError(
            "Vigane periood; kasutage näiteks 5y (aastat), 18m (kuud) või 90d (päeva).",
            code="bad_period",
        )
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


def _scrub_ledger(session: Session, numbers: set[str]) -> None:
    # The ledger keeps hashes; file names often carry a family's name.
    for entry in session.execute(select(IntakeEntry).where(IntakeEntry.file_name.is_not(None))):
        row = entry[0]
        if numbers & set(row.cases or []):
            row.file_name = None
            row.reason = None


def purge(
    *, session: Session, before: dt.datetime, only: list[str] | None = None
) -> list[str]:
    """Remove personal data of cases closed before `before` (and, if given, in `only`,
    the list the user confirmed); returns their numbers."""
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
    _scrub_ledger(session, {c.number for c in cases})
    session.flush()
    return [c.number for c in cases]
