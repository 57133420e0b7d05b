"""The audit log: who saw or did what, when, from which address. Rows are only added;
nothing in the pipeline updates or deletes one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pipeline.register.tables import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def add(*, session: Session, at: dt.datetime, user_id: int | None, username: str | None,
        action: str, target: str | None, address: str | None, detail: str | None) -> None:
    session.add(AuditEntry(at=at, user_id=user_id, username=username, action=action,
                           target=target, address=address, detail=detail))
    session.flush()


def _where(stmt: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.user:
        stmt = stmt.where(func.lower(AuditEntry.username) == f.user.strip().lower())
    if f.action:
        stmt = stmt.where(AuditEntry.action == f.action)
    if f.target:
        stmt = stmt.where(AuditEntry.target.like(f"%{f.target.strip()}%"))
    if f.since:
        stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(f.since, dt.time()))
    if f.until:
        stmt = stmt.where(AuditEntry.at < dt.datetime.combine(f.until + dt.timedelta(days=1),
                                                              dt.time()))
    return stmt


def entries(*, session: Session, f: AuditFilter, offset: int = 0,
            limit: int | None = None) -> tuple[list[AuditEntry], int]:
    """Matching rows, newest first, and how many match in all."""
    count = _where(select(func.count()).select_from(AuditEntry), f)
    total = session.execute(count).scalar_one()
    stmt = _where(select(AuditEntry).order_by(AuditEntry.id.desc()).offset(offset), f)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars()), total


def actions(*, session: Session) -> list[str]:
    return list(session.execute(
        select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
