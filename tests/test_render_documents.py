"""Every document in every language, from synthetic cases, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar
from test_render_helpers import docx_parts, docx_text

from pipeline.errors import Refused
from pipeline.model.case import CaseView, Role
from pipeline.model.issues import error
from pipeline.render import documents as d
from pipeline.render.checks import check_all
from pipeline.render.engine import Engine
from pipeline.render.samples import sample_case

TODAY = dt.date(2026, 11, 26)
WHEN = {
    "et": "3. detsember 2026, neljapäev, kell 17.00–20.00",
    "ru": "3 декабря 2026\u202fг., четверг, 17:00–20:00",
    "en": "Thursday, 3 December 2026, 17:00–20:00",
}
FOLLOW_WHEN = {
    "et": "4. jaanuar 2027, esmaspäev, kell 17.00",
    "ru": "4 января 2027\u202fг., понедельник, 17:00",
    "en": "Monday, 4 January 2027, 17:00",
}


def _all(view: CaseView) -> list[d.RenderedDocument]:
    assert view.conference is not None
    return (d.for_registration(view) + d.for_schedule(view, today=TODAY)
            + d.for_plan(view, today=TODAY)
            + d.for_cancellation(view, view.conference, today=TODAY))


def _clean(text: str) -> None:
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert "None" not in text and "Undefined" not in text


@pytest.mark.parametrize("lang", ["et", "ru", "en"])
def test_render_every_document_has_names_dates_and_no_tags(lang: str) -> None:
    view = sample_case(lang)
    docs = _all(view)
    kinds = {(x.kind, x.lang) for x in docs}
    for kind in d.FAMILY_KINDS:
        assert (kind, lang) in kinds
    assert {("acknowledgement", "et"), ("case_summary", "et"), ("blank_plan", "et")} <= kinds
    for doc in docs:
        if doc.media_type != d.DOCX_MEDIA:
            continue
        parts = docx_parts(doc.data)
        text = "\n".join(parts.values())
        _clean(text)
        assert view.number in text, doc.filename
        if doc.kind not in ("case_summary", "cancellation"):
            assert all(c.name and c.name in text for c in view.referral.children), doc.filename
        if doc.recipient and doc.kind in ("invitation", "follow_up_invitation", "plan"):
            assert doc.recipient in parts["body"]
        info = {p.id for p in view.participants if p.role is Role.INFORMATION_GIVER}
        if doc.kind == "agenda" or (doc.kind == "invitation" and doc.participant_id not in info):
            assert WHEN[doc.lang] in parts["body"]
        if doc.kind in ("follow_up_invitation", "plan"):
            assert FOLLOW_WHEN[doc.lang] in parts["body"]


@pytest.mark.parametrize("lang", ["et", "ru", "en"])
def test_render_plan_carries_every_agreement_exactly(lang: str) -> None:
    view = sample_case(lang)
    assert view.plan is not None
    plans = [x for x in d.for_plan(view, today=TODAY) if x.kind == "plan"]
    assert len(plans) == len([p for p in view.participants if p.role is not Role.COORDINATOR])
    for doc in plans:
        body = docx_parts(doc.data)["body"]
        for a in view.plan.agreements:
            for value in (a.what, a.who, a.by_when, a.checks):
                assert value in body
        assert view.plan.contingency and view.plan.contingency in body


def test_render_family_gets_family_language_professionals_estonian() -> None:
    view = sample_case("ru")
    invites = {x.recipient: x.lang for x in d.for_schedule(view, today=TODAY)
               if x.kind == "invitation"}
    assert invites["Светлана Иванова"] == "ru"
    assert invites["Küllike Õunapuu-Žukovskaja"] == "et"
    assert invites["Mari-Liis Kask"] == "et"
    agendas = sorted(x.lang for x in d.for_schedule(view, today=TODAY) if x.kind == "agenda")
    assert agendas == ["et", "ru"]


def test_render_information_giver_is_invited_to_part_one_only() -> None:
    docs = d.for_schedule(sample_case("et"), today=TODAY)
    teacher = next(x for x in docs if x.kind == "invitation" and x.recipient == "Mari-Liis Kask")
    mother = next(x for x in docs if x.kind == "invitation" and x.recipient == "Helju Tamm")
    assert "kell 17.00–17.45 (infojagamine)" in docx_text(teacher.data)
    assert "Päevakord on kirjale lisatud" not in docx_text(teacher.data)
    # Their calendar entry blocks the information sharing only, as the letter says.
    ics = next(x for x in docs if x.kind == "invitation_ics" and x.recipient == "Mari-Liis Kask")
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event["DTEND"].dt.strftime("%H:%M") == "17:45"
    mother_ics = next(x for x in docs if x.kind == "invitation_ics"
                      and x.recipient == "Helju Tamm")
    assert Calendar.from_ical(mother_ics.data).walk("VEVENT")[0]["DTEND"].dt.hour == 20
    assert "Päevakord on kirjale lisatud" in docx_text(mother.data)


def test_render_agenda_lays_out_three_parts_with_times() -> None:
    view = sample_case("et")
    agenda = next(x for x in d.for_schedule(view, today=TODAY) if x.kind == "agenda")
    body = docx_parts(agenda.data)["body"]
    for times, part in (("17.00–17.45", "1. Infojagamine"), ("17.45–19.25", "2. Pere omaette aeg"),
                        ("19.25–20.00", "3. Plaani kokkuleppimine")):
        assert re.search(f"{times}\n{part}", body), part
    assert view.referral.question and view.referral.question in body
    assert view.referral.bottom_lines and view.referral.bottom_lines in body


def test_render_case_summary_gives_everything_the_referral_said() -> None:
    view = sample_case("et")
    summary = next(x for x in d.for_registration(view) if x.kind == "case_summary")
    body = docx_parts(summary.data)["body"]
    r = view.referral
    words = [r.situation, r.child_views, r.question, r.bottom_lines, r.referrer.email,
             r.factors.development.risk, r.factors.development.protective,
             r.factors.parenting.risk, r.factors.parenting.protective,
             r.factors.environment.risk, r.factors.environment.protective]
    for w in words:
        assert w and w in body
    for c in r.children:
        assert c.name and c.name in body and c.id_code and c.id_code in body
    for w in view.warnings:
        assert w.message in body
    assert "Võrgustik, 1. rida: Telefon" in body
    assert "Lapse arenguvajadused" in body and "Pere ja keskkond" in body
    assert "Perekonflikt" in body


def test_render_return_letter_lists_every_problem_child_and_file() -> None:
    view = sample_case("et")
    issues = [
        error("E06", "consent.given", "Pere nõusolek ei ole märgitud: küsige perelt nõusolek."),
        error("E02", "children[1].id_code", "Isikukood ei ole õige: kontrollnumber ei klapi."),
    ]
    (letter,) = d.for_return(view.referral, issues, "suunamine <Tamm> & co.pdf",
                             sender="x@example.ee", today=TODAY)
    body = docx_parts(letter.data)["body"]
    _clean(body)
    for i in issues:
        assert i.message in body
    assert "Pere on teenusele suunamisega nõus" in body
    assert "Lapsed, 2. rida: Isikukood" in body
    assert "suunamine <Tamm> & co.pdf" in body
    assert "Säde Tamm ja Jüri Tamm" in body
    assert letter.email == view.referral.referrer.email
    assert letter.filename == "2026-11-26 suunamise tagastamine – Küllike Õunapuu-Žukovskaja.docx"


def test_render_return_letter_without_a_readable_referral() -> None:
    (letter,) = d.for_return(None, [error("E01", "referrer.name", "Suunaja nimi on puudu.")],
                             "skann.pdf", sender="saatja@example.ee", today=TODAY)
    text = docx_text(letter.data)
    _clean(text)
    assert "Tere!" in text and "Suunaja nimi on puudu." in text
    assert letter.email == "saatja@example.ee"
    assert letter.filename == "2026-11-26 suunamise tagastamine – skann.docx"


def test_render_invitations_come_with_calendar_files() -> None:
    view = sample_case("et")
    docs = d.for_schedule(view, today=TODAY)
    ics = [x for x in docs if x.kind == "invitation_ics"]
    invites = [x for x in docs if x.kind == "invitation"]
    assert len(ics) == len(invites) == 6
    for doc in ics:
        cal = Calendar.from_ical(doc.data)
        (ev,) = cal.walk("VEVENT")
        assert str(ev["organizer"]) == "mailto:kadri.lepik@example.ee"
        assert ev["organizer"].params["CN"] == "Kadri Lepik"
        assert ev["location"] == view.conference.place  # type: ignore[union-attr]
        start, end = ev.decoded("dtstart"), ev.decoded("dtend")
        assert str(start.tzinfo) == "Europe/Tallinn"
        info = doc.recipient == "Mari-Liis Kask"  # information giver: part 1 only
        assert (start.hour, end.hour, start.date()) == (17, 17 if info else 20,
                                                        dt.date(2026, 12, 3))
        assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/Tallinn"
        assert doc.filename.endswith(".ics") and doc.filename[:-4] in {
            i.filename[:-5] for i in invites}
    follow = [x for x in d.for_plan(view, today=TODAY) if x.kind == "follow_up_ics"]
    ev = Calendar.from_ical(follow[0].data).walk("VEVENT")[0]
    assert ev.decoded("dtstart").date() == dt.date(2027, 1, 4)


def test_render_file_names_are_readable_estonian() -> None:
    names = {x.filename for x in _all(sample_case("et"))}
    assert "2026-12-03 kutse – Helju Tamm.docx" in names
    assert "2026-12-03 kutse – Helju Tamm.ics" in names
    assert "2026-12-03 päevakord.docx" in names
    assert "2026-12-03 tegevusplaani vorm.docx" in names
    assert "2026-12-03 tegevusplaan – Ööbik Šmidt.docx" in names
    assert "2027-01-04 järelkohtumise kutse – Toomas Tamm.docx" in names
    assert "2026-11-24 juhtumi ülevaade.docx" in names


def test_render_schedule_refuses_a_case_without_a_conference() -> None:
    view = sample_case("et").model_copy(update={"conference": None})
    with pytest.raises(Refused):
        d.for_schedule(view)


def test_render_builtin_templates_pass_the_check() -> None:
    reports = check_all(Engine())
    assert len(reports) == 19  # 4 Estonian-only + 5 kinds × 3 languages
    assert [r.name for r in reports if not r.ok] == []
    inv = next(r for r in reports if r.name == "invitation.ru.docx")
    assert "recipient.name" in inv.variables and "conference.span" in inv.variables


def test_render_check_flags_an_unknown_variable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ recipient.nimi }}")
    doc.save(tmp_path / "invitation.et.docx")
    reports = check_all(Engine(tmp_path))
    bad = [r for r in reports if not r.ok]
    assert [(r.name, r.source, r.unknown) for r in bad] == [
        ("invitation.et.docx", "office", ["recipient.nimi"])]
