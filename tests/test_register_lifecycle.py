"""The lifecycle: every transition and refusal, the coordinator rule, the waiting queue."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.orm import Session

from pipeline.errors import PipelineError, Refused
from pipeline.model.case import ActionPlan, Agreement, Participant, Role, State
from pipeline.model.referral import Referral
from pipeline.register import cases, lifecycle, meetings, purge
from pipeline.register import coordinators as coord
from pipeline.register.cases import case_view, get_case, register_referral
from pipeline.register.tables import Coordinator

T0 = dt.datetime(2026, 11, 2, 9, 0)
PLAN = ActionPlan(
    agreements=[Agreement(what="Jüri käib koolis", who="ema", by_when="iga päev",
                          checks="klassijuhataja")],
    contingency="Onu Toomas võtab lapsed enda juurde.",
)


_ids = itertools.count(100)


@pytest.fixture
def written_on(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The register's clock stopped on the day these tests' fixed dates were chosen, so
    that a meeting booked for 2027 is still ahead (a follow-up is never booked in the
    past) whatever day the suite runs on."""
    at = dt.datetime(2026, 11, 26, 10, 0)
    for module in (cases, lifecycle, meetings):
        monkeypatch.setattr(module, "now", lambda: at)
    return at


def new_case(session: Session, referral: Referral, *, lang: str = "et",
             at: dt.datetime = T0) -> str:
    child = referral.children[0].model_copy(update={"id_code": None,
                                                    "name": f"Laps {next(_ids)}"})
    r = referral.model_copy(update={"children": [child], "family_language": lang})
    number = register_referral(session=session, referral=r, warnings=[], source_file="a.pdf",
                               sha256="0" * 64, received_at=at).number
    session.flush()
    return number


def coordinator(session: Session, name: str = "Kati Karu", email: str = "kati@example.ee",
                langs: tuple[str, ...] = ("et",), capacity: int = 5) -> Coordinator:
    return coord.add_coordinator(session=session, name=name, email=email,
                                 languages=list(langs), capacity=capacity)


def state(session: Session, number: str) -> State:
    return State(get_case(session=session, number=number).state)


# --- the transition table (pure) ---------------------------------------------


@pytest.mark.parametrize(("frm", "to"), list(itertools.product(State, State)))
def test_lifecycle_every_pair_is_allowed_or_refused_with_reason(frm: State, to: State) -> None:
    if to in lifecycle.ALLOWED[frm]:
        lifecycle.check_transition("PLR-2026-0001", frm, to)
        return
    with pytest.raises(Refused) as info:
        lifecycle.check_transition("PLR-2026-0001", frm, to)
    msg = info.value.message
    assert "PLR-2026-0001" in msg and info.value.code == "bad_transition"
    assert ("saab edasi minna ainult" in msg) == bool(lifecycle.ALLOWED[frm])


def test_lifecycle_table_follows_process_md() -> None:
    forward = [State.REGISTERED, State.ASSIGNED, State.PREPARING, State.SCHEDULED,
               State.PLAN_AGREED, State.FOLLOWED_UP, State.CLOSED]
    for a, b in itertools.pairwise(forward):
        assert b in lifecycle.ALLOWED[a]
    assert lifecycle.ALLOWED[State.FOLLOWED_UP] >= {State.PLAN_AGREED, State.SCHEDULED}
    assert not lifecycle.ALLOWED[State.CLOSED] and not lifecycle.ALLOWED[State.RETURNED]


# --- the whole process on a real database ------------------------------------


