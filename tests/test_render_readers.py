"""Every document kind for every kind of reader in et, ru and en, read back as text.

A reader is a family member, a child under 12, a child of 12–17, the referrer or an
information giver. Each letter must be free of template artefacts, of punctuation left
by an empty value, and (in Russian and English) of Estonian words outside the
referrer's own text, which is marked as such.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from test_render_helpers import docx_parts

from pipeline.config import ProviderSettings
from pipeline.model.case import CaseView, Coordinator, MeetingKind, Participant, Role
from pipeline.model.issues import error
from pipeline.render import documents as d
from pipeline.render.engine import Engine
from pipeline.render.samples import sample_case

TODAY = dt.date(2026, 11, 26)
READERS = ("family", "child", "teen", "referrer", "info")
# Estonian words that must not appear in a Russian or English letter (outside names,
# places, the provider's name and the referrer's marked text).
ESTONIAN = {
    "ja", "kell", "hea", "tere", "lugupidamisega", "koordinaator", "lahendusring",
    "lahendusringile", "pere", "ema", "isa", "vanaema", "vanaisa", "onu", "tädi", "naaber",
    "klassijuhataja", "lastekaitsespetsialist", "laps", "lapsed", "tegevusplaan",
    "järelkohtumine", "kutse", "suunaja", "juhtum", "teie", "teid", "palun", "sina", "sind",
    "kuupäev", "aeg", "koht", "osalejad", "tühistamisteade", "märkused", "spetsialist",
}


def case(lang: str, *, empty: bool = False) -> CaseView:
    """The sample case with Estonian relations (as a form gives them), a child of 8 and
    one of 14 among the participants; `empty`: every optional value left out."""
    view = sample_case(lang)
    r = view.referral
    kids = [r.children[0], r.children[1].model_copy(update={"birth_date": dt.date(2012, 3, 5)})]
    r = r.model_copy(update={"children": kids})
    rel = {Role.CAREGIVER: "ema", Role.NETWORK: "onu", Role.INFORMATION_GIVER: "klassijuhataja",
           Role.REFERRER: "lastekaitsespetsialist"}
    people = [p.model_copy(update={"relation": rel[p.role]}) for p in view.participants]
    kid_rows = [Participant(id=90 + i, name=c.name or "", role=Role.CHILD, language=lang)
                for i, c in enumerate(kids)]
    people = [people[0], *kid_rows, people[2], *people[-2:]]
    coordinator: Coordinator | None = view.coordinator
    if empty:
        people = [p.model_copy(update={"phone": None, "email": None, "relation": None,
                                       "address": None}) for p in people]
        assert coordinator is not None
        coordinator = coordinator.model_copy(update={"phone": None})
        assert view.plan is not None
        plan = view.plan.model_copy(update={"bottom_lines_met": None, "notes": None})
        referrer = r.referrer.model_copy(update={"position": None, "organisation": None,
                                                 "phone": None})
        r = r.model_copy(update={"referrer": referrer, "bottom_lines": None,
                                 "referral_date": None})
        view = view.model_copy(update={"plan": plan})
    return view.model_copy(update={"referral": r, "participants": people,
                                   "coordinator": coordinator})


def reader(view: CaseView, doc: d.RenderedDocument) -> str:
    p = next((p for p in view.participants if p.id == doc.participant_id), None)
    if p is None:
        return ""
    if p.role is Role.CHILD:
        return "child" if p.name == view.referral.children[0].name else "teen"
    return {Role.REFERRER: "referrer", Role.INFORMATION_GIVER: "info"}.get(p.role, "family")


# A full letterhead, so that its labels are checked in every language too.
ENGINE = Engine(provider=ProviderSettings(
    name="Pere lahendusringi teenus", address="Viljandi tn 13, 72213 Türi",
    phone="+372 5600 1122", email="info@example.ee", registry_code="80123456"))


def every_document(view: CaseView, lang: str) -> list[d.RenderedDocument]:
    """Each family-language document rendered in `lang` for every participant (the
    referrer's and the information giver's too, as an office override might)."""
    forced = view.model_copy(update={"participants": [
        p.model_copy(update={"role": p.role, "language": lang}) for p in view.participants]})
    assert forced.conference is not None
    moved = forced.conference.model_copy(update={"start": forced.conference.start
                                                 - dt.timedelta(days=2), "uid": "x",
                                                 "sequence": 0})
    now_conf = forced.conference.model_copy(update={"uid": "x", "sequence": 2})
    moved_view = forced.model_copy(update={"conference": now_conf})
    assert forced.follow_up is not None
    e = ENGINE
    docs = (d.for_schedule(forced, engine=e, today=TODAY)
            + d.for_plan(forced, engine=e, today=TODAY)
            + d.for_cancellation(moved_view, moved, engine=e, today=TODAY)
            + d.for_cancellation(forced.model_copy(update={"conference": None}),
                                 forced.follow_up, engine=e, today=TODAY))
    if lang == "et":
        docs += d.for_registration(view, engine=e) + d.for_return(
            view.referral, [error("E07", "referrer.email", "x")], "suunamine.pdf", engine=e,
            today=TODAY)
    return docs


@pytest.fixture(autouse=True)
def _every_reader_in_the_documents_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # The referrer and information givers normally read Estonian; here every reader gets
    # the language under test, so that each template's branch for them is checked too.
    monkeypatch.setattr(d, "participant_lang", lambda view, p: (
        p.language if p.language in ("ru", "en") else "et"))


def _text(doc: d.RenderedDocument) -> str:
    return "\n".join(docx_parts(doc.data).values())


ARTEFACTS = ("{{", "}}", "{%", "%}", "None", "Undefined", "[[", "]]")
EMPTY_PUNCTUATION = (
    re.compile(r",\s*,"), re.compile(r"\(\s*\)"), re.compile(r"[^\S\n]{2,}"),
    re.compile(r"\s[,.;:](?!\d)"), re.compile(r"–\s*$", re.M),
)
# Lines that end in a comma by the language's custom, not because a value is missing.
SALUTATIONS = re.compile(r"^(С уважением|Kind regards|All the best|Dear |Hi |See you there|Привет|"
                         r"Здравствуйте)[^,]*,$")


def _dangling(text: str) -> list[str]:
    """Lines ending in a comma or a colon with nothing after them (an empty value)."""
    out = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        line = line.strip()
        if line.endswith(",") and not SALUTATIONS.match(line):
            out.append(line)
        # A label before an empty value; a note before the referrer's text is followed
        # by that text.
        # (A sentence ending in a colon introduces the table after it.)
        if (line.endswith(":") and len(line.split()) <= 3
                and (i + 1 >= len(lines) or not lines[i + 1].strip())):
            out.append(line)
    return out


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[A-Za-zÕÄÖÜŠŽõäöüšž]+", text)}


@pytest.mark.parametrize("empty", [False, True], ids=["full", "empty-values"])
@pytest.mark.parametrize("lang", ["et", "ru", "en"])
def test_render_readers_every_kind_for_every_reader(lang: str, empty: bool) -> None:
    view = case(lang, empty=empty)
    docs = [x for x in every_document(view, lang) if x.media_type == d.DOCX_MEDIA]
    seen = {(x.kind, reader(view, x)) for x in docs if x.participant_id is not None}
    for kind in ("invitation", "plan", "follow_up_invitation", "cancellation"):
        assert {(kind, r) for r in READERS} <= seen, kind
    allowed = _words("\n".join(
        [p.name for p in view.participants] + [c.name or "" for c in view.referral.children]
        + [view.conference.place if view.conference else "", "Kadri Lepik",
           "Pere lahendusringi teenus", "Viljandi tn", view.referral.question or "",
           view.referral.bottom_lines or "", view.source_file or ""]))
    for doc in docs:
        text = _text(doc)
        for mark in ARTEFACTS:
            assert mark not in text, (doc.filename, mark)
        for pattern in EMPTY_PUNCTUATION:
            found = pattern.search(text)
            assert found is None, (doc.filename, found.group(0) if found else "",
                                   text[max(0, found.start() - 60):found.end() + 20]
                                   if found else "")
        assert not _dangling(text), (doc.filename, _dangling(text))
        if doc.lang != "et":
            stray = (_words(text) & ESTONIAN) - allowed
            assert not stray, (doc.filename, sorted(stray))


@pytest.mark.parametrize("lang", ["et", "ru", "en"])
def test_render_readers_children_are_written_to_as_children(lang: str) -> None:
    view = case(lang)
    docs = every_document(view, lang)
    formal = {"et": ("Teie", "Teid", "Mõelge"), "ru": ("Вы ", "Вас ", "Вам "),
              "en": ("Dear Säde Tamm",)}[lang]
    for doc in docs:
        if doc.media_type != d.DOCX_MEDIA or reader(view, doc) not in ("child", "teen"):
            continue
        body = docx_parts(doc.data)["body"]
        first = (doc.recipient or "").split()[0]
        assert first in body, doc.filename
        for word in formal:
            assert word not in body, (doc.filename, word)
    child = next(x for x in docs if x.kind == "invitation" and reader(view, x) == "child")
    teen = next(x for x in docs if x.kind == "invitation" and reader(view, x) == "teen")
    assert len(_text(child)) < len(_text(teen))  # the youngest get the shortest letter


def test_render_readers_referrer_letter_says_their_part() -> None:
    view = case("et")
    docs = d.for_schedule(view, today=TODAY)
    letter = next(x for x in docs if x.kind == "invitation" and reader(view, x) == "referrer")
    body = docx_parts(letter.data)["body"]
    assert "kell 17.00–17.45" in body and "kell 19.25–20.00" in body
    assert "sel ajal Te ei osale" in body
    assert view.referral.question and view.referral.question in body
    assert "Mõelge enne kohtumist" not in body


def test_render_readers_relations_are_translated() -> None:
    view = case("ru")
    agenda = next(x for x in d.for_schedule(view, today=TODAY) if x.kind == "agenda"
                  and x.lang == "ru")
    body = docx_parts(agenda.data)["body"]
    assert "мать" in body and "дядя" in body and "классный руководитель" in body
    assert "Текст направившего специалиста" in body  # the referrer's Estonian, marked


def test_render_readers_translation_replaces_the_marked_text() -> None:
    view = case("en").model_copy(update={"translations": {"en": {
        "question": "How will the family make sure Jüri goes to school every day?",
        "bottom_lines": "The children must not witness arguments."}}})
    agenda = next(x for x in d.for_schedule(view, today=TODAY) if x.kind == "agenda"
                  and x.lang == "en")
    body = docx_parts(agenda.data)["body"]
    assert "How will the family make sure" in body
    assert "in Estonian" not in body
    assert view.referral.question and view.referral.question not in body


def test_render_readers_moved_meeting_notice_names_both_times() -> None:
    view = case("et")
    assert view.conference is not None
    old = view.conference.model_copy(update={"start": dt.datetime(2026, 12, 1, 17, 0),
                                             "end": dt.datetime(2026, 12, 1, 20, 0),
                                             "uid": "u", "sequence": 0})
    new_view = view.model_copy(update={"conference": view.conference.model_copy(
        update={"uid": "u", "sequence": 2})})
    notices = d.for_cancellation(new_view, old, today=TODAY)
    mother = next(x for x in notices if x.kind == "cancellation" and x.recipient == "Helju Tamm")
    body = docx_parts(mother.data)["body"]
    assert "1. detsember 2026" in body and "3. detsember 2026" in body
    assert old.kind is MeetingKind.CONFERENCE


def test_render_readers_return_letter_says_where_to_send_the_correction() -> None:
    view = case("et")
    (letter,) = d.for_return(view.referral, [error("E07", "referrer.email", "x")],
                             "suunamine.pdf", engine=ENGINE, today=TODAY)
    text = _text(letter)
    assert "aadressile info@example.ee" in text
    assert "sellele aadressile saadame" not in text and "oma õige e-posti aadress" in text
    assert "Viljandi tn 13, 72213 Türi · +372 5600 1122 · info@example.ee · " \
           "registrikood 80123456" in text
