"""What `plr cases` and `plr intake` do: list the register, starting fast (issue 8).

A friend of `pipeline.casework` for the two read-only listings an operator runs most:
it imports neither SQLAlchemy nor the renderer, the outbox or reporting. A local
register already at the newest schema is read with `sqlite3` (no migration check through
alembic, no ORM); anything else (PostgreSQL, a register still to be created or migrated,
an error reading it) goes through `register.db.in_register`, which migrates the register
and reports errors in its words. Both ways run the same queries
(`pipeline.register.reads`), so they give the same rows. The command line hands in
`ListingSettings` (read without pydantic); the full `Settings` is built only for that
second way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.config_light import ListingSettings
from pipeline.errors import PipelineError
from pipeline.register import reads
from pipeline.register.reads import LedgerEntry, Outcome, Query

if TYPE_CHECKING:
    from pipeline.config import Settings

T = TypeVar("T")


def _read(settings: Settings | ListingSettings, step: Callable[[Query], T]) -> T:
    try:
        with reads.local_reader(settings.db_url) as query:
            if query is not None:
                return step(query)
    except sqlite3.Error:
        pass  # read again the whole way, which retries a busy file and words the error
    from pipeline.register.db import in_register, query_on

    full = settings.full() if isinstance(settings, ListingSettings) else settings
    return in_register(full, lambda session: step(query_on(session)))


def cases(settings: Settings | ListingSettings, state: str | None = None) -> list[dict[str, Any]]:
    """The cases (of one state, if given) in arrival order, as `plr cases --json` rows."""
    return _read(settings, lambda query: reads.case_rows(query, state))


def intake(settings: Settings | ListingSettings, *, outcome: str | None = None,
           limit: int | None = None) -> list[LedgerEntry]:
    """The intake ledger, newest first; only one outcome and the newest `limit` if given."""
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise PipelineError.of("err.intake_outcome", code="bad_outcome", outcome=outcome,
                               allowed=", ".join(o.value for o in Outcome))
    return _read(settings, lambda query: reads.ledger_entries(
        query, outcome=outcome, limit=limit))
