"""Rows → `pipeline.model.case` views (what renderers and delivery receive)."""

from __future__ import annotations

from pipeline.model.case import (
    ActionPlan,
    Agreement,
    CaseView,
    Coordinator,
    Meeting,
    MeetingKind,
    Participant,
    Role,
    State,
)
from pipeline.register import tables as t
from pipeline.register.cases import current_referral, current_warnings


def coordinator_view(row: t.Coordinator) -> Coordinator:
    return Coordinator(
        id=row.id, name=row.name, email=row.email, phone=row.phone,
        languages=list(row.languages), capacity=row.capacity,
    )


def participant_view(row: t.Participant) -> Participant:
    return Participant(
        id=row.id, name=row.name, role=Role(row.role), relation=row.relation, phone=row.phone,
        email=row.email, address=row.address, language=row.language, parts=list(row.parts),
    )


def latest_meeting(case: t.Case, kind: MeetingKind) -> Meeting | None:
    rows = [m for m in case.meetings if m.kind == kind.value]
    if not rows:
        return None
    m = rows[-1]
    return Meeting(kind=kind, start=m.start, end=m.end, place=m.place)


def plan_view(row: t.Plan) -> ActionPlan:
    return ActionPlan(
        agreements=[
            Agreement(what=a.what, who=a.who, by_when=a.by_when, checks=a.checks)
            for a in row.agreements
        ],
        contingency=row.contingency,
        bottom_lines_met=row.bottom_lines_met,
        notes=row.notes,
    )


def build_case_view(case: t.Case) -> CaseView:
    return CaseView(
        number=case.number,
        state=State(case.state),
        received_at=case.received_at,
        referral=current_referral(case),
        warnings=current_warnings(case),
        coordinator=coordinator_view(case.coordinator) if case.coordinator else None,
        participants=[participant_view(p) for p in case.participants],
        conference=latest_meeting(case, MeetingKind.CONFERENCE),
        follow_up=latest_meeting(case, MeetingKind.FOLLOW_UP),
        plan=plan_view(case.plans[-1]) if case.plans else None,
        source_file=case.versions[-1].source_file if case.versions else None,
    )
