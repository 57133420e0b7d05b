"""What the case commands do: one function per `plr case …` command.

Each opens one transaction on the register named by `Settings`, does its
step, and commits. The steps that produce documents (booking the conference,
recording the plan) render them from the updated case and write them into
the outbox inside the same transaction, so a rendering failure leaves the
case as it was.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from pipeline.config import Settings
from pipeline.deliver import mail
from pipeline.deliver.outbox import (
    case_dir,
    link_unique,
    supersede,
    write_atomic,
    write_documents,
)
from pipeline.errors import NotFound, PipelineError, Refused
from pipeline.model.case import Meeting, Participant, Role
from pipeline.register import coordinators as coord
from pipeline.register import ledger, lifecycle, meetings, reads, webviews
from pipeline.register.cases import case_view, get_case, now
from pipeline.register.db import in_register as db_in_register
from pipeline.register.db import query_on
from pipeline.register.tables import Coordinator as CoordinatorRow
from pipeline.register.views import case_details, meeting_view
from pipeline.render.documents import (
    RenderedDocument,
    for_cancellation,
    for_plan,
    for_schedule,
    meeting_prefixes,
)
from pipeline.render.engine import Engine
from pipeline.render.plan_reader import empty_sections, read_plan
from pipeline.reporting import service as reporting

T = TypeVar("T")

def actor() -> str:
    """Who is acting: the web app's signed-in user, else the logged-in OS user."""
    if (who := _acting.get()) is not None:
        return who
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "kontor"


def in_register(settings: Settings, step: Callable[[Session], T]) -> T:
    """Run `step` in one register transaction (retried while SQLite is busy)."""
    return db_in_register(settings, step)


def _queue_positions(session: Session) -> dict[str, int]:
    return reads.queue_positions(query_on(session))


@dataclass(frozen=True)
class Offer:
    """A waiting case to offer now that a place is free."""

    number: str


# --- reading -----------------------------------------------------------------


def show_case(settings: Settings, number: str) -> dict[str, Any]:
    def step(s: Session) -> dict[str, Any]:
        case = get_case(session=s, number=number)
        details = case_details(case, _queue_positions(s).get(case.number))
        details["suggestions"] = [
            {"id": g.coordinator.id, "name": g.coordinator.name, "open_cases": g.open_cases,
             "capacity": g.coordinator.capacity, "speaks_language": g.speaks_language}
            for g in coord.suggest_coordinators(session=s, case=case)
        ] if case.coordinator_id is None and case.state == "registered" else []
        return details

    return in_register(settings, step)


# --- coordinators ------------------------------------------------------------


def add_coordinator(
    settings: Settings, *, name: str, email: str, phone: str | None, languages: list[str],
    capacity: int,
) -> int:
    return in_register(settings, lambda s: coord.add_coordinator(
        session=s, name=name, email=email, phone=phone, languages=languages, capacity=capacity,
    ).id)


def coordinators(settings: Settings) -> list[dict[str, Any]]:
    def step(s: Session) -> list[dict[str, Any]]:
        counts = coord.open_case_counts(session=s)
        return [
            {"id": c.id, "name": c.name, "email": c.email, "phone": c.phone,
             "languages": list(c.languages), "capacity": c.capacity,
             "open_cases": counts.get(c.id, 0), "active": c.active}
            for c in coord.list_coordinators(session=s)
        ]

    return in_register(settings, step)


# --- the case steps ----------------------------------------------------------


def assign_case(settings: Settings, number: str, coordinator_ref: str) -> str:
    """Assign; the coordinator is sent the case summary written at registration."""
    def step(s: Session) -> tuple[str, str]:
        get_case(session=s, number=number)  # a wrong number is named before a wrong name
        c = coord.find_coordinator(session=s, ref=coordinator_ref)
        case = lifecycle.assign(session=s, number=number, coordinator=c, actor=actor())
        return case.number, c.email

    done, email = in_register(settings, step)
    summaries = sorted(case_dir(settings.outbox, done).glob("*juhtumi ülevaade*.docx"),
                       key=lambda p: p.stat().st_mtime)
    mail_to_coordinator(settings, done, email, "Uus juhtum", summaries[-1:])
    return done


