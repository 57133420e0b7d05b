"""The stages, in the order `pipeline.process.STAGES` runs them; each takes the `Work`
of one file and adds to it or decides its outcome. See `pipeline.process` for the
exactly-once contract they keep together."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from pipeline import logging as log
from pipeline.config import DIR_MODE
from pipeline.deliver import mail
from pipeline.errors import PipelineError, TooEarly
from pipeline.extract import ACTIVE_CONTENT, Extraction, extract_bytes
from pipeline.intake import claim
from pipeline.work import (
    COMPLETE,
    DUPLICATE,
    QUARANTINED,
    REGISTERED,
    RETURNED,
    ChangedAfterHashing,
    ProcessResult,
    Work,
    database_down,
    in_tx,
    now_local,
)

if TYPE_CHECKING:
    from pipeline.register.tables import Case


def stage_read(w: Work) -> None:
    from pipeline.register import ledger

    def tx(s: Session) -> Any:
        # One transaction for the entry and the duplicate stage's question.
        return (ledger.get_entry(session=s, entry_id=w.job.entry_id),
                ledger.find_by_sha256(session=s, sha256=w.job.sha256,
                                      before_id=w.job.entry_id))

    entry, w.first_copy = in_tx(w.ctx, tx)
    if entry is not None and entry.outcome != "pending":
        # Closed before a crash: only the placing is left to do.
        w.result = ProcessResult(entry.outcome, list(entry.cases), list(entry.codes),
                                 entry.reason)
        w.decided = w.closed = True
        return
    w.data = w.path.read_bytes()
    if hashlib.sha256(w.data).hexdigest() != w.job.sha256:
        # Written to after the watcher hashed it (the writer had it open through the
        # claim's rename): `process.run` puts it back to be taken again, never quarantined.
        raise ChangedAfterHashing("Fail muutus pärast vastuvõtmist.")


def stage_duplicate(w: Work) -> None:
    first = w.first_copy  # looked up by `stage_read`
    if first is None:
        return
    cases = list(first.cases)
    where = ", ".join(cases) if cases else f"sissetulekute kirje {first.id}"
    w.result = ProcessResult(
        DUPLICATE, cases, ["duplicate"],
        f"Sama sisuga fail on juba saabunud ({where}); seda ei töödelda teist korda.",
    )
    w.decided = True


PLAN_ACTOR = "sissetulek"  # history actor for plans read from the inbox, with the entry id


def stage_plan(w: Work) -> None:
    """A filled action plan (DOCX with the case-number field) is recorded on its case.

    Idempotent per ledger entry: the history row carries the entry id as its
    actor, so a re-run after a crash finds the plan already saved.
    """
    from pipeline.read.base import Format
    from pipeline.read.registry import sniff
    from pipeline.register import meetings
    from pipeline.render.plan_reader import read_plan

    if sniff(w.data) is not Format.DOCX:
        return
    try:
        number, plan = read_plan(w.data)
    except PipelineError as exc:
        if exc.code in ("not_a_plan", "unreadable_plan", "too_large"):
            # Not a plan, or too large to tell (a zip bomb is no plan): the extract stage
            # reads it as a referral, or says why not in its own words.
            return
        _plan_refused(w, None, exc)  # a plan with no agreements
        return
    actor = f"{PLAN_ACTOR}:{w.job.entry_id}"

    try:
        w.plan_case = in_tx(w.ctx, lambda s: meetings.save_plan_once(
            session=s, number=number, plan=plan, actor=actor))
    except TooEarly as exc:
        _plan_early(w, number, exc)
        return
    except PipelineError as exc:
        _plan_refused(w, number, exc)
        return
    w.numbers = [w.plan_case]
    w.result = ProcessResult(
        REGISTERED, [w.plan_case], ["action_plan"],
        f"Tegevusplaan salvestati juhtumile {w.plan_case}; plaan ja järelkohtumise kutsed "
        "on kirjutatud.",
    )


def _plan_refused(w: Work, number: str | None, exc: PipelineError) -> None:
    """A plan that cannot be recorded is kept in quarantine with the reason."""
    why, code = exc.message, exc.code
    where = f" (juhtum {number})" if number else ""
    w.result = ProcessResult(
        QUARANTINED, [], [code],
        f"Fail on tegevusplaan{where}, kuid seda ei saanud salvestada: {why}",
    )
    w.decided = True


def _plan_early(w: Work, number: str, exc: TooEarly) -> None:
    """A plan that arrived before its conference started (the rule of `meetings.not_before`,
    as on the command line and the web) is not recorded: the inbox cannot confirm it. It is
    kept as it came, in quarantine with the reason, until the coordinator records it."""
    from pipeline.render.dates import when

    start = f" ({when(exc.start, 'et')})" if exc.start else ""
    w.result = ProcessResult(
        QUARANTINED, [], [exc.code],
        f"Tegevusplaan (juhtum {number}) saabus enne lahendusringi algust{start} ja seda ei "
        "salvestatud; fail on hoitud alles muutmata kujul. Kui lahendusring on alanud, tõstke "
        "fail tagasi kausta inbox/. Kui plaan on siiski juba kokku lepitud, salvestab "
        f"koordinaator selle käsuga „plr case plan {number} <fail> --force --reason …“.",
    )
    w.decided = True


def stage_extract(w: Work) -> None:
    if w.plan_case:
        return
    name = claim.original_name(w.path)
    w.extractions = extract_bytes(
        w.data, name=name, limits=w.ctx.settings.limits, today=w.job.received_at.date()
    )
    failed = [x for x in w.extractions if x.error is not None]
    if len(failed) == len(w.extractions):
        codes = sorted({x.error.code for x in failed if x.error})
        reason = " ".join(dict.fromkeys(x.error.message for x in failed if x.error))
        w.result = ProcessResult(QUARANTINED, [], codes, reason)
        w.decided = True


def _valid(w: Work) -> list[Extraction]:
    return [x for x in w.extractions if x.error is None and x.referral and not x.has_errors]


def _returned(w: Work) -> list[Extraction]:
    return [x for x in w.extractions if x.error is None and x.has_errors]


def stage_register(w: Work) -> None:
    from pipeline.register import cases
    from pipeline.register.views import build_case_view

    if w.plan_case:
        return
    valid = _valid(w)

    def tx(s: Session) -> tuple[list[str], dict[str, Any]]:
        # Idempotent per ledger entry: these bytes at this arrival time registered before.
        done = cases.cases_of_arrival(session=s, sha256=w.job.sha256,
                                      received_at=w.job.received_at)
        if done:
            return done, {n: cases.case_view(session=s, number=n) for n in done}
        held: dict[str, Case] = {}  # number → the case's rows, in the order first registered
        for x in valid:
            assert x.referral is not None
            res = cases.register_referral(
                session=s, referral=x.referral, warnings=list(x.issues),
                source_file=claim.original_name(w.path), sha256=w.job.sha256,
                received_at=w.job.received_at, signatures=x.source.signatures,
                provenance=x.provenance(),
            )
            assert res.case is not None
            held[res.number] = res.case
        # The renderers' view of each case, from the rows this transaction holds: built
        # once every form is in, and never read back.
        return list(held), {n: build_case_view(c) for n, c in held.items()}

    w.numbers, w.views = in_tx(w.ctx, tx) if valid else ([], {})
    codes = sorted({i.code for x in _returned(w) for i in x.issues if i.is_error}
                   | {i.code for x in w.extractions for i in x.issues
                      if i.code == ACTIVE_CONTENT})  # flagged in the ledger too
    failed = sorted({x.error.code for x in w.extractions if x.error is not None})
    if w.numbers:
        w.result = ProcessResult(REGISTERED, w.numbers, codes + failed)
    else:
        w.result = ProcessResult(RETURNED, [], codes + failed,
                                 "Suunamises on vigu; suunajale on kirjutatud tagastuskiri.")


def _view(w: Work, number: str) -> Any:
    from pipeline.register import cases

    def tx(s: Session) -> Any:
        return cases.case_view(session=s, number=number)

    return in_tx(w.ctx, tx)


def stage_render(w: Work) -> None:
    import json

    from pipeline.deliver.outbox import RETURNED_DIR, sync_files, write_documents
    from pipeline.render import documents as docs

    if (w.work_dir / COMPLETE).exists():
        return
    if w.work_dir.exists():
        shutil.rmtree(w.work_dir)  # a half-rendered set from before a crash: ours, redo it
    w.work_dir.mkdir(mode=DIR_MODE)
    # Who each staged document goes to, kept beside them for the mail stage.
    rows: list[dict[str, str | None]] = []
    staged: list[Path] = []  # fsynced together before the set is marked complete
    for number in w.numbers:
        view = w.views.get(number) or _view(w, number)  # a plan: read after it was saved
        coord = view.coordinator.email if view.coordinator else None
        if w.plan_case:
            # The final plan and follow-up invitations: mailed to the coordinator, who
            # hands them to the family; the outbox holds one per participant.
            rendered = docs.for_plan(view, engine=w.ctx.engine)
            to: list[str | None] = [coord] * len(rendered)
        else:
            rendered = docs.for_registration(view, engine=w.ctx.engine)
            to = [doc.email or coord for doc in rendered]
        written = write_documents(w.work_dir, number, rendered, sync=False)
        staged += written
        for path, address in zip(written, to, strict=True):
            rows.append({"folder": number, "file": path.name, "to": address})
    name = claim.original_name(w.path)
    for x in _returned(w):
        letters = docs.for_return(x.referral, list(x.issues), x.source.attachment or name,
                                  x.source.sender, engine=w.ctx.engine,
                                  today=w.job.received_at.date())
        written = write_documents(w.work_dir, None, letters, sync=False)
        staged += written
        for doc, path in zip(letters, written, strict=True):
            rows.append({"folder": RETURNED_DIR, "file": path.name, "to": doc.email})
    claim.write_atomic(w.work_dir / claim.MANIFEST, json.dumps(rows).encode(), sync=False)
    # Every document and the manifest are on disk before the mark says the set is whole.
    sync_files([*staged, w.work_dir / claim.MANIFEST])
    # The mark itself needs no fsync: lost in a crash, the set is rendered again.
    claim.write_atomic(w.work_dir / COMPLETE, b"", sync=False)


def stage_mail(w: Work) -> None:
    import json

    if not w.ctx.settings.smtp_url:
        return
    rows = json.loads((w.work_dir / claim.MANIFEST).read_bytes())
    spool = w.ctx.layout.mail_spool
    key = claim.claim_id_of(w.path)
    for i, row in enumerate(rows):
        if not row["to"]:
            continue
        doc = w.work_dir / row["folder"] / row["file"]
        mail.enqueue(spool, f"{key}-{i}", mail.document_message(
            sender=w.ctx.settings.smtp_from, to=row["to"], folder=row["folder"],
            filename=row["file"], data=doc.read_bytes()))
        assert w.result is not None
        w.result.mails += 1


def stage_publish(w: Work) -> None:
    assert w.result is not None
    for folder in sorted(p for p in w.work_dir.iterdir() if p.is_dir()):
        for doc in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
            target = publish_file(doc, w.ctx.layout.outbox / folder.name)
            w.result.published.append(str(target))
    w.result.documents = len(w.result.published)


def publish_file(src: Path, folder: Path) -> Path:
    """Move one staged document into the outbox; the same bytes already there count as done."""
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    stem, ext = os.path.splitext(src.name)
    n = 1
    while True:
        target = folder / (src.name if n == 1 else f"{stem} ({n}){ext}")
        try:
            os.link(src, target)
        except FileExistsError:
            if target.read_bytes() == src.read_bytes():
                break  # moved before a crash, only the unlink was missing
            n += 1
            continue
        break
    src.unlink()
    return target


def stage_close(w: Work) -> None:
    from pipeline.register import ledger

    r = w.result
    assert r is not None
    if w.closed:
        return
    in_tx(w.ctx, lambda s: ledger.close_entry(
        session=s, entry_id=w.job.entry_id, outcome=r.outcome, cases=r.cases, codes=r.codes,
        reason=r.reason or "", closed_at=now_local()))
    w.closed = True


def stage_place(w: Work) -> None:
    r, layout = w.result, w.ctx.layout
    assert r is not None
    if r.outcome == REGISTERED and r.cases:
        placed = claim.place_archive(layout, w.path, r.cases[0])
    elif r.outcome == RETURNED:
        placed = claim.place_returned(layout, w.path)
    elif r.outcome == DUPLICATE:
        placed = claim.place_duplicate(layout, w.path)
    else:
        placed = claim.place_quarantine(layout, w.path, r.reason or "teadmata põhjus")
    r.placed = str(placed)
    _record_place(w, placed)


def _record_place(w: Work, placed: Path) -> None:
    """Note the file's place in the ledger for retention. The file is already where it
    belongs, so a register that is down now costs only this note (purge then finds
    the file by its hash), never a second placing."""
    from pipeline.register import ledger

    assert w.result is not None
    home = w.ctx.layout.home
    docs = [os.path.relpath(d, home) for d in w.result.published] or None
    try:
        in_tx(w.ctx, lambda s: ledger.record_placed(
            session=s, entry_id=w.job.entry_id, placed=os.path.relpath(placed, home),
            documents=docs))
    except Exception as exc:
        if not database_down(exc):
            raise
        log.warn("place_not_recorded", sha256=w.job.sha256, error=type(exc).__name__)


Stage = Callable[[Work], None]
# The order is the contract; the last two run for every file, whatever was decided.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("read", stage_read),
    ("duplicate", stage_duplicate),
    ("plan", stage_plan),
    ("extract", stage_extract),
    ("register", stage_register),
    ("render", stage_render),
    ("mail", stage_mail),
    ("publish", stage_publish),
    ("close", stage_close),
    ("place", stage_place),
)
CLOSING = frozenset({"close", "place"})


