"""Case numbers `PLR-YYYY-NNNN`: a per-year sequence that never repeats or skips.

The counter row is bumped with `UPDATE … RETURNING` inside the caller's
transaction, so the number and the case commit (or roll back) together: a
failed registration gives its number back instead of leaving a gap. The
update holds the row lock (PostgreSQL) or the write lock (SQLite, BEGIN
IMMEDIATE) until commit, so concurrent writers take turns.
"""

from __future__ import annotations

import re

from sqlalchemy import insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipeline.register.tables import NumberSequence

NUMBER_RE = re.compile(r"^PLR-(\d{4})-(\d{4,})$")


def format_number(year: int, seq: int) -> str:
    return f"PLR-{year:04d}-{seq:04d}"


def parse_number(number: str) -> tuple[int, int] | None:
    m = NUMBER_RE.match(number.strip().upper())
    return (int(m.group(1)), int(m.group(2))) if m else None


def _ensure_year(session: Session, year: int) -> None:
    dialect = session.get_bind().dialect.name
    values = {"year": year, "last": 0}
    if dialect == "postgresql":
        session.execute(postgresql.insert(NumberSequence).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(NumberSequence).values(values).on_conflict_do_nothing())
    elif session.get(NumberSequence, year) is None:
        session.execute(insert(NumberSequence).values(values))


def next_number(*, session: Session, year: int) -> tuple[int, str]:
    """Take the next number of `year` (sequence value, formatted number)."""
    _ensure_year(session, year)
    seq = session.execute(
        update(NumberSequence)
        .where(NumberSequence.year == year)
        .values(last=NumberSequence.last + 1)
        .returning(NumberSequence.last)
    ).scalar_one()
    return seq, format_number(year, seq)
