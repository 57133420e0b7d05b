"""Engine and session factory for the case register; schema migrations at start-up.

SQLite (the default, one machine) and PostgreSQL (an office with several
watcher hosts) behave the same to callers:

- SQLite runs in WAL mode with a busy timeout, and every transaction starts
  with `BEGIN IMMEDIATE`. A deferred transaction that reads first and writes
  later fails at once with "database is locked" when another process wrote
  in between (the busy handler is not consulted then); taking the write lock
  at BEGIN makes writers queue behind each other instead.
- The database file and its folder are created owner-only (0600/0700): the
  register holds personal data about children.
- Processes that open a SQLite register at the same moment (two watchers, a
  watcher's workers, a CLI command) set it up one at a time under a lock file
  beside it: switching a fresh file to WAL upgrades a read lock to a write lock
  inside one statement, and SQLite answers "database is locked" at once there
  instead of waiting.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.config import Settings
from pipeline.errors import PipelineError
from pipeline.register.reads import Query, head_revision

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
# Tries at opening a local SQLite register before start-up gives up (about 5 s in all).
SETUP_ATTEMPTS = 4
# Key of the PostgreSQL advisory lock that serialises migrations between hosts.
_MIGRATION_LOCK = 0x504C52  # "PLR"


class DatabaseError(PipelineError):
    code = "database"


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) before SQLite does.

    SQLite creates its -wal and -shm files with the main file's permissions,
    so fixing the main file's mode covers them too.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, WAL + busy timeout + BEGIN IMMEDIATE."""
    path = _sqlite_path(url)
    if path is None and make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if path is not None:
        _prepare_sqlite_file(path)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL per process (pools are per engine)."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection of this process's engines (at exit: SQLite folds
    its write-ahead log into the database file when the last connection closes)."""
    for engine in list(_engines.values()):
        engine.dispose()


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the register named by `settings` (migrated to the newest schema).

    A register that cannot be reached or opened is a `DatabaseError` naming only the
    error class: a driver's message may quote the URL with its password."""
    url = settings.db_url
    local = _sqlite_path(url) is not None
    for attempt in range(SETUP_ATTEMPTS):
        try:
            engine = engine_for(url)
            migrate(url, engine=engine)
            return sessionmaker(engine, expire_on_commit=False)
        except OperationalError as exc:
            # A local file that is busy or briefly unreadable (another process setting it
            # up, a backup tool holding it) is tried again; a server that is down is not.
            if not local or attempt == SETUP_ATTEMPTS - 1:
                raise unreachable(exc) from None
            time.sleep(0.5 * (attempt + 1))
        except SQLAlchemyError as exc:
            raise unreachable(exc) from None
    raise AssertionError("unreachable")


def unreachable(exc: SQLAlchemyError) -> DatabaseError:
    # SQLite's own words ("database is locked", "unable to open database file") name no
    # secret and tell the office what to fix; a server driver's may quote the password.
    detail = type(exc).__name__
    orig = getattr(exc, "orig", None)
    if orig is not None and type(orig).__module__.startswith("sqlite3"):
        detail += f": {orig}"
    return DatabaseError.of("err.database", code="database", detail=detail)


def in_register(settings: Settings, step: Callable[[Session], T]) -> T:
    """Run `step` in one register transaction (retried while SQLite is busy)."""
    def once() -> T:
        with transaction(factory) as session:
            return step(session)

    try:
        factory = session_factory(settings)
        return with_retry(once)
    except SQLAlchemyError as exc:
        # Driver messages may quote row values: only the error class is named.
        raise unreachable(exc) from None


def query_on(session: Session) -> Query:
    """A `reads.Query` on `session`: the listings' plain SQL in its transaction."""
    return lambda sql, params: session.execute(text(sql), dict(params)).all()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


def with_retry(fn: Callable[[], T], *, attempts: int = 5) -> T:
    """Run `fn` (a whole transaction) again when SQLite still reports a lock.

    The busy timeout already waits 30 s; this is the last line so that
    "database is locked" never reaches a person.
    """
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if not is_locked(exc):
                raise
            if attempt == attempts - 1:
                raise DatabaseError.of("err.db_busy", code="db_busy") from None
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


_migrated: set[str] = set()


@contextmanager
def _setup_lock(url: str) -> Iterator[None]:
    """An exclusive lock, between processes on this host, on setting up a SQLite file."""
    path = _sqlite_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _at_head(engine: Engine) -> bool:
    """Whether the register already stands at the newest migration, by its version table
    (False when it has none yet, or the history has more than one head: alembic decides)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False  # a new register: no version table yet
    return [tuple(r) for r in rows] == [(head,)]


def migrate(url: str, *, engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision` (default: newest).

    Safe when several processes start at once: SQLite setup is serialised by a
    lock file (and BEGIN IMMEDIATE), PostgreSQL by a transaction-scoped advisory lock.
    """
    if revision == "head" and url in _migrated:
        return
    if revision == "head" and _at_head(engine or engine_for(url)):
        # Every process (the watcher, each worker, each command) opens the register; at
        # the newest schema there is nothing to do, and importing alembic to find that out
        # cost a third of a second of every start.
        _migrated.add(url)
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with _setup_lock(url):
        engine = engine or engine_for(url)
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    if revision == "head":
        _migrated.add(url)
