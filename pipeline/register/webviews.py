"""The register queries behind the web app's lists: cases (search, filters, sort,
pages), the intake ledger (filters, search, pages) and the dashboard's counts.

Every list is one page of rows chosen in SQL; only a page's rows are turned into
Python objects, so a register of tens of thousands of cases answers as fast as a
small one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from pipeline.model.case import State
from pipeline.register.cases import ENDED
from pipeline.register.numbering import parse_number
from pipeline.register.tables import Case, Coordinator, IntakeEntry, Meeting, ReferralVersion

SORTS = {
    "received": Case.received_at,
    "number": Case.year * 100000 + Case.seq,
    "state": Case.state,
    "municipality": Case.municipality,
}


@dataclass(frozen=True)
class CaseQuery:
    q: str | None = None
    state: str | None = None
    coordinator_id: int | None = None
    municipality: str | None = None
    sort: str = "received"
    descending: bool = True
    page: int = 1
    per_page: int = 25
    # A coordinator sees only their own cases; None: every case.
    only_coordinator: int | None = None
    # Office staff may search by number only (no referral content).
    search_names: bool = True


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _fold(s: str) -> str:
    return " ".join(s.split()).casefold()


def _json_patterns(q: str) -> list[str]:
    """LIKE patterns for `q` inside the stored JSON text. Non-ASCII letters are stored as
    \\u escapes, which SQL's lower() does not fold, so the usual spellings of a name
    (as typed, lower case, capitalised) are each tried; the match is confirmed in Python."""
    forms = {q, q.lower(), q.title(), q.capitalize()}
    out = []
    for f in forms:
        body = json.dumps(f)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(f"%{body.lower()}%")
    return out


def _visible(stmt: Select[Any], query: CaseQuery) -> Select[Any]:
    if query.only_coordinator is not None:
        stmt = stmt.where(Case.coordinator_id == query.only_coordinator)
    if query.state:
        stmt = stmt.where(Case.state == query.state)
    if query.coordinator_id is not None:
        stmt = stmt.where(Case.coordinator_id == query.coordinator_id)
    if query.municipality:
        stmt = stmt.where(Case.municipality == query.municipality)
    return stmt


def _name_matches(session: Session, query: CaseQuery, q: str) -> list[int]:
    """Ids of visible cases whose current form names a child matching `q`."""
    text = func.lower(cast(ReferralVersion.data, Text))
    stmt = _visible(
        select(Case.id, ReferralVersion.version, ReferralVersion.data)
        .join(ReferralVersion, ReferralVersion.case_id == Case.id)
        .where(or_(*(text.like(p, escape="\\") for p in _json_patterns(q)))), query)
    latest: dict[int, tuple[int, dict[str, Any]]] = {}
    for cid, version, data in session.execute(stmt):
        if cid not in latest or version > latest[cid][0]:
            latest[cid] = (version, data)
    needle = _fold(q)
    return [cid for cid, (_, data) in latest.items()
            if any(needle in _fold(c.get("name") or "") for c in data.get("children", []))]


def find_cases(*, session: Session, query: CaseQuery) -> Page:
    stmt = _visible(select(Case), query)
    q = (query.q or "").strip()
    if q:
        parsed = parse_number(q)
        if parsed is not None:
            stmt = stmt.where(Case.year == parsed[0], Case.seq == parsed[1])
        elif q.isdigit():
            stmt = stmt.where(Case.seq == int(q))
        elif query.search_names:
            stmt = stmt.where(Case.id.in_(_name_matches(session, query, q) or [-1]))
        else:
            stmt = stmt.where(Case.id == -1)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    col = SORTS.get(query.sort, Case.received_at)
    order = col.desc() if query.descending else col.asc()
    page = max(1, query.page)
    stmt = stmt.order_by(order, Case.id.desc() if query.descending else Case.id.asc())
    cases = list(session.execute(
        stmt.offset((page - 1) * query.per_page).limit(query.per_page)).scalars())
    names = _children_names(session, [c.id for c in cases]) if query.search_names else {}
    coords = _coordinator_names(session, {c.coordinator_id for c in cases if c.coordinator_id})
    rows = [{
        "number": c.number, "state": c.state, "received_at": c.received_at,
        "municipality": c.municipality, "children": names.get(c.id, []),
        "coordinator": coords.get(c.coordinator_id) if c.coordinator_id else None,
        "family_language": c.family_language,
    } for c in cases]
    return Page(rows, total, page, query.per_page)


def _children_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    latest: dict[int, tuple[int, list[str]]] = {}
    stmt = select(ReferralVersion.case_id, ReferralVersion.version, ReferralVersion.data).where(
        ReferralVersion.case_id.in_(ids))
    for cid, version, data in session.execute(stmt):
        if cid not in latest or version > latest[cid][0]:
            latest[cid] = (version, [c["name"] for c in data.get("children", [])
                                     if c.get("name")])
    return {cid: names for cid, (_, names) in latest.items()}


def _coordinator_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Coordinator.id, Coordinator.name)
                                .where(Coordinator.id.in_(ids))).all())


def municipalities(*, session: Session, only_coordinator: int | None = None) -> list[str]:
    stmt = select(Case.municipality).where(Case.municipality.is_not(None)).distinct()
    if only_coordinator is not None:
        stmt = stmt.where(Case.coordinator_id == only_coordinator)
    return sorted(m for m in session.execute(stmt).scalars() if m)


# --- the intake ledger ---------------------------------------------------------


@dataclass(frozen=True)
class LedgerQuery:
    outcome: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 50


def ledger_page(*, session: Session, query: LedgerQuery) -> tuple[list[IntakeEntry], int]:
    stmt = select(IntakeEntry)
    if query.outcome:
        stmt = stmt.where(IntakeEntry.outcome == query.outcome)
    if query.since:
        stmt = stmt.where(IntakeEntry.received_at >= dt.datetime.combine(query.since, dt.time()))
    if query.until:
        stmt = stmt.where(IntakeEntry.received_at < dt.datetime.combine(
            query.until + dt.timedelta(days=1), dt.time()))
    q = (query.q or "").strip()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(IntakeEntry.file_name.like(like, escape="\\"),
                              IntakeEntry.sha256.like(q.lower().strip() + "%")))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page = max(1, query.page)
    rows = list(session.execute(stmt.order_by(IntakeEntry.id.desc())
                                .offset((page - 1) * query.per_page)
                                .limit(query.per_page)).scalars())
    return rows, total


# --- the dashboard ----------------------------------------------------------------


def intake_counts(*, session: Session, since: dt.datetime) -> dict[str, int]:
    """Arrivals since `since` by outcome, and the files waiting now (any day)."""
    # A day's arrivals are few: read their outcomes by the time index and count here (a
    # GROUP BY lets SQLite walk the outcome index over the whole ledger instead).
    counts: dict[str, int] = {}
    for outcome in session.execute(select(IntakeEntry.outcome).where(
            IntakeEntry.received_at >= since)).scalars():
        counts[outcome] = counts.get(outcome, 0) + 1
    pending = session.execute(select(func.count()).select_from(IntakeEntry).where(
        IntakeEntry.outcome == "pending")).scalar_one()
    return {"arrived": sum(counts.values()), "registered": counts.get("registered", 0),
            "returned": counts.get("returned", 0), "quarantined": counts.get("quarantined", 0),
            "duplicate": counts.get("duplicate", 0), "waiting": pending}


def recent_problems(*, session: Session, since: dt.datetime, limit: int = 10
                    ) -> list[IntakeEntry]:
    """Quarantined and returned files since `since`, newest first."""
    stmt = (select(IntakeEntry)
            .where(IntakeEntry.outcome.in_(["quarantined", "returned"]),
                   IntakeEntry.received_at >= since)
            .order_by(IntakeEntry.id.desc()).limit(limit))
    return list(session.execute(stmt).scalars())


def waiting_for_coordinator(*, session: Session, limit: int = 10) -> tuple[list[Case], int]:
    base = select(Case).where(Case.state == State.REGISTERED.value, Case.coordinator_id.is_(None))
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = list(session.execute(base.order_by(Case.received_at, Case.id).limit(limit)).scalars())
    return rows, total


def meetings_between(*, session: Session, kind: str, states: tuple[str, ...],
                     start: dt.datetime, end: dt.datetime,
                     only_coordinator: int | None = None) -> list[tuple[Case, Meeting]]:
    """Cases in `states` whose latest meeting of `kind` starts in [start, end)."""
    latest = (select(Meeting.case_id, func.max(Meeting.id).label("mid"))
              .where(Meeting.kind == kind).group_by(Meeting.case_id).subquery())
    stmt = (select(Case, Meeting)
            .join(latest, latest.c.case_id == Case.id)
            .join(Meeting, Meeting.id == latest.c.mid)
            .where(Case.state.in_(states), Meeting.start >= start, Meeting.start < end)
            .order_by(Meeting.start))
    if only_coordinator is not None:
        stmt = stmt.where(Case.coordinator_id == only_coordinator)
    return [(c, m) for c, m in session.execute(stmt).all()]


def open_cases_of(*, session: Session, coordinator_id: int, limit: int = 20) -> list[Case]:
    stmt = (select(Case).where(Case.coordinator_id == coordinator_id, Case.state.not_in(ENDED))
            .order_by(Case.received_at).limit(limit))
    return list(session.execute(stmt).scalars())


def case_coordinator(*, session: Session, number: str) -> tuple[bool, int | None]:
    """(the case exists, its coordinator's id)."""
    parsed = parse_number(number)
    if parsed is None:
        return False, None
    row = session.execute(select(Case.coordinator_id).where(
        Case.year == parsed[0], Case.seq == parsed[1])).first()
    return (row is not None, row[0] if row else None)