def add_participant(
    settings: Settings, number: str, *, name: str, role: str, email: str | None,
    phone: str | None, relation: str | None,
) -> str:
    try:
        person = Participant(name=name, role=Role(role), email=email, phone=phone,
                             relation=relation)
    except ValueError:
        raise PipelineError.of("err.bad_role", code="bad_role") from None
    return in_register(settings, lambda s: meetings.add_participant(
        session=s, number=number, person=person, actor=actor()).number)


_WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M",
                 # The Estonian way of writing the hour: 17.00, "kell 17.00".
                 "%Y-%m-%d %H.%M", "%d.%m.%Y %H.%M", "%d.%m.%Y kell %H.%M",
                 "%Y-%m-%d kell %H.%M")


def parse_when(text: str) -> dt.datetime:
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in _WHEN_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise PipelineError.of("err.bad_time_format", code="bad_time")


_STEP_SUBJECTS = {
    "for_schedule": "Lahendusringi kutsed, päevakord ja tegevusplaani vorm",
    "for_plan": "Tegevusplaan ja järelkohtumise kutsed",
}


def write_case_documents(
    settings: Settings, session: Session, number: str,
    render: Callable[..., list[RenderedDocument]],
) -> list[Path]:
    """Render one moment's documents from the case as it now stands; write them, and
    queue them in one e-mail to the case's coordinator when mail is configured."""
    view = case_view(session=session, number=number)
    docs = render(view, engine=engine_for(settings))  # office overrides win
    written = write_documents(settings.outbox, view.number, docs)
    written += pdf_copies(settings, written)
    if view.coordinator is not None:
        subject = _STEP_SUBJECTS.get(render.__name__, "Pere lahendusringi dokumendid")
        mail_to_coordinator(settings, view.number, view.coordinator.email, subject, written)
    return written


def engine_for(settings: Settings) -> Engine:
    """The office's templates over the built-in ones, with the office's letterhead."""
    return Engine.for_settings(settings)


def pdf_copies(settings: Settings, files: list[Path]) -> list[Path]:
    """PDFs beside the DOCX files when asked for (`PLR_PDF`) and LibreOffice is there."""
    from pipeline.render.pdf import PdfPool, available

    docx = [p for p in files if p.suffix == ".docx"]
    if not settings.pdf or not available() or not docx:
        return []
    with PdfPool(workers=2) as pool:
        made = [f.result() for f in [pool.submit(p) for p in docx]]
    return [p for p in made if p is not None]


def mail_to_coordinator(
    settings: Settings, number: str, to: str, subject: str, files: list[Path]
) -> bool:
    """Queue the files in one message (the watcher's sender delivers it with retries).

    The key is the case and the files' content, so repeating a step queues nothing
    twice."""
    if not settings.smtp_url or not files:
        return False
    contents = [(p.name, p.read_bytes()) for p in files]
    digest = hashlib.sha256(b"".join(data for _, data in contents)).hexdigest()[:16]
    msg = mail.documents_message(sender=settings.smtp_from, to=to, folder=number,
                                 subject=subject, files=contents)
    return mail.enqueue(settings.layout.mail_spool, f"{number}-{digest}", msg)


@dataclass(frozen=True)
class Written:
    """A step that produced documents: the meeting it booked and the files."""

    when: dt.datetime
    files: list[Path]
    # What the coordinator should know (an empty plan section, an untranslated relation).
    notices: list[str] = field(default_factory=list)


def schedule_conference(settings: Settings, number: str, *, at: str, place: str,
                        hours: float = meetings.CONFERENCE_HOURS,
                        force: bool = False) -> Written:
    """Book the conference; write invitations (+ .ics), agendas and the blank plan.

    Moving a booked conference moves the old time's documents to `asendatud/` and writes
    each participant of the old time a cancellation notice (+ METHOD:CANCEL .ics)."""
    from pipeline.i18n import ByLang
    from pipeline.render.dates import booking_problems

    start = parse_when(at)
    if not 0.5 <= hours <= 8:
        raise PipelineError.of("err.bad_hours", code="bad_hours")
    end, at_now = start + dt.timedelta(hours=hours), now()
    problems = booking_problems(start, end, at_now)
    if problems and not force:
        raise Refused.of("err.booking", code="bad_time", problems=ByLang(
            lambda lang: "; ".join(booking_problems(start, end, at_now, lang))))

    def step(s: Session) -> Written:
        before = get_case(session=s, number=number, for_update=True)
        # A booked conference being moved (the case is `scheduled`): the latest one.
        booked = [m for m in before.meetings if m.kind == "conference" and m.cancelled_at is None]
        ahead = ([meeting_view(before.number, booked[-1])]
                 if before.state == "scheduled" and booked else [])
        invited = case_view(session=s, number=number).participants
        case = meetings.book_conference(
            session=s, number=number, start=start, place=place, actor=actor(), hours=hours,
            note="; ".join(problems) + " (kinnitatud)" if problems else None)
        view = case_view(session=s, number=number)
        return Written(start, _write_cancelled(settings, s, case.number, ahead, invited)
                       + write_case_documents(settings, s, case.number, for_schedule),
                       relation_notices(view.participants, view.referral.family_language))

    return in_register(settings, step)


