"""What a template receives, built from a `CaseView` (what the register stores).

Templates get plain dicts and strings only: no model objects with methods, no
None (an empty value is ""), dates already written out in the document's
language. Field names here are the variable names an office sees in Word, so
they stay short and stable; `plr templates check` compares templates with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.model.case import CaseView, Meeting, Participant, Role
from pipeline.model.issues import Issue
from pipeline.model.referral import GROUNDS, LANGUAGES, PROBLEM_AREAS, Referral
from pipeline.model.signature import SignatureInfo
from pipeline.model.spec import field_for
from pipeline.render import dates
from pipeline.render.relations import translate as translate_relation

_ROLE = {
    "et": {
        Role.CHILD: "laps",
        Role.CAREGIVER: "vanem või hooldaja",
        Role.NETWORK: "pere võrgustik",
        Role.REFERRER: "suunaja",
        Role.INFORMATION_GIVER: "spetsialist",
        Role.COORDINATOR: "koordinaator",
    },
    "ru": {
        Role.CHILD: "ребёнок",
        Role.CAREGIVER: "родитель или опекун",
        Role.NETWORK: "близкий семьи",
        Role.REFERRER: "направивший специалист",
        Role.INFORMATION_GIVER: "специалист",
        Role.COORDINATOR: "координатор",
    },
    "en": {
        Role.CHILD: "child",
        Role.CAREGIVER: "parent or carer",
        Role.NETWORK: "family network",
        Role.REFERRER: "referrer",
        Role.INFORMATION_GIVER: "professional",
        Role.COORDINATOR: "coordinator",
    },
}
_AND = {"et": "ja", "ru": "и", "en": "and"}
NOT_GIVEN = "(ei ole märgitud)"


def text(value: object) -> str:
    """None -> "": templates never print `None`."""
    return "" if value is None else str(value)


_SPACES = re.compile(r"[ \t\r\n]+")


def joined(*values: str, sep: str = ", ") -> str:
    """The non-empty values joined: no `, ,`, no dangling separator, no doubled spaces."""
    # Only ordinary spaces collapse: Babel's narrow no-break space (3 декабря 2026 г.) stays.
    return sep.join(_SPACES.sub(" ", v).strip() for v in values if v and v.strip())


def join_names(names: list[str], lang: str) -> str:
    """`Säde Tamm ja Jüri Tamm`, `A, B ja C`."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND.get(lang, 'ja')} {names[-1]}"


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    relation: str = ""  # "ema", "klassijuhataja"; falls back to the role
    phone: str = ""
    email: str = ""
    address: str = ""
    info_only: bool = False  # information givers attend part 1 only
    # Which letter this reader gets: family, child (under 12), teen (12–17), referrer, info.
    kind: str = ""
    first_name: str = ""
    age: str = ""
    contact: str = ""  # "5123 4567, kadri.lepik@example.ee" without empty parts


