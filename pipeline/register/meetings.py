"""Conferences, action plans and follow-ups: the steps after a coordinator is assigned."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from pipeline.errors import NotFound, PipelineError, Refused, TooEarly
from pipeline.i18n import ByLang
from pipeline.model.case import ActionPlan, MeetingKind, Participant, Role, State
from pipeline.register.cases import (
    current_referral,
    family_doc_language,
    get_case,
    now,
    record_change,
)
from pipeline.register.lifecycle import FOLLOWUP_OUTCOMES, check_transition, meetings_ahead
from pipeline.register.tables import Agreement, Case, Meeting, Plan
from pipeline.register.tables import Participant as ParticipantRow

CONFERENCE_HOURS = 3.0
FOLLOW_UP_HOURS = 1.5
# Roles a coordinator may add by hand; the others come from the referral.
ADDABLE_ROLES = (Role.INFORMATION_GIVER, Role.NETWORK)


def _to_preparing(session: Session, case: Case, actor: str) -> None:
    """Assigned cases move to preparation on the coordinator's first step."""
    if case.state == State.ASSIGNED.value:
        record_change(session, case, State.PREPARING.value, actor=actor)


def _checked(person: Participant) -> Participant:
    """A participant as entered by hand: a first and last name, a valid phone and e-mail
    (normalised), and at least one way to reach them."""
    from pipeline.model import normalize

    name = " ".join(person.name.split())
    if len(name.split(" ")) < 2:
        raise PipelineError.of("err.participant_name", code="bad_participant")
    phone, email = person.phone, person.email
    if phone:
        phone, ok = normalize.phone(phone)
        if not ok:
            raise PipelineError.of("err.participant_phone", code="bad_phone")
    if email:
        email, ok = normalize.email(email)
        if not ok:
            raise PipelineError.of("err.participant_email", code="bad_email")
    if not (phone or email):
        raise PipelineError.of("err.participant_unreachable", code="bad_participant")
    return person.model_copy(update={"name": name, "phone": phone, "email": email})


def add_participant(*, session: Session, number: str, person: Participant, actor: str) -> Case:
    if person.role not in ADDABLE_ROLES:
        raise PipelineError.of("err.addable_role", code="bad_role")
    person = _checked(person)
    case = get_case(session=session, number=number, for_update=True)
    if case.state in (State.REGISTERED.value, State.CLOSED.value, State.RETURNED.value):
        raise Refused.of("err.participant_state", code="bad_state", number=case.number)
    _to_preparing(session, case, actor)
    info = person.role is Role.INFORMATION_GIVER
    case.participants.append(ParticipantRow(
        name=person.name, role=person.role.value, relation=person.relation,
        phone=person.phone, email=person.email, address=person.address,
        # Information givers attend the information-sharing part only and read Estonian.
        language="et" if info else family_doc_language_of(case),
        parts=[1] if info else [1, 2, 3], source="coordinator",
    ))
    session.flush()
    return case


_EDITABLE = ("name", "relation", "phone", "email")


def _participant(case: Case, participant_id: int) -> ParticipantRow:
    for row in case.participants:
        if row.id == participant_id and row.removed_at is None:
            return row
    raise NotFound.of("err.no_participant", code="no_participant", number=case.number,
                      id=participant_id)


def _open_for_people(case: Case) -> None:
    if case.state in (State.CLOSED.value, State.RETURNED.value):
        raise Refused.of("err.case_closed_people", code="bad_state", number=case.number)


def _remember(row: ParticipantRow, what: str, actor: str) -> None:
    """Keep the values before a change in the row's own history (never lost)."""
    entry = {"at": now().isoformat(timespec="minutes"), "actor": actor, "change": what,
             **{k: getattr(row, k) for k in _EDITABLE}}
    row.history = [*(row.history or []), entry]


def edit_participant(*, session: Session, number: str, participant_id: int, actor: str,
                     changes: dict[str, str | None]) -> tuple[Case, str]:
    """Change a participant's name, relation, phone or e-mail (earlier values kept);
    returns the case and the participant's name before the change."""
    case = get_case(session=session, number=number, for_update=True)
    _open_for_people(case)
    row = _participant(case, participant_id)
    before = row.name
    values = {k: getattr(row, k) for k in _EDITABLE}
    values.update({k: (v.strip() or None) if isinstance(v, str) else v
                   for k, v in changes.items() if k in _EDITABLE and v is not None})
    person = _checked(Participant(name=values["name"] or "", role=Role(row.role),
                                  relation=values["relation"], phone=values["phone"],
                                  email=values["email"]))
    _remember(row, "muudetud", actor)
    row.name, row.relation, row.phone, row.email = (person.name, person.relation, person.phone,
                                                    person.email)
    # A form-made participant edited by hand is kept as it now is on a corrected re-send.
    row.source = "coordinator"
    record_change(session, case, case.state, actor=actor,
                  note=f"osaleja {participant_id} andmed muudetud")
    session.flush()
    return case, before


