"""Registering referrals, numbering, corrected re-sends and the intake ledger."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import NotFound
from pipeline.model.case import Role, State
from pipeline.model.issues import warning
from pipeline.model.referral import Referral
from pipeline.register import ledger
from pipeline.register.cases import (
    RegisterResult,
    case_view,
    get_case,
    list_cases,
    register_referral,
)
from pipeline.register.db import make_engine, migrate
from pipeline.register.tables import Case, StateChange
from pipeline.register.testing import sqlite_url

T0 = dt.datetime(2026, 11, 24, 9, 30)


def register(
    session: Session, referral: Referral, at: dt.datetime = T0, sha: str = "a" * 64
) -> RegisterResult:
    result = register_referral(
        session=session, referral=referral, warnings=[], source_file="suunamine.pdf",
        sha256=sha, received_at=at,
    )
    session.commit()
    return result


def other_child(referral: Referral, id_code: str) -> Referral:
    child = referral.children[0].model_copy(update={"id_code": id_code, "name": "Mari Mets"})
    return referral.model_copy(update={"children": [child]})


def test_register_new_case_gets_first_number_of_year(session: Session, referral: Referral) -> None:
    result = register(session, referral)
    assert (result.number, result.created, result.version) == ("PLR-2026-0001", True, 1)
    case = get_case(session=session, number="PLR-2026-0001")
    assert case.state == State.REGISTERED
    history = session.execute(select(StateChange)).scalars().all()
    assert [(h.from_state, h.to_state) for h in history] == [("received", "registered")]


def test_register_new_case_view_is_built_without_reading_back(
    session: Session, referral: Referral
) -> None:
    """The renderers' view of a new case comes from the rows the registering transaction
    holds: no statement runs for it, and it equals the view read back afresh."""
    from sqlalchemy import event

    from pipeline.register.views import build_case_view

    res = register_referral(session=session, referral=referral, warnings=[],
                            source_file="suunamine.pdf", sha256="a" * 64, received_at=T0)
    assert res.case is not None
    statements: list[str] = []
    bind = session.get_bind()

    def seen(_conn: object, _cur: object, sql: str, *_: object) -> None:
        statements.append(sql)

    event.listen(bind, "before_cursor_execute", seen)
    try:
        held = build_case_view(res.case)
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    assert statements == []
    session.commit()
    session.expunge_all()
    assert held == case_view(session=session, number=res.number)
    case = get_case(session=session, number=res.number)
    assert case.state == State.REGISTERED.value
    assert [(h.from_state, h.to_state) for h in case.history] == [
        (State.RECEIVED.value, State.REGISTERED.value)]


def test_register_numbers_are_per_year_sequences(session: Session, referral: Referral) -> None:
    numbers = [
        register(session, other_child(referral, f"5150305{i:04d}"), at=T0).number
        for i in range(3)
    ]
    numbers.append(register(session, referral, at=dt.datetime(2027, 1, 2, 8, 0)).number)
    assert numbers == ["PLR-2026-0001", "PLR-2026-0002", "PLR-2026-0003", "PLR-2027-0001"]


def test_register_rolled_back_registration_leaves_no_gap(
    session: Session, referral: Referral
) -> None:
    register_referral(
        session=session, referral=referral, warnings=[], source_file="a.pdf", sha256="b" * 64,
        received_at=T0,
    )
    session.rollback()
    assert register(session, referral).number == "PLR-2026-0001"


def test_register_corrected_resend_updates_open_case(session: Session, referral: Referral) -> None:
    first = register(session, referral)
    corrected = referral.model_copy(update={"situation": "Parandatud kirjeldus."})
    second = register(session, corrected, sha="c" * 64)
    assert (second.number, second.created, second.version) == (first.number, False, 2)
    view = case_view(session=session, number=first.number)
    assert view.referral.situation == "Parandatud kirjeldus."
    case = get_case(session=session, number=first.number)
    assert [v.version for v in case.versions] == [1, 2]
    assert case.versions[0].data["situation"] == referral.situation


def test_register_resend_matches_by_name_and_birth_date_without_id_code(
    session: Session, referral: Referral
) -> None:
    kids = [c.model_copy(update={"id_code": None}) for c in referral.children]
    plain = referral.model_copy(update={"children": kids})
    first = register(session, plain)
    again = register(session, plain.model_copy(update={"question": "Uus küsimus?"}))
    assert again.number == first.number and not again.created


def test_register_resend_by_other_referrer_is_a_new_case(
    session: Session, referral: Referral
) -> None:
    register(session, referral)
    other = referral.referrer.model_copy(update={"email": "teine@example.ee"})
    result = register(session, referral.model_copy(update={"referrer": other}))
    assert result.created and result.number == "PLR-2026-0002"


def test_register_resend_after_close_is_a_new_case(session: Session, referral: Referral) -> None:
    register(session, referral)
    get_case(session=session, number="PLR-2026-0001").state = State.CLOSED.value
    session.commit()
    assert register(session, referral).created


def test_register_resend_keeps_hand_added_participants(
    session: Session, referral: Referral
) -> None:
    from pipeline.register.tables import Participant

    register(session, referral)
    case = get_case(session=session, number="PLR-2026-0001")
    case.participants.append(
        Participant(name="Õpetaja Olga", role="information_giver", language="et", parts=[1],
                    source="coordinator")
    )
    session.commit()
    fewer = referral.model_copy(update={"network": referral.network[:1]})
    register(session, fewer)
    view = case_view(session=session, number="PLR-2026-0001")
    roles = [p.role for p in view.participants]
    assert roles.count(Role.NETWORK) == 1
    assert roles.count(Role.INFORMATION_GIVER) == 1


def test_register_participants_from_referral(session: Session, referral: Referral) -> None:
    ru = referral.model_copy(update={"family_language": "ru"})
    register(session, ru)
    view = case_view(session=session, number="PLR-2026-0001")
    by_role = {p.role: p for p in view.participants}
    assert [p.role for p in view.participants].count(Role.CHILD) == 2
    assert by_role[Role.CAREGIVER].language == "ru"
    assert by_role[Role.REFERRER].language == "et"
    assert by_role[Role.REFERRER].email == referral.referrer.email


def test_register_warnings_are_kept_with_the_version(
    session: Session, referral: Referral
) -> None:
    w = warning("consent_old", "consent.date", "Nõusolek on vanem kui kolm kuud.")
    register_referral(
        session=session, referral=referral, warnings=[w], source_file="a.pdf", sha256="d" * 64,
        received_at=T0,
    )
    session.commit()
    assert case_view(session=session, number="PLR-2026-0001").warnings == [w]


def test_register_aware_time_is_stored_as_tallinn_time(
    session: Session, referral: Referral
) -> None:
    register(session, referral, at=dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC))
    case = session.execute(select(Case)).scalar_one()
    assert case.number == "PLR-2027-0001"
    assert case.received_at == dt.datetime(2027, 1, 1, 0, 30)


def test_register_get_case_unknown_and_malformed(session: Session) -> None:
    with pytest.raises(NotFound, match="PLR-2026-0042"):
        get_case(session=session, number="plr-2026-0042")
    with pytest.raises(NotFound, match="kuju"):
        get_case(session=session, number="42")


def test_register_list_cases_filters_by_state(session: Session, referral: Referral) -> None:
    register(session, referral)
    register(session, other_child(referral, "51503050028"))
    assert len(list_cases(session=session)) == 2
    assert list_cases(session=session, state="assigned") == []


def test_ledger_records_and_closes_entries(session: Session) -> None:
    first = ledger.record_arrival(session=session, file_name="a.pdf", sha256="e" * 64,
                                  received_at=T0)
    second = ledger.record_arrival(session=session, file_name="b.pdf", sha256="f" * 64,
                                   received_at=T0)
    session.commit()
    assert [e.id for e in ledger.pending_entries(session=session)] == [first, second]
    ledger.close_entry(session=session, entry_id=first, outcome="registered",
                       cases=["PLR-2026-0001"], codes=[], reason="")
    ledger.close_entry(session=session, entry_id=second, outcome="returned", cases=[],
                       codes=["missing_required"], reason="Puudub suunaja nimi.")
    session.commit()
    assert ledger.pending_entries(session=session) == []
    entries = ledger.list_entries(session=session)
    assert [e.outcome for e in entries] == ["returned", "registered"]
    assert entries[0].to_json()["codes"] == ["missing_required"]
    assert set(entries[0].to_json()) == {
        "id", "file", "sha256", "received_at", "outcome", "cases", "codes", "reason", "placed",
    }


def test_ledger_duplicate_names_first_files_cases(session: Session) -> None:
    first = ledger.record_arrival(session=session, file_name="a.pdf", sha256="1" * 64,
                                  received_at=T0)
    ledger.close_entry(session=session, entry_id=first, outcome="registered",
                       cases=["PLR-2026-0007"], codes=[], reason="")
    dup = ledger.record_arrival(session=session, file_name="a (1).pdf", sha256="1" * 64,
                                received_at=T0)
    found = ledger.find_by_sha256(session=session, sha256="1" * 64, before_id=dup)
    assert found is not None and found.cases == ["PLR-2026-0007"]
    ledger.close_entry(session=session, entry_id=dup, outcome="duplicate",
                       cases=["PLR-2026-0007"], codes=["duplicate"], reason="")
    assert ledger.find_by_sha256(session=session, sha256="1" * 64) == found
    assert ledger.find_by_sha256(session=session, sha256="2" * 64) is None


def test_ledger_rejects_unknown_outcome_and_entry(session: Session) -> None:
    from pipeline.errors import PipelineError

    entry = ledger.record_arrival(session=session, file_name="a.pdf", sha256="3" * 64,
                                  received_at=T0)
    with pytest.raises(PipelineError):
        ledger.close_entry(session=session, entry_id=entry, outcome="lost", cases=[], codes=[],
                           reason="")
    with pytest.raises(NotFound):
        ledger.close_entry(session=session, entry_id=entry + 99, outcome="returned", cases=[],
                           codes=[], reason="")


def test_register_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    migrate(url, engine=engine)
    engine.dispose()
    db_file = tmp_path / "data" / "plr.sqlite3"
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_file.parent.stat().st_mode) == 0o700