@dataclass(frozen=True)
class Provider:
    """The service provider's letterhead (settings `PLR_PROVIDER_*`)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    registry_code: str = ""
    website: str = ""
    line: str = ""  # address · phone · e-mail · registry code, without empty parts


@dataclass(frozen=True)
class ReferrerCtx:
    name: str
    position: str
    organisation: str
    municipality: str
    phone: str
    email: str


@dataclass(frozen=True)
class ChildCtx:
    name: str
    id_code: str
    birth_date: str
    age: str
    lives_with: str
    school: str


@dataclass(frozen=True)
class Part:
    start: str
    end: str


@dataclass(frozen=True)
class MeetingCtx:
    date: str  # 3. detsember 2026
    weekday: str  # neljapäev
    when: str  # 3. detsember 2026, neljapäev, kell 17.00
    start: str  # 17.00
    end: str  # 20.00
    place: str
    iso_date: str  # 2026-12-03 (file names)
    span: str = ""  # 3. detsember 2026, neljapäev, kell 17.00–20.00
    where: str = ""  # the span and the place, without empty parts


@dataclass(frozen=True)
class AgreementCtx:
    number: int
    what: str
    who: str
    by_when: str
    checks: str


@dataclass(frozen=True)
class Side:
    title: str
    risk: str
    protective: str


@dataclass(frozen=True)
class Finding:
    label: str  # the form field's printed label
    message: str


@dataclass(frozen=True)
class CaseContext:
    """Every variable a case document may use (one shape for all kinds)."""

    lang: str
    case_number: str
    today: str
    received: str
    referral_date: str
    coordinator: Person
    referrer: ReferrerCtx
    recipient: Person
    children: list[ChildCtx]
    children_names: str
    one_child: bool
    child_views: str
    situation: str
    question: str
    bottom_lines: str
    grounds: list[str]
    problem_areas: list[str]
    family_language: str
    interpreter_needed: bool
    caregivers: list[Person]
    network: list[Person]
    participants: list[Person]
    sides: list[Side]
    warnings: list[Finding]
    consent_by: str
    consent_date: str
    source_file: str
    conference: MeetingCtx
    part1: Part
    part2: Part
    part3: Part
    follow_up: MeetingCtx
    agreements: list[AgreementCtx] = field(default_factory=list)
    contingency: str = ""
    bottom_lines_met: str = ""
    notes: str = ""
    # "Digitaalselt allkirjastanud MARI MAASIKAS, 1. detsember 2026 kell 10.15 — allkiri
    # kehtib", one line per signature on the form (issue 12); [] for an unsigned form.
    signatures: list[str] = field(default_factory=list)
    provider: Provider = field(default_factory=Provider)
    # A ru/en document prints the referrer's Estonian text under this note, unless the
    # coordinator has given a translation ("" then).
    referrer_text_note: str = ""
    consent: str = ""  # "Mari Tamm, 12.11.2026" without empty parts
    # The cancellation notice: the meeting called off, and whether it moved (the new time
    # is then `conference`) or was cancelled outright (a follow-up, or the case closed).
    cancelled: MeetingCtx = field(default_factory=lambda: MeetingCtx(*[""] * 7))
    moved: bool = False
    cancelled_follow_up: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ReturnContext:
    """The return letter: a referral that could not be registered (no case number)."""

    today: str
    referrer: ReferrerCtx
    children_names: str
    one_child: bool
    referral_date: str
    source_file: str
    issues: list[Finding]
    provider: Provider = field(default_factory=Provider)
    # Where the corrected form goes: the provider's e-mail, else "" (the template says
    # "reply to this letter").
    send_to: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


EMPTY_MEETING = MeetingCtx("", "", "", "", "", "", "", "", "")


def meeting(m: Meeting | None, lang: str) -> MeetingCtx:
    if m is None:
        return EMPTY_MEETING
    span = f"{dates.when(m.start, lang)}–{dates.clock(m.end, lang)}"
    return MeetingCtx(
        date=dates.long_date(m.start, lang),
        weekday=dates.weekday(m.start, lang),
        when=dates.when(m.start, lang),
        start=dates.clock(m.start, lang),
        end=dates.clock(m.end, lang),
        place=_SPACES.sub(" ", m.place).strip(),
        iso_date=m.start.date().isoformat(),
        span=span,
        where=joined(span, m.place),
    )


def _round5(minutes: float) -> int:
    return int(5 * round(minutes / 5))


def parts(m: Meeting | None, lang: str) -> tuple[Part, Part, Part]:
    """The agenda's three parts: about a quarter for information sharing, a fifth
    for agreeing the plan, and the family's private time in between (the longest)."""
    if m is None:
        return Part("", ""), Part("", ""), Part("", "")
    total = (m.end - m.start).total_seconds() / 60
    t1 = m.start + dt.timedelta(minutes=max(30, _round5(total / 4)))
    t2 = m.end - dt.timedelta(minutes=max(20, _round5(total / 5)))
    c = dates.clock
    return (
        Part(c(m.start, lang), c(t1, lang)),
        Part(c(t1, lang), c(t2, lang)),
        Part(c(t2, lang), c(m.end, lang)),
    )


CHILD_AGE = 12  # under this a child gets the simplest letter
ADULT_AGE = 18


def reader_kind(p: Participant, age: int | None) -> str:
    if p.role is Role.CHILD:
        if age is not None and age >= ADULT_AGE:
            return "family"
        return "child" if age is not None and age < CHILD_AGE else "teen"
    if p.role is Role.REFERRER:
        return "referrer"
    if p.role is Role.INFORMATION_GIVER:
        return "info"
    return "family"


def person(p: Participant, lang: str, age: int | None = None) -> Person:
    roles = _ROLE.get(lang, _ROLE["et"])
    relation = translate_relation(p.relation, lang) if p.relation else roles[p.role]
    return Person(
        name=p.name,
        role=roles[p.role],
        relation=relation,
        phone=text(p.phone),
        email=text(p.email),
        address=text(p.address),
        info_only=p.parts == [1],
        kind=reader_kind(p, age),
        first_name=p.name.split()[0] if p.name.split() else "",
        age="" if age is None else str(age),
        contact=joined(text(p.phone), text(p.email)),
    )


