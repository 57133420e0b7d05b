"""One function per moment of a case's life, each returning the documents it writes.

    for_registration(view)   acknowledgement (referrer) + case summary (coordinators)
    for_return(...)          return letter (referrer) for a referral with errors
    for_schedule(view)       invitation + .ics per participant, agenda per language,
                             blank action plan (coordinator)
    for_plan(view)           final plan per participant, follow-up invitation + .ics each
    for_cancellation(...)    cancellation notice + METHOD:CANCEL .ics per participant of a
                             meeting that was moved or called off

Family members get their documents in the family's language (et, ru, en);
everyone else in Estonian. Nothing is written to disk here: the outbox does that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from pipeline.errors import Refused
from pipeline.model.case import CaseView, Meeting, MeetingKind, Participant, Role
from pipeline.model.issues import Issue
from pipeline.model.referral import Referral
from pipeline.render import context as ctx
from pipeline.render.dates import LANGS, follow_up_date
from pipeline.render.engine import DOCX_MEDIA as DOCX_MEDIA
from pipeline.render.engine import Engine
from pipeline.render.ics import ICS_MEDIA, meeting_ics

FAMILY_KINDS = ("invitation", "agenda", "plan", "follow_up_invitation", "cancellation")
ESTONIAN_KINDS = ("acknowledgement", "return_letter", "case_summary", "blank_plan")
KINDS = ESTONIAN_KINDS + FAMILY_KINDS

# Estonian names used in file names (what an office sees in the outbox).
KIND_NAMES = {
    "acknowledgement": "suunamise kinnitus",
    "return_letter": "suunamise tagastamine",
    "case_summary": "juhtumi ülevaade",
    "invitation": "kutse",
    "agenda": "päevakord",
    "blank_plan": "tegevusplaani vorm",
    "plan": "tegevusplaan",
    "follow_up_invitation": "järelkohtumise kutse",
    "cancellation": "tühistamisteade",
}
# The names of a meeting's documents after its date: what moves to `asendatud/` when the
# meeting is moved or cancelled. The final plan stays: it is still the agreed plan.
MEETING_DOCUMENTS = {
    MeetingKind.CONFERENCE: ("invitation", "agenda", "blank_plan"),
    MeetingKind.FOLLOW_UP: ("follow_up_invitation",),
}
IN_LANGUAGE = {"ru": "vene keeles", "en": "inglise keeles"}
FOLLOW_UP_MINUTES = 90

_SUMMARY = {
    "et": ("Pere lahendusring", "Järelkohtumine (pere lahendusring)"),
    "ru": ("Семейная конференция", "Повторная встреча (семейная конференция)"),
    "en": ("Family group conference", "Follow-up meeting (family group conference)"),
}
_COORD = {"et": "Koordinaator", "ru": "Координатор", "en": "Coordinator"}
_PARTS = {
    "et": ("Teie osa: infojagamine kell {a}–{b}", "Teie osad: infojagamine kell {a}–{b} ja "
           "plaani kokkuleppimine kell {c}–{d}; pere omaette ajal {b}–{c} Te ei osale"),
    "ru": ("Ваша часть: обмен информацией {a}–{b}", "Ваши части: обмен информацией {a}–{b} и "
           "согласование плана {c}–{d}"),
    "en": ("Your part: information sharing {a}–{b}", "Your parts: information sharing "
           "{a}–{b} and agreeing the plan {c}–{d}"),
}
_CANCELLED = {"et": "Tühistatud", "ru": "Отменено", "en": "Cancelled"}


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    lang: str
    recipient: str | None
    filename: str
    data: bytes
    media_type: str
    participant_id: int | None = None
    email: str | None = None


def template_name(kind: str, lang: str) -> str:
    return f"{kind}.{lang}.docx"


def languages(kind: str) -> tuple[str, ...]:
    return LANGS if kind in FAMILY_KINDS else ("et",)


@cache
def default_engine() -> Engine:
    """The built-in templates, for callers without an office override folder."""
    return Engine()


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str, limit: int = 200) -> str:
    """A name every file system and mail client accepts; `/` and friends become `-`."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"\s+", " ", _UNSAFE.sub("-", stem)).strip(" .-") or "dokument"
    ext = _UNSAFE.sub("", ext)[:10]
    stem = stem.encode("utf-8")[: limit - len(ext) - 1].decode("utf-8", "ignore").rstrip()
    return f"{stem}.{ext}" if ext else stem


def filename(day: dt.date, kind: str, who: str | None = None, ext: str = "docx") -> str:
    """`2026-12-03 kutse – Helju Tamm.docx`."""
    name = f"{day.isoformat()} {KIND_NAMES.get(kind, kind)}"
    if who:
        name += f" – {who}"
    return safe_filename(f"{name}.{ext}")


def participant_lang(view: CaseView, p: Participant) -> str:
    if not p.is_family:
        return "et"
    lang = p.language if p.language in ("ru", "en") else view.referral.family_language
    return lang if lang in LANGS else "et"