@pytest.mark.usefixtures("written_on")
def test_lifecycle_full_process_with_both_loops(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    c = coordinator(session)
    lifecycle.assign(session=session, number=n, coordinator=c, actor="kontor")
    assert state(session, n) is State.ASSIGNED
    meetings.add_participant(session=session, number=n, actor="kati", person=Participant(
        name="Olga Õpetaja", role=Role.INFORMATION_GIVER, email="olga@example.ee"))
    assert state(session, n) is State.PREPARING
    start = dt.datetime(2026, 12, 3, 17, 0)
    meetings.book_conference(session=session, number=n, start=start, place="Perekeskus",
                             actor="kati")
    meetings.book_conference(session=session, number=n, start=start + dt.timedelta(days=1),
                             place="Perekeskus", actor="kati")  # moved
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="kati", forced="test")
    view = case_view(session=session, number=n)
    assert view.conference is not None and view.conference.start.day == 4
    # 4 Jan 2027 is a Monday, a working day.
    assert view.follow_up is not None and view.follow_up.start == dt.datetime(2027, 1, 4, 17, 0)
    assert view.plan == PLAN
    meetings.record_followup(session=session, number=n, outcome="revise", actor="kati",
                             forced="test")
    # The revised plan:
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="kati", forced="test")
    meetings.record_followup(session=session, number=n, outcome="new_conference", actor="kati",
                             forced="test")
    meetings.book_conference(session=session, number=n, start=start + dt.timedelta(days=60),
                             place="Vallamaja", actor="kati")
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="kati", forced="test")
    meetings.record_followup(session=session, number=n, outcome="continue", actor="kati",
                             forced="test")
    lifecycle.close(session=session, number=n, reason="plan_working", actor="kati")
    session.commit()
    case = get_case(session=session, number=n)
    assert [h.to_state for h in case.history] == [
        "registered", "assigned", "preparing", "scheduled", "scheduled", "plan_agreed",
        "followed_up", "plan_agreed", "followed_up", "scheduled", "plan_agreed", "followed_up",
        "closed",
    ]
    assert all(h.actor for h in case.history) and case.close_reason == "plan_working"
    assert len(case.plans) == 3


def test_lifecycle_transition_refused_leaves_state_and_history(
    session: Session, referral: Referral
) -> None:
    n = new_case(session, referral)
    with pytest.raises(Refused, match="„registreeritud“"):
        lifecycle.transition(session=session, number=n, to=State.SCHEDULED, actor="x")
    assert state(session, n) is State.REGISTERED
    assert len(get_case(session=session, number=n).history) == 1


