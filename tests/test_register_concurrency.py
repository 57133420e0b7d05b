"""Several real processes register cases at the same time (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from pipeline.config import Settings
from pipeline.register.db import make_engine, migrate, session_factory
from pipeline.register.tables import Case
from pipeline.register.testing import register_worker, sqlite_url

WORKERS = 4
PER_WORKER = 25


def _open_in_process(url: str, start: Any, errors: Any) -> None:
    start.wait(60)
    try:
        session_factory(Settings(database_url=url))
    except Exception as exc:  # reported to the test, which names it
        errors.put(f"{type(exc).__name__}: {exc}")


# Forked, not spawned: each child opens its own engine on the URL, as a watcher's process
# does, and a spawned child spent over a second importing before it reached the starting
# line (24 of them in one test). Nothing of the parent's register is open in it.
CTX = mp.get_context("fork")


def _open_at_once(url: str, n: int) -> list[str]:
    """`n` processes open (and so set up) the register at the same moment."""
    start, errors = CTX.Event(), CTX.Queue()
    procs = [CTX.Process(target=_open_in_process, args=(url, start, errors))
             for _ in range(n)]
    for p in procs:
        p.start()
    time.sleep(0.2)  # let every child reach the starting line
    start.set()
    for p in procs:
        p.join(120)
    problems = [f"exit {p.exitcode}" for p in procs if p.exitcode != 0]
    while not errors.empty():
        problems.append(errors.get())
    return problems


def test_concurrency_migrations_from_several_processes(empty_db_url: str) -> None:
    assert _open_at_once(empty_db_url, 4) == []


def test_concurrency_fresh_sqlite_files_opened_at_once_never_lock(tmp_path: Path) -> None:
    """Watchers and their workers starting together on a register that does not exist yet
    (the two-watcher CI run once met "database is locked" here)."""
    for round_ in range(4):
        url = sqlite_url(tmp_path / str(round_))
        assert _open_at_once(url, 6) == []
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        engine.dispose()


def test_concurrency_processes_register_without_gaps_or_locks(db_url: str) -> None:
    migrate(db_url)
    start, errors = CTX.Event(), CTX.Queue()
    procs = [
        CTX.Process(target=register_worker, args=(db_url, w, PER_WORKER, start, errors))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(300)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [p.exitcode for p in procs] == [0] * WORKERS

    engine = make_engine(db_url)
    with sessionmaker(engine)() as s:
        rows = s.execute(select(Case.number, Case.seq).order_by(Case.seq)).all()
    engine.dispose()
    total = WORKERS * PER_WORKER
    assert len(rows) == total  # no lost case
    assert [seq for _, seq in rows] == list(range(1, total + 1))  # no gap, no repeat
    assert len({n for n, _ in rows}) == total