def follow_up_meeting(conference: Meeting, minutes: int = FOLLOW_UP_MINUTES) -> Meeting:
    """The follow-up proposal: one month on, a working day, same hour and place."""
    start = dt.datetime.combine(follow_up_date(conference.start.date()), conference.start.time())
    return Meeting(kind=MeetingKind.FOLLOW_UP, start=start,
                   end=start + dt.timedelta(minutes=minutes), place=conference.place)


def meeting_prefixes(meeting: Meeting) -> list[str]:
    """File-name beginnings of a meeting's documents (`2026-12-03 kutse`)."""
    day = meeting.start.date().isoformat()
    return [f"{day} {KIND_NAMES[k]}" for k in MEETING_DOCUMENTS[meeting.kind]]


def _docx(engine: Engine, kind: str, lang: str, data: dict[str, object], *, day: dt.date,
          who: str | None = None, p: Participant | None = None,
          suffix: str | None = None) -> RenderedDocument:
    body = engine.render(template_name(kind, lang), data)
    label = who if who else suffix
    return RenderedDocument(
        kind=kind, lang=lang, recipient=who, filename=filename(day, kind, label), data=body,
        media_type=DOCX_MEDIA, participant_id=p.id if p else None,
        email=p.email if p else None,
    )


def _recipients(view: CaseView) -> list[Participant]:
    return [p for p in view.participants if p.role is not Role.COORDINATOR]


def _require_conference(view: CaseView) -> Meeting:
    if view.conference is None or view.coordinator is None:
        raise Refused(f"Juhtumil {view.number} ei ole veel lahendusringi aega või koordinaatorit.",
                      code="not_scheduled")
    return view.conference


def for_registration(view: CaseView, *, engine: Engine | None = None,
                     today: dt.date | None = None) -> list[RenderedDocument]:
    engine = engine or default_engine()
    today = today or view.received_at.date()
    data = ctx.case_context(view, "et", today, provider=engine.provider).as_dict()
    ref = view.referral.referrer
    ack = _docx(engine, "acknowledgement", "et", data, day=today, who=ref.name)
    ack = RenderedDocument(**{**ack.__dict__, "email": ref.email})
    return [ack, _docx(engine, "case_summary", "et", data, day=today)]


def for_return(referral: Referral | None, issues: list[Issue], source_file: str,
               sender: str | None = None, *, engine: Engine | None = None,
               today: dt.date | None = None) -> list[RenderedDocument]:
    """The return letter. `sender` (the e-mail's From) is where it goes when the form
    has no readable referrer address."""
    engine = engine or default_engine()
    today = today or dt.date.today()
    data = ctx.return_context(referral, issues, source_file, today,
                              provider=engine.provider).as_dict()
    body = engine.render(template_name("return_letter", "et"), data)
    ref = referral.referrer if referral else None
    who = ref.name if ref and ref.name else None
    stem = source_file.rsplit(".", 1)[0] if source_file else None
    return [RenderedDocument(
        kind="return_letter", lang="et", recipient=who,
        filename=filename(today, "return_letter", who or stem), data=body,
        media_type=DOCX_MEDIA, email=(ref.email if ref and ref.email else None) or sender,
    )]


def attended(meeting: Meeting, p: Participant) -> Meeting:
    """The part of a meeting a participant's calendar blocks: an information giver's
    entry covers the information sharing only, as their letter says."""
    if meeting.kind is MeetingKind.CONFERENCE and p.parts == [1]:
        p1 = ctx.parts(meeting, "et")[0]
        hour, minute = (int(x) for x in p1.end.split("."))
        end = meeting.start.replace(hour=hour, minute=minute)
        return meeting.model_copy(update={"end": end})
    return meeting


def _ics_description(view: CaseView, meeting: Meeting, p: Participant, lang: str) -> str:
    title = _SUMMARY[lang][0 if meeting.kind is MeetingKind.CONFERENCE else 1]
    lines = [f"{title}, {view.number}."]
    if meeting.kind is MeetingKind.CONFERENCE and p.role is not Role.CHILD and (
            p.parts == [1] or 2 not in p.parts):
        p1, _, p3 = ctx.parts(meeting, lang)
        one, both = _PARTS.get(lang, _PARTS["et"])
        lines.append((one if p.parts == [1] else both).format(
            a=p1.start, b=p1.end, c=p3.start, d=p3.end) + ".")
    coord = view.coordinator
    if coord is not None:
        lines.append(f"{_COORD[lang]}: " + ctx.joined(coord.name, coord.phone or "",
                                                      coord.email) + ".")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in lines)