def _write_cancelled(settings: Settings, session: Session, number: str,
                     cancelled: list[Meeting], invited: list[Participant]) -> list[Path]:
    """For each meeting moved or called off: its documents to `asendatud/`, and a
    cancellation notice for everyone who was invited to it."""
    if not cancelled:
        return []
    view = case_view(session=session, number=number)
    engine = engine_for(settings)
    people = [p for p in invited if p.role is not Role.COORDINATOR]
    docs = [d for m in cancelled
            for d in for_cancellation(view, m, engine=engine, recipients=people)]
    for m in cancelled:
        supersede(settings.outbox, view.number, meeting_prefixes(m))
    written = write_documents(settings.outbox, view.number, docs)
    return written + pdf_copies(settings, written)


def record_plan(settings: Settings, number: str, file: Path,
                forced: str | None = None) -> Written:
    """Read a filled action-plan DOCX, store it, book the follow-up and write the
    final plan and the follow-up invitations for every participant."""
    plan_number, plan = read_plan(file.read_bytes())
    if plan_number.strip().upper() != number.strip().upper():
        raise Refused.of("err.plan_wrong_case", code="plan_wrong_case", plan=plan_number,
                         number=number.strip().upper())

    def step(s: Session) -> Written:
        case = meetings.save_plan(session=s, number=number, plan=plan, actor=actor(),
                                  forced=forced)
        follow_up = case.meetings[-1].start
        notices = [f"Tegevusplaanis on osa „{title}“ tühi; plaan salvestati ilma selleta."
                   for title in empty_sections(plan)]
        return Written(follow_up, write_case_documents(settings, s, case.number, for_plan),
                       notices)

    return in_register(settings, step)


def record_followup(settings: Settings, number: str, *, outcome: str,
                    note: str | None = None, forced: str | None = None) -> str:
    return in_register(settings, lambda s: meetings.record_followup(
        session=s, number=number, outcome=outcome, actor=actor(), note=note,
        forced=forced).state)


def close_case(settings: Settings, number: str, *, reason: str,
               note: str | None = None) -> Offer | None:
    """Close; a meeting still ahead is cancelled (notices to everyone invited); if that
    freed a place, name the longest-waiting case to offer."""
    def step(s: Session) -> Offer | None:
        before = get_case(session=s, number=number, for_update=True)
        ahead = [meeting_view(before.number, m) for m in meetings.upcoming(before)]
        invited = case_view(session=s, number=number).participants
        case = lifecycle.close(session=s, number=number, reason=reason, actor=actor(), note=note)
        files = _write_cancelled(settings, s, case.number, ahead, invited)
        if files and case.coordinator is not None:
            mail_to_coordinator(settings, case.number, case.coordinator.email,
                                "Kohtumise tühistamisteated", files)
        reporting.write_overview(settings, s, case.number)  # the referrer's overview of work
        freed = case.coordinator
        if freed is None:
            return None
        nxt = coord.next_offer(session=s, coordinator=freed)
        return Offer(nxt.number) if nxt is not None else None

    return in_register(settings, step)


# --- participants: edit and remove (issue 9) ------------------------------------------


def edit_participant(settings: Settings, number: str, participant_id: int, *,
                     name: str | None = None, relation: str | None = None,
                     phone: str | None = None, email: str | None = None) -> str:
    """Change a participant's details; the earlier values stay in their history."""
    changes = {"name": name, "relation": relation, "phone": phone, "email": email}
    return in_register(settings, lambda s: meetings.edit_participant(
        session=s, number=number, participant_id=participant_id, actor=actor(),
        changes=changes)[0].number)