def remove_participant(*, session: Session, number: str, participant_id: int,
                       actor: str) -> tuple[Case, str]:
    """Take a participant off the list (kept in the register with its history); returns
    the case and the participant's name, so that their documents can be set aside."""
    case = get_case(session=session, number=number, for_update=True)
    _open_for_people(case)
    row = _participant(case, participant_id)
    if row.role == Role.REFERRER.value:
        raise Refused.of("err.referrer_stays", code="bad_participant")
    _remember(row, "eemaldatud", actor)
    row.removed_at = now()
    record_change(session, case, case.state, actor=actor,
                  note=f"osaleja {participant_id} eemaldatud")
    session.flush()
    return case, row.name


def family_doc_language_of(case: Case) -> str:
    return family_doc_language(current_referral(case))


def _active(case: Case, kind: MeetingKind | None = None) -> list[Meeting]:
    return [m for m in case.meetings if m.cancelled_at is None
            and (kind is None or m.kind == kind.value)]


def upcoming(case: Case, at: dt.datetime | None = None) -> list[Meeting]:
    """The booked meetings still ahead (not held, not cancelled), oldest first."""
    return meetings_ahead(case, at or now())


def cancel_meetings(rows: list[Meeting], at: dt.datetime | None = None) -> None:
    """Mark meetings cancelled (kept in the register, never deleted)."""
    for m in rows:
        m.cancelled_at = at or now()


def book_conference(
    *, session: Session, number: str, start: dt.datetime, place: str, actor: str,
    hours: float = CONFERENCE_HOURS, note: str | None = None,
) -> Case:
    """Book (or move) the conference: assigned/preparing/followed_up → scheduled.

    Moving a booked conference supersedes it: the old row is marked cancelled and the new
    one keeps its calendar UID with a SEQUENCE two higher (the cancellation sent for the
    old time takes the one in between, so a calendar that reads them in any order ends
    with the new time). A new conference after a follow-up is a new calendar event."""
    if not place.strip():
        raise PipelineError.of("err.no_place", code="bad_place")
    case = get_case(session=session, number=number, for_update=True)
    _to_preparing(session, case, actor)
    check_transition(case.number, State(case.state), State.SCHEDULED)
    moved = case.state == State.SCHEDULED.value
    confs = _active(case, MeetingKind.CONFERENCE)
    if moved and confs:
        old = confs[-1]
        uid, sequence = old.uid or f"{case.number}/{old.kind}", (old.sequence or 0) + 2
        cancel_meetings([old])
    else:
        series = sum(1 for m in case.meetings if m.kind == MeetingKind.CONFERENCE.value)
        # The first conference's UID is the one calendar files had before revision 5.
        uid = f"{case.number}/conference" + (f"#{series + 1}" if series else "")
        sequence = 0
    case.meetings.append(Meeting(
        kind=MeetingKind.CONFERENCE.value, start=start,
        end=start + dt.timedelta(hours=hours), place=place.strip(), created_at=now(),
        uid=uid, sequence=sequence,
    ))
    notes = [n for n in ("aeg muudetud" if moved else None, note) if n]
    record_change(session, case, State.SCHEDULED.value, actor=actor,
                  note="; ".join(notes) or None)
    session.flush()
    return case


def follow_up_start(conference_start: dt.datetime) -> dt.datetime:
    """About a month later on a working day, at the conference's time of day."""
    from pipeline.render.dates import follow_up_date

    return dt.datetime.combine(follow_up_date(conference_start.date()), conference_start.time())


def next_follow_up(case: Case) -> tuple[dt.datetime, str]:
    """When and where the follow-up of the plan now being agreed is held.

    About a month after the latest agreed plan. A plan is agreed at the meeting booked last
    (the conference, or the follow-up where it was revised: the lifecycle lets a plan be
    recorded only after one of them), so the month counts from that meeting, on a working
    day, at its hour. It is never on or before a meeting already booked, nor in the past."""
    booked = _active(case)
    if not booked:
        base_start = now().replace(hour=17, minute=0, second=0)
        return follow_up_start(base_start), ""
    base = booked[-1]  # rows are in booking order
    confs = _active(case, MeetingKind.CONFERENCE)
    start = follow_up_start(base.start)
    latest = max([m.start for m in booked] + [now()])
    while start.date() <= latest.date():  # recorded long after: a month on from the latest
        start = follow_up_start(start.replace(year=latest.year, month=latest.month,
                                              day=latest.day))
    return start, (confs[-1].place if confs else base.place)