def _ics(view: CaseView, meeting: Meeting, p: Participant, lang: str, kind: str,
         doc: RenderedDocument, *, cancel: bool = False) -> RenderedDocument:
    title = _SUMMARY[lang][0 if meeting.kind is MeetingKind.CONFERENCE else 1]
    coord = view.coordinator
    series = meeting.uid or f"{view.number}/{meeting.kind}"
    data = meeting_ics(
        attended(meeting, p), uid_seed=f"{series}/{p.id or p.name}",
        summary=f"{_CANCELLED[lang]}: {title}" if cancel else title,
        description=_ics_description(view, meeting, p, lang), coordinator=coord,
        attendee=(p.email, p.name) if p.email else None,
        # The cancellation takes the SEQUENCE between the old time's and the new one's.
        sequence=meeting.sequence + (1 if cancel else 0), cancel=cancel,
    )
    return RenderedDocument(
        kind=kind, lang=lang, recipient=p.name, filename=doc.filename[:-5] + ".ics",
        data=data, media_type=ICS_MEDIA, participant_id=p.id, email=p.email,
    )


def proposed_follow_up(view: CaseView, conf: Meeting) -> Meeting:
    """The follow-up a conference's documents name: the booked one if it comes after this
    conference, else the proposal a month on (a follow-up of an earlier loop is past)."""
    if view.follow_up is not None and view.follow_up.start > conf.start:
        return view.follow_up
    return follow_up_meeting(conf)


def for_schedule(view: CaseView, *, engine: Engine | None = None,
                 today: dt.date | None = None) -> list[RenderedDocument]:
    engine = engine or default_engine()
    today = today or dt.date.today()
    conf = _require_conference(view)
    view = view.model_copy(update={"follow_up": proposed_follow_up(view, conf)})
    day = conf.start.date()
    out: list[RenderedDocument] = []
    langs: list[str] = ["et"]
    for p in _recipients(view):
        lang = participant_lang(view, p)
        if lang not in langs:
            langs.append(lang)
        data = ctx.case_context(view, lang, today, recipient=p,
                                provider=engine.provider).as_dict()
        doc = _docx(engine, "invitation", lang, data, day=day, who=p.name, p=p)
        out += [doc, _ics(view, conf, p, lang, "invitation_ics", doc)]
    for lang in langs:
        data = ctx.case_context(view, lang, today, provider=engine.provider).as_dict()
        out.append(_docx(engine, "agenda", lang, data, day=day, suffix=IN_LANGUAGE.get(lang)))
    data = ctx.case_context(view, "et", today, provider=engine.provider).as_dict()
    blank = _docx(engine, "blank_plan", "et", data, day=day)
    if view.coordinator is not None:
        blank = RenderedDocument(**{**blank.__dict__, "recipient": view.coordinator.name,
                                    "email": view.coordinator.email})
    out.append(blank)
    return out


def for_plan(view: CaseView, *, engine: Engine | None = None,
             today: dt.date | None = None) -> list[RenderedDocument]:
    engine = engine or default_engine()
    today = today or dt.date.today()
    conf = _require_conference(view)
    if view.plan is None:
        raise Refused(f"Juhtumil {view.number} ei ole veel tegevusplaani.", code="no_plan")
    follow = proposed_follow_up(view, conf)
    view = view.model_copy(update={"follow_up": follow})
    out: list[RenderedDocument] = []
    for p in _recipients(view):
        lang = participant_lang(view, p)
        data = ctx.case_context(view, lang, today, recipient=p,
                                provider=engine.provider).as_dict()
        out.append(_docx(engine, "plan", lang, data, day=conf.start.date(), who=p.name, p=p))
        doc = _docx(engine, "follow_up_invitation", lang, data, day=follow.start.date(),
                    who=p.name, p=p)
        out += [doc, _ics(view, follow, p, lang, "follow_up_ics", doc)]
    return out


def for_cancellation(view: CaseView, cancelled: Meeting, *, engine: Engine | None = None,
                     today: dt.date | None = None,
                     recipients: list[Participant] | None = None) -> list[RenderedDocument]:
    """A cancellation notice (+ METHOD:CANCEL .ics) for everyone invited to `cancelled`.

    When the case has a newer conference (the meeting was moved), the notice names the
    new time; otherwise the meeting is called off."""
    engine = engine or default_engine()
    today = today or dt.date.today()
    new = view.conference
    moved = (cancelled.kind is MeetingKind.CONFERENCE and new is not None
             and new.uid == cancelled.uid and new.sequence > cancelled.sequence)
    out: list[RenderedDocument] = []
    for p in recipients if recipients is not None else _recipients(view):
        lang = participant_lang(view, p)
        base = ctx.case_context(view, lang, today, recipient=p, provider=engine.provider)
        data = {**base.as_dict(), "cancelled": dataclasses.asdict(ctx.meeting(cancelled, lang)),
                "moved": moved,
                "cancelled_follow_up": cancelled.kind is MeetingKind.FOLLOW_UP}
        doc = _docx(engine, "cancellation", lang, data, day=cancelled.start.date(),
                    who=p.name, p=p)
        out += [doc, _ics(view, cancelled, p, lang, "cancellation_ics", doc, cancel=True)]
    return out