def remove_participant(settings: Settings, number: str, participant_id: int) -> list[Path]:
    """Take a participant off the case; their documents move to `asendatud/`."""
    def step(s: Session) -> list[Path]:
        case, name = meetings.remove_participant(session=s, number=number,
                                                 participant_id=participant_id, actor=actor())
        # Every document addressed to them ("… – Name.docx"), whatever its kind.
        return supersede(settings.outbox, case.number, [""], recipient=name)

    return in_register(settings, step)


def translate_texts(settings: Settings, number: str, *, lang: str, question: str | None,
                    bottom_lines: str | None) -> str:
    """Store the coordinator's translation of the referrer's texts (documents written from
    now on print it instead of the Estonian original)."""
    return in_register(settings, lambda s: meetings.set_translation(
        session=s, number=number, lang=lang, actor=actor(),
        texts={"question": question, "bottom_lines": bottom_lines}).number)


def relation_notices(participants: list[Participant], family_lang: str) -> list[str]:
    """Relations the vocabulary cannot translate into the family's language: the letters
    print them as written, and the coordinator is told."""
    from pipeline.render.relations import unknown

    if family_lang not in ("ru", "en"):
        return []
    words = dict.fromkeys(w for p in participants if p.is_family
                          for w in unknown(p.relation))
    return [f"Seost „{w}“ ei ole sõnastikus: pere keeles dokumentides on see nii, nagu "
            "kirjutatud. Vajaduse korral muutke seda: plr case participant edit."
            for w in words]


# --- the web app (issue 10): who acts, what a user may see, lists, files ----------
# The web app calls these and the case steps above; its handlers hold no rule.

_acting: ContextVar[str | None] = ContextVar("plr_acting", default=None)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Steps taken inside are recorded (history, notes) under `name`."""
    token = _acting.set(name)
    try:
        yield
    finally:
        _acting.reset(token)


def _not_found(number: str) -> NotFound:
    return NotFound.of("err.no_case", code="no_case", number=number.strip().upper()[:40])


def check_case_visible(settings: Settings, number: str, only_coordinator: int | None) -> None:
    """NotFound unless the case exists and (for a coordinator) is theirs: another
    coordinator's case looks exactly like one that does not exist."""
    exists, cid = in_register(settings, lambda s: webviews.case_coordinator(
        session=s, number=number))
    if not exists or (only_coordinator is not None and cid != only_coordinator):
        raise _not_found(number)


def find_cases(settings: Settings, query: webviews.CaseQuery) -> webviews.Page:
    def step(s: Session) -> webviews.Page:
        page = webviews.find_cases(session=s, query=query)
        page.extra["municipalities"] = webviews.municipalities(
            session=s, only_coordinator=query.only_coordinator)
        return page

    return in_register(settings, step)


DOCUMENT_STEPS = ("registration", "conference", "plan", "other")
SUPERSEDED_DIR = "asendatud"


def _step_of(name: str) -> str:
    low = name.lower()
    if "järelkohtumise kutse" in low or ("tegevusplaan" in low and "vorm" not in low):
        return "plan"
    if any(k in low for k in ("kutse", "päevakord", "tegevusplaani vorm")):
        return "conference"
    if any(k in low for k in ("suunamise kinnitus", "juhtumi ülevaade")):
        return "registration"
    return "other"


def _listed(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in (".docx", ".pdf", ".ics")), key=lambda p: p.name)


def case_documents(settings: Settings, number: str) -> list[dict[str, Any]]:
    """The case's documents in the outbox: step, superseded (in `asendatud/`), PDF copy."""
    folder = case_dir(settings.outbox, number.strip().upper())
    out: list[dict[str, Any]] = []
    for superseded, files in ((False, _listed(folder)),
                              (True, _listed(folder / SUPERSEDED_DIR))):
        names = {p.name for p in files}
        for p in files:
            if p.suffix.lower() in (".pdf", ".ics") and p.with_suffix(".docx").name in names:
                continue  # shown beside its DOCX
            pdf = p.with_suffix(".pdf").name if p.suffix.lower() == ".docx" else None
            ics = p.with_suffix(".ics").name if p.suffix.lower() == ".docx" else None
            st = p.stat()
            out.append({"name": p.name, "step": _step_of(p.name), "superseded": superseded,
                        "size": st.st_size, "modified": dt.datetime.fromtimestamp(st.st_mtime),
                        "pdf": pdf if pdf in names else None,
                        "ics": ics if ics in names else None, "kind": p.suffix.lower()[1:]})
    out.sort(key=lambda d: (DOCUMENT_STEPS.index(d["step"]), d["superseded"], d["name"]))
    return out


