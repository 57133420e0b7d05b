"""Throw-away databases for the register's tests (SQLite always, PostgreSQL when asked).

`PLR_TEST_DATABASE_URL` names a PostgreSQL server the tests may use (for
example `postgresql+psycopg://postgres@127.0.0.1:5432/postgres`). The tests
create their own database on it, give each test a fresh schema, and drop the
database at the end, so nothing is left behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.model.referral import Referral

ENV = "PLR_TEST_DATABASE_URL"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(ENV) else ["sqlite"]


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{(folder / 'data' / 'plr.sqlite3').resolve()}"


class PgServer:
    """One throw-away database on the test server; one schema per test."""

    def __init__(self, base_url: str) -> None:
        self.base = make_url(base_url)
        self.name = f"plr_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{self.name}"'))
        self._db = create_engine(self.base.set(database=self.name), isolation_level="AUTOCOMMIT")

    def fresh_url(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._db.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = self.base.set(database=self.name).render_as_string(hide_password=False)
        return f"{url}?options={quote(f'-csearch_path={schema}')}"

    def close(self) -> None:
        self._db.dispose()
        with self._admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


def register_worker(url: str, worker: int, count: int, start: Any, errors: Any) -> None:
    """A separate process registering `count` cases as soon as `start` is set.

    Used by the concurrency test and the benchmark; each case has its own
    child and referrer, so none is a re-send of another.
    """
    import datetime as dt

    from sqlalchemy.orm import sessionmaker

    from pipeline.register.cases import register_referral
    from pipeline.register.db import make_engine, transaction
    from pipeline.samples import sample_referral

    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    referrals = [distinct_referral(sample_referral(), worker, i) for i in range(count)]
    start.wait()
    for i, referral in enumerate(referrals):
        try:
            with transaction(factory) as session:
                register_referral(
                    session=session, referral=referral, warnings=[],
                    source_file=f"w{worker}-{i}.pdf", sha256=f"{worker:032x}{i:032x}",
                    received_at=dt.datetime(2026, 11, 24, 12, 0),
                )
        except Exception as exc:  # reported to the test, which fails on any
            errors.put(f"{type(exc).__name__}: {exc}")
    engine.dispose()


def distinct_referral(referral: Referral, worker: int, i: int) -> Referral:
    child = referral.children[0].model_copy(
        update={"id_code": None, "name": f"Laps {worker}-{i}"}
    )
    referrer = referral.referrer.model_copy(update={"email": f"suunaja{worker}.{i}@example.ee"})
    return referral.model_copy(update={"children": [child], "referrer": referrer})
