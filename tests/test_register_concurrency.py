"""Several real processes register cases at the same time (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from pipeline.register.db import make_engine, migrate
from pipeline.register.tables import Case
from pipeline.register.testing import register_worker

WORKERS = 4
PER_WORKER = 25


def _migrate_in_process(url: str) -> None:
    migrate(url)


def test_concurrency_migrations_from_several_processes(db_url: str) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_migrate_in_process, args=(db_url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]


def test_concurrency_processes_register_without_gaps_or_locks(db_url: str) -> None:
    migrate(db_url)
    ctx = mp.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=register_worker, args=(db_url, w, PER_WORKER, start, errors))
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