def not_before(case: Case, kind: MeetingKind, forced: str | None) -> str:
    """The one rule for a step that belongs after a meeting (a plan after the conference,
    a follow-up's outcome after the follow-up), for the CLI, the web and the inbox alike:
    refused (`TooEarly`) while the meeting has not started, unless the coordinator forces
    it with a reason; returns the history note to add ("" if none)."""
    rows = _active(case, kind)
    if not rows or rows[-1].start <= now():
        return ""
    start = rows[-1].start
    if forced is None or not forced.strip():
        from pipeline.render.dates import when

        err = TooEarly.of(f"err.too_early_{kind.value}", code="too_early",
                          start=ByLang(lambda lang: when(start, lang)))
        err.start = start
        raise err
    return f"enne kohtumise algust: {forced.strip()}"


def save_plan(*, session: Session, number: str, plan: ActionPlan, actor: str,
              forced: str | None = None) -> Case:
    """Store the agreed plan (scheduled/followed_up → plan_agreed) and book the follow-up.

    Not before the conference has started, unless `forced` gives the reason."""
    if not plan.agreements:
        raise PipelineError.of("err.empty_plan", code="empty_plan")
    case = get_case(session=session, number=number, for_update=True)
    check_transition(case.number, State(case.state), State.PLAN_AGREED)
    # A revised plan (followed_up) is agreed at the follow-up, already held.
    early = (not_before(case, MeetingKind.CONFERENCE, forced)
             if case.state == State.SCHEDULED.value else "")
    row = Plan(version=len(case.plans) + 1, contingency=plan.contingency,
               bottom_lines_met=plan.bottom_lines_met, notes=plan.notes, created_at=now())
    row.agreements = [
        Agreement(position=i, what=a.what, who=a.who, by_when=a.by_when, checks=a.checks)
        for i, a in enumerate(plan.agreements)
    ]
    case.plans.append(row)
    start, place = next_follow_up(case)
    series = sum(1 for m in case.meetings if m.kind == MeetingKind.FOLLOW_UP.value)
    case.meetings.append(Meeting(
        kind=MeetingKind.FOLLOW_UP.value, start=start,
        end=start + dt.timedelta(hours=FOLLOW_UP_HOURS), place=place, created_at=now(),
        uid=f"{case.number}/follow_up" + (f"#{series + 1}" if series else ""), sequence=0,
    ))
    record_change(session, case, State.PLAN_AGREED.value, actor=actor,
                  note=f"plaani versioon {row.version}" + (f"; {early}" if early else ""))
    session.flush()
    return case


def save_plan_once(*, session: Session, number: str, plan: ActionPlan, actor: str) -> str:
    """`save_plan`, unless this actor already saved one on the case (the same plan file
    processed again after a crash); returns the case number."""
    case = get_case(session=session, number=number)
    if not any(h.actor == actor for h in case.history):
        # The inbox cannot force: a plan before the conference raises TooEarly, and the
        # file is kept aside for the coordinator (`pipeline.stages.stage_plan`).
        save_plan(session=session, number=number, plan=plan, actor=actor)
    return case.number


def record_followup(*, session: Session, number: str, outcome: str, actor: str,
                    note: str | None = None, forced: str | None = None) -> Case:
    """plan_agreed → followed_up, with the outcome: continue, revise or new_conference.

    Not before the follow-up meeting has started, unless `forced` gives the reason."""
    if outcome not in FOLLOWUP_OUTCOMES:
        raise PipelineError.of("err.followup_outcome", code="bad_outcome",
                               allowed=", ".join(FOLLOWUP_OUTCOMES))
    case = get_case(session=session, number=number, for_update=True)
    check_transition(case.number, State(case.state), State.FOLLOWED_UP)
    early = not_before(case, MeetingKind.FOLLOW_UP, forced)
    case.followup_outcome = outcome
    record_change(session, case, State.FOLLOWED_UP.value, actor=actor,
                  note=outcome + (f": {note}" if note else "") + (f"; {early}" if early else ""))
    session.flush()
    return case


TRANSLATABLE = ("question", "bottom_lines")


def set_translation(*, session: Session, number: str, lang: str, texts: dict[str, str | None],
                    actor: str) -> Case:
    """The coordinator's translation of the referrer's question and bottom lines into the
    family's language; printed instead of the marked Estonian text. An empty text removes
    that translation."""
    if lang not in ("ru", "en"):
        raise PipelineError.of("err.translation_language", code="bad_language")
    case = get_case(session=session, number=number, for_update=True)
    _open_for_people(case)
    current = {k: dict(v) for k, v in (case.translations or {}).items()}
    own = current.setdefault(lang, {})
    for key, value in texts.items():
        if key not in TRANSLATABLE or value is None:
            continue
        if value.strip():
            own[key] = value.strip()
        else:
            own.pop(key, None)
    case.translations = current  # a new object, so that the JSON column is written
    record_change(session, case, case.state, actor=actor,
                  note=f"suunaja tekstide tõlge ({lang}): " + (", ".join(sorted(own)) or "—"))
    session.flush()
    return case
