"""The conference lifecycle of process.md, enforced.

Each state can be reached only from the one before it, or by the loops the
process names (follow-up → revised plan, follow-up → new conference). A case
may be closed from any open state (the family withdraws consent, moves away,
is referred elsewhere), but "plan working" only after the follow-up.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from pipeline.errors import Refused
from pipeline.i18n import Label, Labels
from pipeline.model.case import State
from pipeline.register.cases import get_case, now, record_change
from pipeline.register.coordinators import (
    can_serve,
    free_places,
    is_referrer,
    open_case_counts,
    waiting_queue,
)
from pipeline.register.tables import Case, Coordinator, Meeting

S = State
_OPEN = (S.REGISTERED, S.ASSIGNED, S.PREPARING, S.SCHEDULED, S.PLAN_AGREED, S.FOLLOWED_UP)

ALLOWED: dict[State, frozenset[State]] = {
    S.RECEIVED: frozenset({S.REGISTERED, S.RETURNED}),
    S.RETURNED: frozenset(),
    S.REGISTERED: frozenset({S.ASSIGNED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.PREPARING, S.CLOSED}),
    S.PREPARING: frozenset({S.SCHEDULED, S.CLOSED}),
    # scheduled → scheduled: the conference is moved to another time.
    S.SCHEDULED: frozenset({S.SCHEDULED, S.PLAN_AGREED, S.CLOSED}),
    S.PLAN_AGREED: frozenset({S.FOLLOWED_UP, S.CLOSED}),
    S.FOLLOWED_UP: frozenset({S.PLAN_AGREED, S.SCHEDULED, S.CLOSED}),
    S.CLOSED: frozenset(),
}

CLOSE_REASONS = ("plan_working", "consent_withdrawn", "moved_away", "referred_elsewhere", "other")
FOLLOWUP_OUTCOMES = ("continue", "revise", "new_conference")


def _state(state: State) -> Label:
    return Label(f"state.{state.value}")


def check_transition(number: str, frm: State, to: State) -> None:
    allowed = ALLOWED[frm]
    if to in allowed:
        return
    names = Labels(tuple(f"state.{s.value}" for s in State if s in allowed))
    raise Refused.of("err.bad_transition" if allowed else "err.bad_transition_final",
                     code="bad_transition", number=number, frm=_state(frm), to=_state(to),
                     allowed=names)


def transition(
    *, session: Session, number: str, to: State, actor: str, note: str | None = None
) -> Case:
    """Move a case to `to`, or raise Refused saying why and what is allowed."""
    case = get_case(session=session, number=number, for_update=True)
    check_transition(case.number, State(case.state), to)
    record_change(session, case, to.value, actor=actor, note=note)
    session.flush()
    return case


def _check_coordinator(session: Session, case: Case, coordinator: Coordinator) -> None:
    if not coordinator.active:
        raise Refused.of("err.coordinator_inactive", code="coordinator_inactive")
    if is_referrer(coordinator, case):
        raise Refused.of("err.coordinator_is_referrer", code="coordinator_is_referrer",
                         number=case.number)
    open_now = open_case_counts(session=session).get(coordinator.id, 0)
    if open_now >= coordinator.capacity:
        raise Refused.of("err.coordinator_full", code="coordinator_full", open=open_now,
                         capacity=coordinator.capacity)
    # When places are scarce, the longest-waiting case this coordinator could
    # take comes first (arrival order).
    older = [
        c for c in waiting_queue(session=session)
        if (c.received_at, c.id) < (case.received_at, case.id)
        if can_serve(coordinator, c) and not is_referrer(coordinator, c)
    ]
    if older and free_places(session=session) <= len(older):
        raise Refused.of("err.queue_order", code="queue_order", older=older[0].number)


def assign(*, session: Session, number: str, coordinator: Coordinator, actor: str) -> Case:
    """Give the case a coordinator (registered → assigned), or change the coordinator later."""
    case = get_case(session=session, number=number, for_update=True)
    state = State(case.state)
    if state is S.REGISTERED:
        _check_coordinator(session, case, coordinator)
        case.coordinator_id = coordinator.id
        record_change(session, case, S.ASSIGNED.value, actor=actor,
                      note=f"koordinaator {coordinator.name}")
    elif state in _OPEN:
        if case.coordinator_id == coordinator.id:
            raise Refused.of("err.already_assigned", code="already_assigned",
                             number=case.number)
        _check_coordinator(session, case, coordinator)
        case.coordinator_id = coordinator.id
        record_change(session, case, state.value, actor=actor,
                      note=f"koordinaator vahetatud: {coordinator.name}")
    else:
        raise Refused.of("err.assign_state", code="bad_transition", number=case.number,
                         state=_state(state))
    session.flush()
    session.refresh(case)
    return case


def close(*, session: Session, number: str, reason: str, actor: str,
          note: str | None = None) -> Case:
    """Close a case with a reason; "plan_working" only after the follow-up."""
    if reason not in CLOSE_REASONS:
        raise Refused.of("err.close_reason", code="bad_reason", allowed=", ".join(CLOSE_REASONS))
    case = get_case(session=session, number=number, for_update=True)
    if reason == "plan_working" and case.state != S.FOLLOWED_UP.value:
        raise Refused.of("err.close_too_soon", code="bad_reason", number=case.number)
    check_transition(case.number, State(case.state), S.CLOSED)
    case.close_reason = reason
    case.closed_at = now()
    # A meeting still ahead is cancelled with the case (its notices are the caller's).
    for m in meetings_ahead(case, case.closed_at):
        m.cancelled_at = case.closed_at
    record_change(session, case, S.CLOSED.value, actor=actor,
                  note=reason + (f": {note}" if note else ""))
    session.flush()
    return case


# The step that records a meeting as held: a conference by its plan, a follow-up by its
# outcome (either may be recorded early, with a reason, before the booked start).
_HELD_BY = {"conference": S.PLAN_AGREED.value, "follow_up": S.FOLLOWED_UP.value}


def meetings_ahead(case: Case, at: dt.datetime) -> list[Meeting]:
    """The booked meetings after `at` that are neither cancelled nor already recorded as
    held, oldest first."""
    def held(m: Meeting) -> bool:
        return any(h.to_state == _HELD_BY.get(m.kind) and h.at >= m.created_at
                   for h in case.history)

    return [m for m in case.meetings
            if m.cancelled_at is None and m.start > at and not held(m)]
