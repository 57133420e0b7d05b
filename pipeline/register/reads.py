"""The register's read-only listings: the case list and the intake ledger (issue 8).

`plr cases` and `plr intake` must start in well under half a second, and importing
SQLAlchemy's ORM (with the tables and their relationships) costs more than that alone
on a small machine. So these queries are plain SQL with `:name` parameters, which both
the standard library's `sqlite3` and SQLAlchemy's `text()` accept, run through a
`Query` callable: `sqlite3` on a local register whose schema is already at the newest
revision (`local_reader`), otherwise a session on the migrated register
(`pipeline.register.db.query_on`: PostgreSQL, a register that needs migrating). The
ORM paths that show the same data (`ledger.list_entries`, the queue positions of
`plr case show`, `views.case_summary`) call these functions too: one source of truth.

This module imports no SQLAlchemy, no pydantic model and nothing that renders.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

# One SQL statement with `:name` parameters → its rows as tuples.
Query = Callable[[str, Mapping[str, object]], Sequence[Sequence[Any]]]


class Outcome(StrEnum):
    PENDING = "pending"
    REGISTERED = "registered"
    RETURNED = "returned"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"


_CLAIM_PREFIX = re.compile(r"^\d{8}T\d{6}-?[0-9a-f]{8}__")


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    file_name: str | None
    sha256: str
    received_at: dt.datetime
    outcome: str
    cases: list[str]
    codes: list[str]
    reason: str | None
    closed_at: dt.datetime | None
    placed: str | None = None
    documents: tuple[str, ...] = ()

    @property
    def file(self) -> str | None:
        """The name the file arrived with (the watcher records its claimed name,
        `<claim id>__<original name>`, so that it can find the entry after a crash)."""
        if self.file_name is None:
            return None
        return _CLAIM_PREFIX.sub("", self.file_name, count=1)

    @property
    def claim(self) -> str:
        """The claim id the file was processed under ("" if none): e-mails queued for a
        file without a case are keyed by it."""
        m = _CLAIM_PREFIX.match(self.file_name or "")
        return m.group(0)[:-2] if m else ""

    def to_json(self) -> dict[str, object]:
        """Stable keys for `plr intake --json`."""
        return {
            "id": self.id,
            "file": self.file,
            "sha256": self.sha256,
            "received_at": self.received_at.isoformat(timespec="seconds"),
            "outcome": self.outcome,
            "cases": list(self.cases),
            "codes": list(self.codes),
            "reason": self.reason,
            "placed": self.placed,
        }


# --- values as the drivers return them -----------------------------------------------
# Through SQLAlchemy's ORM a JSON column is decoded and a DATETIME parsed; through plain
# SQL, SQLite gives their stored text (PostgreSQL's driver decodes both itself).


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _when(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


# --- cases ---------------------------------------------------------------------------

# A case waits for a coordinator while it is registered and has none (State.REGISTERED);
# `coordinators.waiting_queue` is the same queue as ORM rows, for the offer logic.
_QUEUE = ("SELECT number FROM cases WHERE state = :waiting AND coordinator_id IS NULL "
          "ORDER BY received_at, id")

_CASES = (
    "SELECT c.number, c.state, c.received_at, c.municipality, c.family_language, "
    "co.name, c.closed_at, c.close_reason, "
    "(SELECT v.data FROM referral_versions v WHERE v.case_id = c.id "
    "ORDER BY v.version DESC LIMIT 1) "
    "FROM cases c LEFT JOIN coordinators co ON co.id = c.coordinator_id"
)


def queue_positions(query: Query) -> dict[str, int]:
    """Place in the waiting queue (1 = next) of each case waiting for a coordinator."""
    rows = query(_QUEUE, {"waiting": "registered"})
    return {row[0]: i for i, row in enumerate(rows, start=1)}


def summary_row(
    *, number: str, state: str, received_at: dt.datetime | None, municipality: str | None,
    family_language: str, children: list[str], coordinator: str | None,
    queue_position: int | None, closed_at: dt.datetime | None, close_reason: str | None,
) -> dict[str, Any]:
    """One row of `plr cases --json` (the head of `plr case show --json`)."""
    return {
        "number": number,
        "state": state,
        "received_at": _iso(received_at),
        "municipality": municipality,
        "family_language": family_language,
        "children": children,
        "coordinator": coordinator,
        "queue_position": queue_position,
        "closed_at": _iso(closed_at),
        "close_reason": close_reason,
    }


def child_names(data: Mapping[str, Any] | None) -> list[str]:
    """The children's names in a stored form (`Referral.model_dump(mode="json")`)."""
    children = (data or {}).get("children") or []
    return [c["name"] for c in children if isinstance(c, dict) and c.get("name")]


