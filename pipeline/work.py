"""What one claimed file carries through the pipeline, and the names the stages share.

`Job` is what the watcher hands a worker; `Work` is one file in flight (what
the stages add to); `ProcessResult` is what becomes of it; `Context` is the
per-worker state (settings, register sessions, template engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from pipeline.config import Layout, Settings
from pipeline.errors import PipelineError
from pipeline.extract import Extraction
from pipeline.intake import claim

TALLINN = ZoneInfo("Europe/Tallinn")
COMPLETE = claim.COMPLETE

REGISTERED, RETURNED, DUPLICATE, QUARANTINED = "registered", "returned", "duplicate", "quarantined"
# Not an outcome of the ledger: the file changed after it was hashed and went back to the
# inbox, to be taken again (issue 8).
PUT_BACK = "put_back"


class ChangedAfterHashing(PipelineError):
    """The claimed file's bytes are not the ones the watcher hashed: a writer was still
    at work on it (a copy that paused longer than the stable time)."""

    code = "changed"


def now_local() -> dt.datetime:
    """Tallinn wall-clock time, as the register stores times (microseconds kept)."""
    return dt.datetime.now(TALLINN).replace(tzinfo=None)


@dataclass(frozen=True)
class Job:
    """What the watcher hands a worker: a claimed file and its pending ledger entry."""

    path: str
    entry_id: int
    sha256: str
    received_at: dt.datetime
    origin: str | None = None  # where in inbox/ it was claimed from (None: recovered)


@dataclass
class ProcessResult:
    outcome: str
    cases: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    reason: str | None = None
    placed: str | None = None
    documents: int = 0
    mails: int = 0
    published: list[str] = field(default_factory=list)  # outbox paths, for PDF copies


@dataclass
class Context:
    """Per-worker state, built once per process (`run.setup`)."""

    settings: Settings
    layout: Layout
    sessions: sessionmaker[Session]
    engine: Any  # pipeline.render.engine.Engine


@dataclass
class Work:
    job: Job
    ctx: Context
    path: Path
    data: bytes = b""
    extractions: list[Extraction] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    # The first earlier copy of these bytes in the ledger, looked up with the entry itself
    # (`stage_read`) so that the duplicate stage costs no transaction of its own.
    first_copy: Any = None  # pipeline.register.ledger.LedgerEntry | None
    # The registered cases as the renderers see them, built in the register transaction.
    views: dict[str, Any] = field(default_factory=dict)  # number → CaseView
    plan_case: str | None = None  # a filled action plan for this case, not a referral
    result: ProcessResult | None = None  # set once the outcome is known
    decided: bool = False  # duplicate/quarantine: skip to the closing stages
    closed: bool = False

    @property
    def work_dir(self) -> Path:
        return self.path.with_name(claim.claim_id_of(self.path) + claim.WORK_SUFFIX)


def in_tx(ctx: Context, fn: Callable[[Session], Any]) -> Any:
    from pipeline.register import db

    def once() -> Any:
        with db.transaction(ctx.sessions) as s:
            return fn(s)

    return db.with_retry(once)



# Exception class names that mean "the register cannot be reached", as the worker pool
# reports them (`Failure.detail`); the watcher retries such a file later.
DATABASE_DOWN = frozenset({"OperationalError", "InterfaceError", "DatabaseError"})


def database_down(exc: BaseException) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    from pipeline.register.db import DatabaseError

    return isinstance(exc, (OperationalError, InterfaceError, DatabaseError))