def document_file(settings: Settings, number: str, name: str, *,
                  superseded: bool = False) -> Path:
    """A listed document of the case; anything else (another folder, a made-up name) is
    NotFound."""
    folder = case_dir(settings.outbox, number.strip().upper())
    if superseded:
        folder = folder / SUPERSEDED_DIR
    for p in _listed(folder):
        if p.name == name:
            return p
    raise NotFound.of("err.no_document", code="no_document")


def case_page(settings: Settings, number: str, only_coordinator: int | None) -> dict[str, Any]:
    """Everything the case page shows: `show_case`, its documents and coordinators."""
    check_case_visible(settings, number, only_coordinator)
    details = show_case(settings, number)
    details["documents"] = case_documents(settings, details["number"])
    details["all_coordinators"] = coordinators(settings)
    return details


def scan_crop(settings: Settings, number: str, index: int) -> bytes:
    """The image of one value a person must check on a scanned form (cut at reading)."""
    from pipeline.register.cases import current_crop

    found = in_register(settings, lambda s: current_crop(get_case(session=s, number=number),
                                                         index))
    if found is None:
        raise NotFound.of("err.no_crop", code="no_crop")
    return found


def schedule_notes(when: dt.datetime, hours: float = meetings.CONFERENCE_HOURS,
                   lang: str = "et") -> list[str]:
    """Why a conference at this time needs confirming (the past, a weekend, a public
    holiday or its eve, outside working hours): the one rule behind the booking's refusal
    and the web's hints while a time is chosen."""
    from pipeline.render.dates import booking_problems

    return booking_problems(when, when + dt.timedelta(hours=hours), now(), lang)


def record_plan_upload(settings: Settings, number: str, data: bytes, *,
                       forced: str | None = None) -> Written:
    """`record_plan` for a plan uploaded through the web app (read from a private
    temporary file, removed afterwards)."""
    if len(data) > settings.limits.max_file_bytes:
        raise PipelineError.of("err.too_big", code="too_big")
    if not data.startswith(b"PK"):
        raise PipelineError.of("err.not_docx", code="not_docx")
    with tempfile.TemporaryDirectory(prefix="plr-plan-") as tmp:
        path = Path(tmp) / "plan.docx"
        path.write_bytes(data)
        return record_plan(settings, number, path, forced=forced)


def update_coordinator(settings: Settings, coordinator_id: int, *, capacity: int,
                       languages: list[str], active: bool) -> None:
    langs = [x.strip().lower() for x in languages if x.strip()]
    if not langs or any(x not in coord.LANGUAGES for x in langs):
        raise PipelineError.of("err.coordinator_languages", code="bad_coordinator")
    if capacity < 1:
        raise PipelineError.of("err.coordinator_capacity", code="bad_coordinator")

    def step(s: Session) -> None:
        row = s.get(CoordinatorRow, coordinator_id)
        if row is None:
            raise NotFound.of("err.unknown_coordinator", code="no_coordinator")
        row.capacity, row.languages, row.active = capacity, langs, active

    in_register(settings, step)


# --- the intake ledger in the web app ---------------------------------------------


def ledger_list(settings: Settings, query: webviews.LedgerQuery) -> webviews.Page:
    def step(s: Session) -> webviews.Page:
        found, total = webviews.ledger_page(session=s, query=query)
        return webviews.Page([{"entry": ledger.entry_of(r)} for r in found], total,
                             max(1, query.page), query.per_page)

    return in_register(settings, step)


def _entry(settings: Settings, entry_id: int) -> ledger.LedgerEntry:
    found = in_register(settings, lambda s: ledger.get_entry(session=s, entry_id=entry_id))
    if found is None:
        raise NotFound.of("err.no_entry", code="no_entry")
    return found


def _inside(home: Path, relative: str | None) -> Path | None:
    if not relative:
        return None
    path = (home / relative).resolve()
    return path if path.is_relative_to(home.resolve()) and path.is_file() else None