def case_rows(query: Query, state: str | None = None) -> list[dict[str, Any]]:
    """`plr cases`: every case (or those of one state) in arrival order."""
    positions = queue_positions(query)
    sql, params = _CASES, {}
    if state is not None:
        sql, params = sql + " WHERE c.state = :state", {"state": state}
    rows = query(sql + " ORDER BY c.received_at, c.id", params)
    return [
        summary_row(number=number, state=st, received_at=_when(received),
                    municipality=municipality, family_language=language,
                    children=child_names(_json(data)), coordinator=coordinator,
                    queue_position=positions.get(number), closed_at=_when(closed),
                    close_reason=close_reason)
        for (number, st, received, municipality, language, coordinator, closed, close_reason,
             data) in rows
    ]


# --- the intake ledger ---------------------------------------------------------------

_LEDGER = ("SELECT id, file_name, sha256, received_at, outcome, cases, codes, reason, "
           "closed_at, placed, documents FROM intake_ledger")


def ledger_entries(
    query: Query, *, outcome: str | None = None, limit: int | None = None
) -> list[LedgerEntry]:
    """Ledger entries, newest first; only one outcome and the newest `limit` if given."""
    sql, params = _LEDGER, dict[str, object]()
    if outcome is not None:
        sql += " WHERE outcome = :outcome"
        params["outcome"] = outcome
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [
        LedgerEntry(id=id_, file_name=file_name, sha256=sha256,
                    received_at=_when(received) or dt.datetime.min, outcome=out,
                    cases=list(_json(cases) or []), codes=list(_json(codes) or []),
                    reason=reason, closed_at=_when(closed), placed=placed,
                    documents=tuple(_json(documents) or ()))
        for (id_, file_name, sha256, received, out, cases, codes, reason, closed, placed,
             documents) in query(sql, params)
    ]


# --- a local register at the newest schema, without SQLAlchemy -------------------------

_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision\s*=\s*(?:["\']([^"\']+)["\']|None)', re.M)


def head_revision(folder: Path = _VERSIONS) -> str | None:
    """The newest migration's id, read from the migration files' `revision` and
    `down_revision` lines without loading alembic; None unless there is exactly one head
    (a branched history is left to alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev = _REVISION.search(text)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(text)
        if down is None:  # a tuple (a merge) or anything unusual: let alembic decide
            return None
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///<path>` URL (what `Settings.db_url` makes); None
    for any other URL, which then goes the whole way through SQLAlchemy."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            # SQLAlchemy decodes %xx in the path: such a URL goes its way, not ours.
            if rest and not {"?", "%"} & set(rest) and rest != ":memory:":
                return Path(rest)
    return None


@contextmanager
def local_reader(url: str) -> Iterator[Query | None]:
    """A `Query` on a local SQLite register that already exists at the newest schema,
    in one read transaction; None when the register must be opened the whole way
    (another database, a missing file, an older schema, any error opening it)."""
    path = sqlite_file(url)
    head = head_revision() if path is not None else None
    if path is None or head is None or not path.is_file():
        yield None
        return
    try:
        # mode=rw: never create a register here; isolation_level=None: BEGIN is ours.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                               timeout=30, isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    try:
        try:
            conn.execute("BEGIN")
            at = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.Error:
            at = []
        if at != [(head,)]:
            yield None
            return
        yield lambda sql, params: conn.execute(sql, params).fetchall()
    finally:
        conn.close()  # a read transaction: closing ends it
