"""One claimed file through the pipeline: an ordered list of stages, one short loop.

    read → duplicate → plan → extract → register → render → mail → publish → close → place

A file is either a referral (form or e-mail) or an action plan the coordinator
filled in and dropped back into the inbox; the plan stage recognises the latter
and records it on its case instead of registering a referral.

Each stage (in `pipeline.stages`) takes the `Work` of one file (`pipeline.work`)
and either adds to it or decides the outcome (`duplicate`, `quarantined`), after
which only the closing stages run.
A duplicate or a returned referral is a result, not an exception.

Exactly once, with a process that may be killed at any instant:

- the watcher records the file in the intake ledger (pending) before a worker
  sees it; the ledger entry is closed only after the cases are committed and
  the documents are in the outbox, and the file is placed after that;
- registering is idempotent per ledger entry: a referral version with this
  file's sha256 and arrival time means the cases exist, so a re-run takes
  their numbers instead of registering again;
- documents are rendered into the file's own work folder next to it in
  processing/ (marked complete when all are there), then moved into the
  outbox one by one with link+unlink, and a document already in the outbox
  with the same bytes is not written twice;
- a re-run of an entry already closed only places the file.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pipeline import logging as log
from pipeline.config import Settings
from pipeline.intake import claim
from pipeline.stages import (
    CLOSING,
    STAGES,
    stage_close,
    stage_place,
    stage_plan,
    stage_read,
)
from pipeline.work import (
    DATABASE_DOWN,
    DUPLICATE,
    PUT_BACK,
    QUARANTINED,
    REGISTERED,
    RETURNED,
    ChangedAfterHashing,
    Context,
    Job,
    ProcessResult,
    Work,
    database_down,
    in_tx,
    now_local,
)

# Callers use these through this module: the stage list and the types of one file's trip.
__all__ = [
    "CLOSING", "DATABASE_DOWN", "DUPLICATE", "PUT_BACK", "QUARANTINED", "REGISTERED", "RETURNED",
    "STAGES", "Context", "Job", "ProcessResult", "Work", "database_down", "make_context",
    "now_local", "quarantine_failed", "record_claimed", "run", "stage_plan", "stage_read",
    "worker_run",
]


def record_claimed(ctx: Context, path: Path, sha256: str, original: str | None = None,
                   *, fresh: bool = False) -> Job:
    """The pending ledger entry of a claimed file: recorded now, or found if it was
    recorded before a crash (found by the claim id, which is unique). `original` is the
    name the file arrived with when the claimed name had to be shortened. `fresh`: this
    process claimed the file just now, under a new claim id, so no entry can name it yet
    and the search (a scan of the ledger's names) is skipped."""
    from pipeline.register import ledger

    claim_id = claim.claim_id_of(path)
    file_name = path.name if original is None else f"{claim_id}{claim.SEP}{original}"

    def tx(s: Session) -> tuple[int, dt.datetime]:
        row = None if fresh and claim_id else _recorded(s)
        if row is not None:
            return row.id, row.received_at
        at = now_local()
        return ledger.record_arrival(session=s, file_name=file_name, sha256=sha256,
                                     received_at=at), at

    def _recorded(s: Session) -> ledger.LedgerEntry | None:
        # By the name it was recorded under (indexed), which is the claimed name unless
        # that had to be shortened; only then, or for a file claimed but never recorded,
        # by the claim id (a prefix search that reads the whole ledger).
        row = ledger.entry_by_file(session=s, file_name=file_name)
        if row is None and claim_id:
            row = ledger.entry_by_claim(session=s, claim_id=claim_id)
        return row

    entry_id, received = in_tx(ctx, tx)
    return Job(str(path), entry_id, sha256, received)


def run(job: Job, ctx: Context) -> ProcessResult:
    """Take one claimed file to its end; never raises for a bad file."""
    w = Work(job=job, ctx=ctx, path=Path(job.path))
    stage = "start"
    try:
        for stage, fn in STAGES:
            if w.decided and stage not in CLOSING:
                continue
            fn(w)
    except ChangedAfterHashing:
        w.result = _put_back(w)
    except Exception as exc:
        if database_down(exc):
            # Not the file's fault: decide nothing, keep it in processing/, and let the
            # watcher hand it out again once the register answers.
            log.warn("database_unavailable", sha256=job.sha256, stage=stage,
                     error=type(exc).__name__)
            raise
        log.error("stage_failed", sha256=job.sha256, stage=stage, error=type(exc).__name__)
        if stage in CLOSING and w.closed:
            raise  # the ledger is closed; the watcher retries placing on its next start
        w.result = ProcessResult(
            QUARANTINED, list(w.numbers), ["internal"],
            f"Töötlemine katkes sisemise vea tõttu (etapp „{stage}“, {type(exc).__name__}).",
        )
        w.decided = True
        stage_close(w)
        stage_place(w)
    finally:
        # The work folder is ours (rendered copies); once empty it has no use.
        if w.result is not None and w.result.placed and w.work_dir.exists():
            claim.drop_work_dir(w.work_dir)
    assert w.result is not None
    return w.result


def _put_back(w: Work) -> ProcessResult:
    """A file that changed after it was hashed goes back where it came from and is taken
    again once complete, as a file that changed after the claim does (`watch`). The
    entry goes first: a crash in between leaves a claimed file without an entry, which
    the next start records and reads afresh, never an entry without its file."""
    from pipeline.register import ledger

    in_tx(w.ctx, lambda s: ledger.withdraw_pending(session=s, entry_id=w.job.entry_id))
    origin = (Path(w.job.origin) if w.job.origin
              else w.ctx.layout.inbox / claim.disk_name(w.path))
    back = claim.put_back(w.path, origin)
    shutil.rmtree(w.work_dir, ignore_errors=True)
    log.event("put_back", claim=claim.claim_id_of(w.path), stage="read")
    return ProcessResult(PUT_BACK, placed=str(back))


def quarantine_failed(job: Job, ctx: Context, code: str,
                      reason: str | None = None) -> ProcessResult:
    """A worker was killed (time or memory limit), or the watcher decided without one
    (a link, a FIFO, a file too large to read): record and quarantine from the watcher."""
    reasons = {
        "time_limit": "Faili lugemine võttis lubatust kauem aega (võimalik kahjulik või vigane "
                      "fail).",
        "memory_limit": "Faili lugemine vajas lubatust rohkem mälu (võimalik pakkimispomm või "
                        "vigane fail).",
    }
    reason = reason or reasons.get(code, "Töötlemine katkes ootamatult.")
    w = Work(job=job, ctx=ctx, path=Path(job.path),
             result=ProcessResult(QUARANTINED, [], [code], reason), decided=True)
    stage_close(w)
    stage_place(w)
    # Documents the killed worker may have half-rendered: our own copies, not arrivals.
    shutil.rmtree(w.work_dir, ignore_errors=True)
    assert w.result is not None
    return w.result


def make_context(settings: Settings) -> Context:
    from pipeline.register import db
    from pipeline.render.engine import Engine

    # The office's own templates in <home>/templates/ win, file by file, when present.
    return Context(settings=settings, layout=settings.layout,
                   sessions=db.session_factory(settings), engine=Engine.for_settings(settings))


def _worker_setup(init: dict[str, Any]) -> Context:
    log.setup(as_json=bool(init.get("log_json")))
    return make_context(Settings.model_validate_json(init["settings"]))


def worker_run(job: Job, ctx: Context) -> ProcessResult:
    return run(job, ctx)


def _worker_teardown() -> None:
    from pipeline.read import safety

    safety.end_worker()


worker_run.setup = _worker_setup  # type: ignore[attr-defined]
worker_run.teardown = _worker_teardown  # type: ignore[attr-defined]
