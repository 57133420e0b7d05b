"""Coordinators: adding, finding, workload, suggestions and the waiting queue.

Rules from process.md: a coordinator must never be the case's referrer (the
child's case manager); suggestions prefer coordinators who speak the family's
language, then fewer open cases; when everyone is at capacity new cases wait
in arrival order and are offered first when a place frees.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.errors import NotFound, PipelineError, Refused
from pipeline.model.case import State
from pipeline.register.cases import DOC_LANGUAGES, current_referral
from pipeline.register.tables import Case, Coordinator

# A case occupies its coordinator from assignment until it is closed.
BUSY_STATES = frozenset(
    s.value
    for s in (
        State.ASSIGNED, State.PREPARING, State.SCHEDULED, State.PLAN_AGREED, State.FOLLOWED_UP,
    )
)
LANGUAGES = ("et", "ru", "en")


@dataclass(frozen=True)
class Suggestion:
    coordinator: Coordinator
    open_cases: int
    speaks_language: bool

    @property
    def free(self) -> bool:
        return self.open_cases < self.coordinator.capacity


def _norm(s: str | None) -> str:
    return " ".join((s or "").split()).casefold()


def add_coordinator(
    *, session: Session, name: str, email: str, phone: str | None = None,
    languages: list[str] | None = None, capacity: int = 5,
) -> Coordinator:
    if not name.strip():
        raise PipelineError.of("err.coordinator_name", code="bad_coordinator")
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise PipelineError.of("err.coordinator_email", code="bad_coordinator") from None
    langs = [lang.strip().lower() for lang in (languages or ["et"]) if lang.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise PipelineError.of("err.coordinator_languages", code="bad_coordinator")
    if capacity < 1:
        raise PipelineError.of("err.coordinator_capacity", code="bad_coordinator")
    exists = session.execute(select(Coordinator).where(Coordinator.email == email)).scalar()
    if exists is not None:
        raise Refused.of("err.coordinator_exists", code="coordinator_exists", id=exists.id)
    row = Coordinator(name=" ".join(name.split()), email=email, phone=phone,
                      languages=langs, capacity=capacity, active=True)
    session.add(row)
    session.flush()
    return row


def find_coordinator(*, session: Session, ref: str) -> Coordinator:
    """By id, e-mail or (unique) name, case-insensitive."""
    ref = ref.strip()
    row: Coordinator | None = None
    if ref.isdigit():
        row = session.get(Coordinator, int(ref))
    elif "@" in ref:
        row = session.execute(
            select(Coordinator).where(func.lower(Coordinator.email) == ref.lower())
        ).scalar()
    else:
        rows = [c for c in list_coordinators(session=session) if _norm(c.name) == _norm(ref)]
        if len(rows) > 1:
            raise Refused.of("err.coordinator_ambiguous", code="coordinator_ambiguous")
        row = rows[0] if rows else None
    if row is None:
        raise NotFound.of("err.no_coordinator", code="no_coordinator")
    return row


def list_coordinators(*, session: Session) -> list[Coordinator]:
    return list(session.execute(select(Coordinator).order_by(Coordinator.id)).scalars())


def open_case_counts(*, session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Case.coordinator_id, func.count())
        .where(Case.state.in_(BUSY_STATES), Case.coordinator_id.is_not(None))
        .group_by(Case.coordinator_id)
    ).all()
    return {int(cid or 0): int(n) for cid, n in rows}


def is_referrer(coordinator: Coordinator, case: Case) -> bool:
    """Same name or same e-mail as the case's referrer (case-insensitive)."""
    r = current_referral(case).referrer
    same_name = bool(r.name) and _norm(r.name) == _norm(coordinator.name)
    same_email = bool(r.email) and _norm(r.email) == _norm(coordinator.email)
    return same_name or same_email


def can_serve(coordinator: Coordinator, case: Case) -> bool:
    """Speaks the family's language ("muu": anyone, with an interpreter)."""
    lang = case.family_language
    return lang not in DOC_LANGUAGES or lang in coordinator.languages


def suggest_coordinators(*, session: Session, case: Case) -> list[Suggestion]:
    """Active coordinators allowed for this case: free before full, family language first,
    then fewest open cases."""
    counts = open_case_counts(session=session)
    out = [
        Suggestion(c, counts.get(c.id, 0), can_serve(c, case))
        for c in list_coordinators(session=session)
        if c.active and not is_referrer(c, case)
    ]
    out.sort(key=lambda s: (not s.free, not s.speaks_language, s.open_cases, s.coordinator.id))
    return out


def waiting_queue(*, session: Session) -> list[Case]:
    """Registered cases without a coordinator, in arrival order."""
    stmt = (
        select(Case)
        .where(Case.state == State.REGISTERED.value, Case.coordinator_id.is_(None))
        .order_by(Case.received_at, Case.id)
    )
    return list(session.execute(stmt).scalars())


def free_places(*, session: Session) -> int:
    counts = open_case_counts(session=session)
    return sum(
        max(0, c.capacity - counts.get(c.id, 0))
        for c in list_coordinators(session=session)
        if c.active
    )


def all_busy(*, session: Session) -> bool:
    return free_places(session=session) == 0


def next_offer(*, session: Session, coordinator: Coordinator | None = None) -> Case | None:
    """The case to offer when a place frees: the oldest waiting one (that this
    coordinator may take, when one is named)."""
    for case in waiting_queue(session=session):
        if coordinator is None or (can_serve(coordinator, case)
                                   and not is_referrer(coordinator, case)):
            return case
    return None