def return_letter(settings: Settings, entry_id: int) -> Path:
    """The return letter written for a returned file (its DOCX)."""
    entry = _entry(settings, entry_id)
    if entry.outcome != ledger.Outcome.RETURNED:
        raise NotFound.of("err.no_letter", code="no_letter")
    for rel in sorted(entry.documents, key=lambda r: not r.endswith(".docx")):
        path = _inside(settings.home, rel)
        if path is not None and path.is_relative_to(settings.outbox.resolve()):
            return path
    raise NotFound.of("err.letter_gone", code="no_letter")


def retry_quarantined(settings: Settings, entry_id: int) -> str:
    """Put a quarantined file back into the inbox (the watcher reads it again; a retry is
    not a duplicate). Returns the name it has in the inbox."""
    entry = _entry(settings, entry_id)
    if entry.outcome != ledger.Outcome.QUARANTINED:
        raise Refused.of("err.not_quarantined", code="not_quarantined")
    path = _inside(settings.home, entry.placed)
    quarantine = settings.layout.quarantine.resolve()
    if path is None or not path.is_relative_to(quarantine):
        raise Refused.of("err.not_in_quarantine", code="not_in_quarantine")
    return _into_inbox(settings, entry.file or path.name, path)


def _into_inbox(settings: Settings, name: str, src: Path) -> str:
    """Move `src` into the inbox under a safe name, never over a file already there."""
    inbox = settings.layout.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    target = link_unique(src, inbox, Path(name).name or "fail")
    src.unlink()
    return target.name


def upload_to_inbox(settings: Settings, name: str, data: bytes) -> str:
    """Save an uploaded file into the inbox under a safe name, where the watcher screens
    and reads it like any other file. Refused at once: an empty or too large file, and one
    whose content is no format the inbox reads (told by content, as the inbox tells it,
    never by the name). Returns the name in the inbox."""
    from pipeline.read.registry import sniff

    if not data:
        raise Refused.of("err.empty_file", code="empty")
    if len(data) > settings.limits.max_file_bytes:
        raise Refused.of("err.too_big", code="too_big")
    if sniff(data) is None:
        raise Refused.of("err.not_a_form", code="bad_content")
    safe = Path(name).name.lstrip(".~$") or "fail"
    return write_atomic(settings.layout.inbox, safe, data).name


# --- the dashboard ---------------------------------------------------------------


def dashboard(settings: Settings, *, only_coordinator: int | None,
              show_intake: bool) -> dict[str, Any]:
    """Today's intake and what needs a person: problem files, cases waiting for a
    coordinator, conferences this week, follow-ups due."""
    today = now().replace(hour=0, minute=0, second=0)
    week = today + dt.timedelta(days=7)

    def step(s: Session) -> dict[str, Any]:
        out: dict[str, Any] = {"today": today}
        if show_intake:
            out["counts"] = webviews.intake_counts(session=s, since=today)
            out["problems"] = [ledger.entry_of(r) for r in webviews.recent_problems(
                session=s, since=today - dt.timedelta(days=14))]
        if only_coordinator is None:
            waiting, total = webviews.waiting_for_coordinator(session=s)
            out["waiting"] = [{"number": c.number, "received_at": c.received_at,
                               "municipality": c.municipality} for c in waiting]
            out["waiting_total"] = total
        else:
            out["mine"] = [{"number": c.number, "state": c.state, "received_at": c.received_at}
                           for c in webviews.open_cases_of(session=s,
                                                           coordinator_id=only_coordinator)]
        out["conferences"] = [
            {"number": c.number, "start": m.start, "place": m.place}
            for c, m in webviews.meetings_between(
                session=s, kind="conference", states=("scheduled",), start=today, end=week,
                only_coordinator=only_coordinator)]
        out["followups"] = [
            {"number": c.number, "start": m.start, "place": m.place, "overdue": m.start < today}
            for c, m in webviews.meetings_between(
                session=s, kind="follow_up", states=("plan_agreed",),
                start=today - dt.timedelta(days=365), end=week,
                only_coordinator=only_coordinator)]
        return out

    data = in_register(settings, step)
    for c in data["conferences"]:
        folder = case_dir(settings.outbox, c["number"])
        c["invitations"] = any(folder.glob("*kutse*.docx"))
    return data