def _norm(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def child_age(view: CaseView, p: Participant, on: dt.date) -> int | None:
    """A child participant's age, from the referral's row with the same name."""
    if p.role is not Role.CHILD:
        return None
    for c in view.referral.children:
        if _norm(c.name) == _norm(p.name) and c.birth_date is not None:
            return int(_age(c.birth_date, on))
    return None


def _age(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return ""
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return str(years)


def _children(r: Referral, on: dt.date) -> list[ChildCtx]:
    return [
        ChildCtx(
            name=text(c.name),
            id_code=text(c.id_code),
            birth_date=dates.short_date(c.birth_date),
            age=_age(c.birth_date, on),
            lives_with=text(c.lives_with),
            school=text(c.school),
        )
        for c in r.children
    ]


def _labels(codes: list[str], options: tuple[tuple[str, str], ...]) -> list[str]:
    names = dict(options)
    return [names.get(c, c) for c in codes]


def _sides(r: Referral) -> list[Side]:
    f = r.factors
    return [
        Side("Lapse arenguvajadused", f.development.risk or NOT_GIVEN,
             f.development.protective or NOT_GIVEN),
        Side("Vanemlus", f.parenting.risk or NOT_GIVEN, f.parenting.protective or NOT_GIVEN),
        Side("Pere ja keskkond", f.environment.risk or NOT_GIVEN,
             f.environment.protective or NOT_GIVEN),
    ]


_ROW = re.compile(r"\[(\d+)\]")


# The validator's E07 text says the confirmation goes "to this address": in a letter
# about that very address being wrong it must ask for the right one instead.
_LETTER_MESSAGES = {
    "E07": "Suunaja e-posti aadress ei ole korrektne. Palun kirjutage vormile oma õige "
           "e-posti aadress (näiteks eesnimi.perenimi@vald.ee): sinna saadame kinnituse ja "
           "edaspidised teated.",
}


def finding(issue: Issue) -> Finding:
    """The field's printed label; for a table row also which row (`Lapsed, 2. rida`)."""
    if issue.code in _LETTER_MESSAGES:
        issue = issue.model_copy(update={"message": _LETTER_MESSAGES[issue.code]})
    spec = field_for(issue.field)
    if spec is None:
        return Finding(label=_NOT_FORM_FIELDS.get(issue.field, issue.field),
                       message=issue.message)
    label = spec.label
    row = _ROW.search(issue.field)
    if spec.group_label and row:
        label = f"{spec.group_label}, {int(row.group(1)) + 1}. rida: {label}"
    return Finding(label=label, message=issue.message)


def referrer_person(r: Referral) -> ReferrerCtx:
    ref = r.referrer
    return ReferrerCtx(
        name=text(ref.name),
        position=text(ref.position),
        organisation=text(ref.organisation),
        municipality=text(ref.municipality),
        phone=text(ref.phone),
        email=text(ref.email),
    )


def coordinator_person(view: CaseView) -> Person:
    c = view.coordinator
    if c is None:
        return Person(name="")
    return Person(name=c.name, role="koordinaator", phone=text(c.phone), email=c.email,
                  contact=joined(c.name, text(c.phone), c.email))


_REFERRER_NOTE = {
    "ru": "Текст направившего специалиста (на эстонском языке):",
    "en": "In the referrer's own words (in Estonian):",
}
REFERRER_TEXTS = ("question", "bottom_lines")


def referrer_texts(view: CaseView, lang: str) -> tuple[dict[str, str], str]:
    """The referrer's question and bottom lines for a document in `lang`, and the note
    that marks them as the referrer's Estonian text ("" when translated or Estonian)."""
    r = view.referral
    given = {"question": text(r.question), "bottom_lines": text(r.bottom_lines)}
    if lang == "et":
        return given, ""
    own = view.translations.get(lang, {})
    out = {k: own.get(k) or v for k, v in given.items()}
    untranslated = any(given[k] and not own.get(k) for k in REFERRER_TEXTS)
    return out, _REFERRER_NOTE.get(lang, "") if untranslated else ""


_REGISTRY = {"et": "registrikood", "ru": "рег. код", "en": "reg. code"}


def provider_ctx(provider: Any | None, lang: str = "et") -> Provider:
    """The letterhead from `Settings.provider` (any object with those attributes)."""
    if provider is None:
        return Provider()
    def get(key: str) -> str:
        return text(getattr(provider, key, "") or "")

    code = get("registry_code")
    return Provider(
        name=get("name"), address=get("address"), phone=get("phone"), email=get("email"),
        registry_code=code, website=get("website"),
        line=joined(get("address"), get("phone"), get("email"),
                    f"{_REGISTRY.get(lang, _REGISTRY['et'])} {code}" if code else "",
                    sep=" · "),
    )


def case_context(
    view: CaseView, lang: str, today: dt.date, recipient: Participant | None = None,
    provider: Any | None = None,
) -> CaseContext:
    r = view.referral
    names = [c.name for c in r.children if c.name]
    p1, p2, p3 = parts(view.conference, lang)
    plan = view.plan
    on = view.conference.start.date() if view.conference else today
    texts, note = referrer_texts(view, lang)
    return CaseContext(
        lang=lang,
        case_number=view.number,
        today=dates.long_date(today, lang),
        received=dates.long_date(view.received_at, lang),
        referral_date=dates.long_date(r.referral_date, lang) if r.referral_date else "",
        coordinator=coordinator_person(view),
        referrer=referrer_person(r),
        recipient=(person(recipient, lang, child_age(view, recipient, on)) if recipient
                   else Person(name="")),
        children=_children(r, on),
        children_names=join_names(names, lang),
        one_child=len(names) == 1,
        child_views=r.child_views or NOT_GIVEN,
        situation=text(r.situation),
        question=texts["question"],
        bottom_lines=texts["bottom_lines"],
        grounds=_labels(r.grounds, GROUNDS.items),
        problem_areas=_labels(r.problem_areas, PROBLEM_AREAS.items)
        + ([f"Muu: {r.problem_other}"] if r.problem_other else []),
        family_language=dict(LANGUAGES.items).get(r.family_language, r.family_language),
        interpreter_needed=r.interpreter_needed,
        caregivers=[
            Person(text(c.name), "", text(c.relation), text(c.phone), text(c.email),
                   text(c.address), contact=joined(text(c.phone), text(c.email)))
            for c in r.caregivers
        ],
        network=[Person(text(n.name), "", text(n.relation), text(n.phone)) for n in r.network],
        participants=[
            person(p, lang, child_age(view, p, on))
            for p in view.participants if p.role is not Role.COORDINATOR
        ],
        sides=_sides(r),
        warnings=[finding(w) for w in view.warnings],
        consent_by=text(r.consent.by),
        consent_date=dates.short_date(r.consent.date),
        source_file=text(view.source_file),
        conference=meeting(view.conference, lang),
        part1=p1,
        part2=p2,
        part3=p3,
        follow_up=meeting(view.follow_up, lang),
        agreements=[
            AgreementCtx(i, a.what, a.who, a.by_when, a.checks)
            for i, a in enumerate(plan.agreements if plan else [], start=1)
        ],
        contingency=text(plan.contingency) if plan else "",
        bottom_lines_met=text(plan.bottom_lines_met) if plan else "",
        notes=text(plan.notes) if plan else "",
        signatures=[signature_line(s) for s in view.signatures],
        provider=provider_ctx(provider, lang),
        referrer_text_note=note,
        consent=joined(text(r.consent.by), dates.short_date(r.consent.date)),
    )


def return_context(
    referral: Referral | None, issues: list[Issue], source_file: str, today: dt.date,
    provider: Any | None = None,
) -> ReturnContext:
    r = referral or Referral()
    names = [c.name for c in r.children if c.name]
    return ReturnContext(
        today=dates.long_date(today, "et"),
        referrer=referrer_person(r),
        children_names=join_names(names, "et"),
        one_child=len(names) == 1,
        referral_date=dates.long_date(r.referral_date, "et") if r.referral_date else "",
        source_file=source_file,
        issues=[finding(i) for i in issues if i.is_error],
        provider=provider_ctx(provider),
        send_to=text(getattr(provider, "email", "") if provider is not None else ""),
    )


# --- digital signatures (issue 12) -----------------------------------------------------------

_NOT_FORM_FIELDS = {"source.signatures": "Digiallkiri"}


def signature_line(sig: SignatureInfo) -> str:
    """How the case summary states one signature, in Estonian, with Tallinn's clock."""
    from zoneinfo import ZoneInfo

    who = sig.signer or "tundmatu allkirjastaja"
    when = ""
    if sig.signed_at is not None:
        local = sig.signed_at.astimezone(ZoneInfo("Europe/Tallinn"))
        when = f", {dates.long_date(local.date(), 'et')} kell {dates.clock(local, 'et')}"
    if not sig.valid:
        verdict = "allkiri ei kehti: dokumenti on pärast allkirjastamist muudetud"
        if sig.reason and "muudetud" not in sig.reason:
            verdict = "allkirja ei saanud kontrollida"
    elif not sig.trusted:
        why = (sig.reason or "sertifikaat ei ole usaldusväärne").rstrip(".")
        verdict = f"allkiri vastab dokumendile, kuid {why[:1].lower()}{why[1:]}"
    else:
        verdict = "allkiri kehtib"
    return f"Digitaalselt allkirjastanud {who}{when} — {verdict}"
