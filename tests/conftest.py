"""Shared fixtures: synthetic data only (invented names, valid isikukoods)."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.testing
from sqlalchemy.orm import Session, sessionmaker

from pipeline import process
from pipeline.config import Layout, Limits, Settings
from pipeline.model.referral import Referral
from pipeline.register.db import make_engine, migrate
from pipeline.register.testing import ENV, PgServer, backends, sqlite_url
from pipeline.samples import sample_referral

# typer's CliRunner builds the whole command tree again on every invoke (70 commands'
# signatures, each type hint evaluated: about 60 ms, a fifth of a CLI-driven test's time).
# The tree is fixed once `pipeline.cli` is imported, so it is built once per app.
typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]


@pytest.fixture
def referral() -> Referral:
    return sample_referral()


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 24)


# --- register databases: SQLite always, PostgreSQL when PLR_TEST_DATABASE_URL is set ---


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    """One throw-away PostgreSQL database for the run, dropped at the end (or None)."""
    server = PgServer(os.environ[ENV]) if os.environ.get(ENV) else None
    yield server
    if server is not None:
        server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite register migrated to the newest schema by `migrate`, once per test
    process: each test's register is a copy of it (a few milliseconds, where running the
    migrations again took a tenth of a second). The migrations themselves are tested on
    their own (`test_register_migrations.py`)."""
    folder = tmp_path_factory.mktemp("register-template")
    url = sqlite_url(folder)
    (folder / "data").mkdir(mode=0o700)
    engine = make_engine(url)
    migrate(url, engine=engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return folder / "data" / "plr.sqlite3"


def fresh_sqlite(template: Path, home: Path) -> str:
    """A copy of the migrated template as the register of `home`."""
    data = home / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    target = data / "plr.sqlite3"
    if not target.exists():
        shutil.copyfile(template, target)
        target.chmod(0o600)
    return sqlite_url(home)


@pytest.fixture(params=backends())
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path,
                 pg_server: PgServer | None) -> str:
    """A register database with nothing in it, not even the schema (for the migrations)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    assert pg_server is not None
    return pg_server.fresh_url()


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_server: PgServer | None,
           sqlite_template: Path) -> str:
    """An empty register database per test: a file in tmp_path, or a fresh schema."""
    if request.param == "sqlite":
        return fresh_sqlite(sqlite_template, tmp_path)
    assert pg_server is not None
    return pg_server.fresh_url()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """An ORM session on a migrated, empty register database."""
    engine = make_engine(db_url)
    migrate(db_url, engine=engine)
    with sessionmaker(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def ctx(tmp_path: Path, sqlite_template: Path) -> process.Context:
    """A pipeline worker's context on a fresh home folder and SQLite register."""
    settings = Settings(home=tmp_path, database_url=None)
    Layout(tmp_path).ensure()
    fresh_sqlite(sqlite_template, tmp_path)
    return process.make_context(settings)


# --- running in parallel (pytest-xdist, `make test`) ----------------------------------------------

# Tests that start real watcher processes and wait on their logs and files: they run one
# after another on one xdist worker (`--dist loadgroup`), so two of them never compete
# for the two cores with each other; every other test is independent and runs beside them.
# (xdist hands out the biggest group first, so this one starts at once.)
_SERIAL_MODULES = {"test_watch_e2e.py", "test_watch_outage.py"}
# Modules whose expensive fixtures (scanned pages read by OCR, LibreOffice conversions, one
# `plr run` and one browser for the web end-to-end tests) are made once per module: on one
# worker, they are made once, not once on each.
_SHARED_SETUP = {"test_read_scan.py", "test_read_convert.py", "test_web_e2e.py"}

# Modules with tests of tens of seconds each (browsers, the README's day, a year of cases,
# OCR, LibreOffice, many processes at once), longest first. xdist hands tests out in
# collection order, so these start first and the short ones fill the gaps at the end;
# in alphabetical order the browser tests came last and one worker ran them alone.
_LONG_FIRST = [
    "test_web_e2e.py", "test_readme_example.py", "test_reporting_figures.py", "test_web.py",
    "test_register_concurrency.py", "test_intake_slow_copy.py", "test_read_scan.py",
    "test_read_convert.py", "test_intake_hostile.py", "test_deliver_mail.py", "test_corpus.py",
    "test_read_signatures.py",
]


# tryfirst: the marks must be there before xdist's worker turns each `xdist_group` mark
# into the node id's "@group" suffix, in its own hook of this name.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in _SERIAL_MODULES:
            item.add_marker(pytest.mark.xdist_group("watcher"))
        elif item.path.name in _SHARED_SETUP:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    rank = {name: i for i, name in enumerate(_LONG_FIRST)}
    # A stable sort by module: each module's tests stay together and in their own order.
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported (nearly every library) stays for the whole run: frozen, it
    is not walked again by each full collection, and young objects are collected less
    often. The collector took about 11 s of each worker's run before (issue 11)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse `--dist loadgroup` where it silently ignores every group: pytest 9.2's node
    ids with xdist 3.8 (pytest-xdist#1386). The watcher tests would then compete with each
    other, and each grouped module would build its expensive fixture on every worker."""
    if (config.getoption("dist", None) == "loadgroup" and not hasattr(config, "workerinput")
            and _version("pytest") >= (9, 2) and _version("pytest-xdist") < (3, 9)):
        raise pytest.UsageError(
            "pytest 9.2 with pytest-xdist 3.8 ignores the tests' xdist_group marks; "
            "install the versions pyproject.toml asks for (`make test` does).")


def _version(dist: str) -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(p) for p in version(dist).split(".")[:2] if p.isdigit())


@pytest.hookimpl(optionalhook=True)  # a run with `-p no:xdist` has no such hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker more than there are cores.

    About a third of the suite's wall time is spent waiting, not computing (watcher
    stability waits and polls, browsers, subprocess start-ups, slow-copy pauses); a
    spare worker runs CPU-bound tests in those gaps. PYTEST_XDIST_AUTO_NUM_WORKERS
    still overrides it, as in xdist itself.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return (os.cpu_count() or 1) + 1