def test_lifecycle_transition_records_actor_and_note(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    lifecycle.transition(session=session, number=n, to=State.CLOSED, actor="kontor", note="x")
    last = get_case(session=session, number=n).history[-1]
    assert (last.from_state, last.to_state, last.actor, last.note) == (
        "registered", "closed", "kontor", "x")


def test_lifecycle_plan_before_conference_refused(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    lifecycle.assign(session=session, number=n, coordinator=coordinator(session), actor="k")
    with pytest.raises(Refused, match="plaan kokku lepitud"):
        meetings.save_plan(session=session, number=n, plan=PLAN, actor="k", forced="test")
    with pytest.raises(Refused):
        meetings.record_followup(session=session, number=n, outcome="continue", actor="k",
                                 forced="test")


def test_lifecycle_close_reasons(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    with pytest.raises(Refused, match="enne järelkohtumist"):
        lifecycle.close(session=session, number=n, reason="plan_working", actor="k")
    with pytest.raises(Refused, match="sulgemise põhjus"):
        lifecycle.close(session=session, number=n, reason="bored", actor="k")
    lifecycle.close(session=session, number=n, reason="consent_withdrawn", actor="k")
    with pytest.raises(Refused, match="lõplik"):
        lifecycle.close(session=session, number=n, reason="other", actor="k")
    with pytest.raises(Refused):
        lifecycle.assign(session=session, number=n, coordinator=coordinator(session), actor="k")


def test_lifecycle_participant_rules(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    giver = Participant(name="Olga Õpetaja", role=Role.INFORMATION_GIVER, email="olga@example.ee")
    with pytest.raises(Refused, match="koordinaatori määramist"):
        meetings.add_participant(session=session, number=n, person=giver, actor="k")
    lifecycle.assign(session=session, number=n, coordinator=coordinator(session), actor="k")
    with pytest.raises(PipelineError, match="e-post või telefon"):
        meetings.add_participant(session=session, number=n, actor="k",
                                 person=giver.model_copy(update={"email": None}))
    with pytest.raises(PipelineError, match="ainult"):
        meetings.add_participant(session=session, number=n, actor="k",
                                 person=giver.model_copy(update={"role": Role.CHILD}))
    meetings.add_participant(session=session, number=n, person=giver, actor="k")
    added = case_view(session=session, number=n).participants[-1]
    assert (added.parts, added.language) == ([1], "et")


# --- the coordinator rule ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("  küllike   õunapuu-žukovskaja ", "muu@example.ee"),  # same name, other e-mail
        ("Keegi Teine", "KYLLIKE.OUNAPUU@example.ee"),  # same e-mail, other name
    ],
)
def test_lifecycle_assign_refuses_referrer(
    session: Session, referral: Referral, name: str, email: str
) -> None:
    n = new_case(session, referral)
    c = coordinator(session, name=name, email=email)
    with pytest.raises(Refused) as info:
        lifecycle.assign(session=session, number=n, coordinator=c, actor="k")
    msg = info.value.message
    assert info.value.code == "coordinator_is_referrer" and "suunaja" in msg
    assert "Küllike" not in msg and "@" not in msg  # never names the person
    assert state(session, n) is State.REGISTERED
    assert coord.suggest_coordinators(session=session, case=get_case(session=session, number=n)
                                      ) == []


def test_lifecycle_assign_refuses_full_and_inactive(session: Session, referral: Referral) -> None:
    a, b = new_case(session, referral), new_case(session, referral)
    c = coordinator(session, capacity=1)
    lifecycle.assign(session=session, number=a, coordinator=c, actor="k")
    with pytest.raises(Refused, match="piir on 1"):
        lifecycle.assign(session=session, number=b, coordinator=c, actor="k")
    other = coordinator(session, name="Mari Maasikas", email="mari@example.ee")
    other.active = False
    with pytest.raises(Refused, match="aktiivne"):
        lifecycle.assign(session=session, number=b, coordinator=other, actor="k")


def test_lifecycle_reassign_keeps_state(session: Session, referral: Referral) -> None:
    n = new_case(session, referral)
    a = coordinator(session)
    b = coordinator(session, name="Mari Maasikas", email="mari@example.ee")
    lifecycle.assign(session=session, number=n, coordinator=a, actor="k")
    with pytest.raises(Refused, match="juba määratud"):
        lifecycle.assign(session=session, number=n, coordinator=a, actor="k")
    lifecycle.assign(session=session, number=n, coordinator=b, actor="k")
    case = get_case(session=session, number=n)
    assert case.coordinator_id == b.id and case.state == "assigned"


def test_lifecycle_suggestions_rank_language_then_fewest_open(
    session: Session, referral: Referral
) -> None:
    busy_ru = coordinator(session, "Vera Busy", "vera@example.ee", ("et", "ru"))
    coordinator(session, "Olga Free", "olga@example.ee", ("ru",))
    coordinator(session, "Ants Eesti", "ants@example.ee", ("et",))
    full_ru = coordinator(session, "Nina Full", "nina@example.ee", ("ru",), capacity=1)
    for c in (busy_ru, busy_ru, full_ru):
        lifecycle.assign(session=session, number=new_case(session, referral), coordinator=c,
                         actor="k")
    ru_case = get_case(session=session, number=new_case(session, referral, lang="ru"))
    ranked = coord.suggest_coordinators(session=session, case=ru_case)
    assert [s.coordinator.name for s in ranked] == [
        "Olga Free", "Vera Busy", "Ants Eesti", "Nina Full"]
    assert [s.open_cases for s in ranked] == [0, 2, 0, 1]
    assert not ranked[-1].free and not ranked[2].speaks_language


# --- the waiting queue -------------------------------------------------------


def test_lifecycle_waiting_queue_in_arrival_order(session: Session, referral: Referral) -> None:
    c = coordinator(session, capacity=1)
    first = new_case(session, referral, at=T0)
    third = new_case(session, referral, at=T0 + dt.timedelta(hours=2))
    second = new_case(session, referral, at=T0 + dt.timedelta(hours=1))
    lifecycle.assign(session=session, number=first, coordinator=c, actor="k")
    assert coord.all_busy(session=session)
    assert [x.number for x in coord.waiting_queue(session=session)] == [second, third]
    lifecycle.close(session=session, number=first, reason="moved_away", actor="k")
    assert coord.next_offer(session=session, coordinator=c).number == second  # type: ignore[union-attr]
    with pytest.raises(Refused, match=second):
        lifecycle.assign(session=session, number=third, coordinator=c, actor="k")
    lifecycle.assign(session=session, number=second, coordinator=c, actor="k")
    assert [x.number for x in coord.waiting_queue(session=session)] == [third]


def test_lifecycle_queue_skips_cases_the_coordinator_cannot_take(
    session: Session, referral: Referral
) -> None:
    c = coordinator(session, langs=("et",), capacity=1)
    new_case(session, referral, lang="ru", at=T0)
    et_case = new_case(session, referral, lang="et", at=T0 + dt.timedelta(hours=1))
    assert coord.next_offer(session=session, coordinator=c).number == et_case  # type: ignore[union-attr]
    lifecycle.assign(session=session, number=et_case, coordinator=c, actor="k")
    assert state(session, et_case) is State.ASSIGNED


# --- retention ---------------------------------------------------------------


def test_purge_removes_personal_data_keeps_statistics(
    session: Session, referral: Referral
) -> None:
    from pipeline.register import ledger

    old, recent = new_case(session, referral), new_case(session, referral)
    entry = ledger.record_arrival(session=session, file_name="Tamm.pdf", sha256="9" * 64,
                                  received_at=T0)
    ledger.close_entry(session=session, entry_id=entry, outcome="registered", cases=[old],
                       codes=[], reason="")
    for n in (old, recent):
        lifecycle.close(session=session, number=n, reason="moved_away", actor="k", note="x")
    get_case(session=session, number=old).closed_at = dt.datetime(2020, 1, 1)
    before = purge.cutoff("5y", today=dt.datetime(2026, 11, 24))
    assert before == dt.datetime(2021, 11, 24)
    assert [c.number for c in purge.purgeable(session=session, before=before)] == [old]
    assert purge.purge(session=session, before=before).cases == [old]
    session.commit()
    case = get_case(session=session, number=old)
    assert case.versions == [] and case.participants == [] and case.purged_at is not None
    assert (case.municipality, case.children_count, case.close_reason) == (
        "Türi vald", 1, "moved_away")
    assert all(h.note is None for h in case.history)
    assert ledger.list_entries(session=session)[0].file_name is None
    assert case_view(session=session, number=old).referral == Referral()
    assert get_case(session=session, number=recent).versions


@pytest.mark.parametrize("bad", ["5", "0y", "5w", "", "y5"])
def test_purge_rejects_bad_period(bad: str) -> None:
    with pytest.raises(PipelineError, match="periood"):
        purge.cutoff(bad, today=dt.datetime(2026, 1, 31))


def test_purge_months_clamp_to_month_end() -> None:
    assert purge.cutoff("1m", today=dt.datetime(2026, 3, 31)) == dt.datetime(2026, 2, 28)


@pytest.mark.usefixtures("written_on")
def test_lifecycle_follow_up_comes_after_the_latest_plan_in_both_loops(
    session: Session, referral: Referral
) -> None:
    from pipeline.render.dates import is_working_day
    from pipeline.render.documents import for_schedule

    n = new_case(session, referral)
    lifecycle.assign(session=session, number=n, coordinator=coordinator(session), actor="k")
    conf = dt.datetime(2027, 3, 4, 17, 0)
    meetings.book_conference(session=session, number=n, start=conf, place="Perekeskus",
                             actor="k")
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="k", forced="test")
    first = case_view(session=session, number=n).follow_up
    assert first is not None and first.start == dt.datetime(2027, 4, 5, 17, 0)  # 4.4 is Sunday
    # Revise: the revised plan is agreed at the follow-up, so its follow-up is a month on
    # from there, never the one already held.
    meetings.record_followup(session=session, number=n, outcome="revise", actor="k",
                             forced="test")
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="k", forced="test")
    second = case_view(session=session, number=n).follow_up
    assert second is not None and second.start == dt.datetime(2027, 5, 5, 17, 0)
    # New conference: the next follow-up comes a month after it, and the new conference's
    # documents propose that, not the follow-up already held.
    meetings.record_followup(session=session, number=n, outcome="new_conference", actor="k",
                             forced="test")
    new_conf = dt.datetime(2027, 6, 1, 16, 0)
    meetings.book_conference(session=session, number=n, start=new_conf, place="Vallamaja",
                             actor="k")
    view = case_view(session=session, number=n)
    blank = next(x for x in for_schedule(view) if x.kind == "blank_plan")
    from test_render_helpers import docx_text

    assert "1. juuli 2027, neljapäev, kell 16.00 (ettepanek)" in docx_text(blank.data)
    meetings.save_plan(session=session, number=n, plan=PLAN, actor="k", forced="test")
    third = case_view(session=session, number=n).follow_up
    assert third is not None and third.start == dt.datetime(2027, 7, 1, 16, 0)
    assert third.place == "Vallamaja"
    assert all(is_working_day(m.start.date()) for m in (first, second, third))
