"""Rows → `pipeline.model.case` views (what renderers and delivery receive)."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from pipeline.register.cases import (
    current_provenance,
    current_referral,
    current_signatures,
    current_warnings,
)
from pipeline.register.reads import summary_row


def coordinator_view(row: t.Coordinator) -> Coordinator:
    return Coordinator(
        id=row.id, name=row.name, email=row.email, phone=row.phone,
        languages=list(row.languages), capacity=row.capacity,
    )


def participant_view(row: t.Participant) -> Participant:
    parts = list(row.parts)
    if row.role == Role.REFERRER.value:
        # The referrer presents in part 1 and accepts the plan in part 3; the family's
        # private time is the family's alone.
        parts = [p for p in parts if p != 2]
    return Participant(
        id=row.id, name=row.name, role=Role(row.role), relation=row.relation, phone=row.phone,
        email=row.email, address=row.address, language=row.language, parts=parts,
    )


def meeting_uid(number: str, row: t.Meeting) -> str:
    """The seed of a meeting's calendar UIDs. Meetings booked before revision 5 have none
    stored: theirs is the one their .ics files were written with (case and kind)."""
    return row.uid or f"{number}/{row.kind}"


def meeting_view(number: str, row: t.Meeting) -> Meeting:
    return Meeting(kind=MeetingKind(row.kind), start=row.start, end=row.end, place=row.place,
                   uid=meeting_uid(number, row), sequence=row.sequence or 0)


def latest_meeting(case: t.Case, kind: MeetingKind) -> Meeting | None:
    """The newest meeting of this kind that is not cancelled or superseded."""
    rows = [m for m in case.meetings if m.kind == kind.value and m.cancelled_at is None]
    return meeting_view(case.number, rows[-1]) if rows else None


def active_participants(case: t.Case) -> list[t.Participant]:
    return [p for p in case.participants if p.removed_at is None]


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
        participants=[participant_view(p) for p in active_participants(case)],
        conference=latest_meeting(case, MeetingKind.CONFERENCE),
        follow_up=latest_meeting(case, MeetingKind.FOLLOW_UP),
        plan=plan_view(case.plans[-1]) if case.plans else None,
        source_file=case.versions[-1].source_file if case.versions else None,
        signatures=current_signatures(case),
        translations=dict(case.translations or {}),
    )


# --- JSON for the command line (stable keys; documented in docs/register.md) ---


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def case_summary(case: t.Case, queue_position: int | None = None) -> dict[str, Any]:
    """One row of `plr cases --json` (`reads.summary_row`, from the case's rows)."""
    referral = current_referral(case)
    return summary_row(
        number=case.number, state=case.state, received_at=case.received_at,
        municipality=case.municipality, family_language=case.family_language,
        children=[c.name for c in referral.children if c.name],
        coordinator=case.coordinator.name if case.coordinator else None,
        queue_position=queue_position, closed_at=case.closed_at,
        close_reason=case.close_reason,
    )


def _meeting_json(m: Meeting | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"start": _iso(m.start), "end": _iso(m.end), "place": m.place}


def case_details(case: t.Case, queue_position: int | None = None) -> dict[str, Any]:
    """Everything about one case, for `plr case show N --json`."""
    view = build_case_view(case)
    return {
        **case_summary(case, queue_position),
        "referral": view.referral.model_dump(mode="json"),
        "warnings": [w.model_dump(mode="json") for w in view.warnings],
        "signatures": [s.model_dump(mode="json") for s in view.signatures],
        "coordinator": view.coordinator.model_dump(mode="json") if view.coordinator else None,
        "participants": [p.model_dump(mode="json") for p in view.participants],
        "conference": _meeting_json(view.conference),
        "follow_up": _meeting_json(view.follow_up),
        "followup_outcome": case.followup_outcome,
        "plan": view.plan.model_dump(mode="json") if view.plan else None,
        "versions": [
            {"version": v.version, "received_at": _iso(v.received_at), "file": v.source_file,
             "sha256": v.sha256}
            for v in case.versions
        ],
        "history": [
            {"at": _iso(h.at), "actor": h.actor, "from": h.from_state, "to": h.to_state,
             "note": h.note}
            for h in case.history
        ],
        "purged_at": _iso(case.purged_at),
        # Where the newest version's values came from (format, method, label per key).
        "provenance": current_provenance(case),
    }
