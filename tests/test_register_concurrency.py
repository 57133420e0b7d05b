"""Several real processes register cases at the same time (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from pipeline.register.db import make_engine, migrate
from pipeline.register.tables import Case
from pipeline.register.testing import ENV, PgServer, backends, register_worker, sqlite_url

WORKERS = 4
PER_WORKER = 25


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer | None]:
    server = PgServer(os.environ[ENV]) if os.environ.get(ENV) else None
    yield server
    if server is not None:
        server.close()


@pytest.fixture(params=backends())
def url(request: pytest.FixtureRequest, tmp_path: Path, pg: PgServer | None) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    assert pg is not None
    return pg.fresh_url()


def _migrate_in_process(url: str) -> None:
    migrate(url)


def test_concurrency_migrations_from_several_processes(url: str) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_migrate_in_process, args=(url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]


def test_concurrency_processes_register_without_gaps_or_locks(url: str) -> None:
    migrate(url)
    ctx = mp.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=register_worker, args=(url, w, PER_WORKER, start, errors))
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

    engine = make_engine(url)
    with sessionmaker(engine)() as s:
        rows = s.execute(select(Case.number, Case.seq).order_by(Case.seq)).all()
    engine.dispose()
    total = WORKERS * PER_WORKER
    assert len(rows) == total  # no lost case
    assert [seq for _, seq in rows] == list(range(1, total + 1))  # no gap, no repeat
    assert len({n for n, _ in rows}) == total
