"""The register goes away while `plr watch` runs (a real PostgreSQL server behind a link
that the test cuts): files wait, claimed and safe, and finish once it is back."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from netcut import Link
from sqlalchemy.engine import make_url
from test_watch_e2e import (
    PLR,
    env,
    form,
    ledger_at,
    placed,
    read_until,
    start,
    wait_for,
)

from pipeline.register.testing import PgServer


@pytest.fixture
def link_url(pg_server: PgServer | None) -> tuple[Link, str]:
    if pg_server is None:
        pytest.skip("needs a PostgreSQL server (PLR_TEST_DATABASE_URL)")
    url = make_url(pg_server.fresh_url())
    link = Link((url.host or "127.0.0.1", url.port or 5432))
    yield link, url.set(host="127.0.0.1", port=link.port).render_as_string(  # type: ignore[misc]
        hide_password=False)
    link.close()


def waiting_files(home: Path) -> list[Path]:
    return [p for p in (home / "processing").rglob("*.docx") if p.is_file()]


@pytest.mark.slow
def test_watch_register_down_files_wait_then_finish_once(
    tmp_path: Path, link_url: tuple[Link, str]
) -> None:
    link, url = link_url
    home = tmp_path / "home"
    proc = start(home, "--workers", "1", PLR_DATABASE_URL=url, PLR_DB_RETRY_SECONDS="0.5")
    log = ""
    try:
        log = read_until(proc, "watch_started")
        link.cut()
        for i in range(3):
            (home / "inbox" / f"o{i}.docx").write_bytes(form(400 + i))
        wait_for(lambda: len(waiting_files(home)) == 3, timeout=60)
        log += read_until(proc, '"register_unreachable"', 6)  # each file tried twice at least
        assert proc.poll() is None, "the watcher keeps running"
        assert placed(home) == []  # nothing quarantined or archived while the register is down
        link.restore()
        wait_for(lambda: len(placed(home)) == 3, timeout=120)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest[-2000:]
    rows = ledger_at(url)
    assert sorted(o for _, o, _ in rows) == ["registered"] * 3
    assert len({n for _, _, cases in rows for n in cases}) == 3
    assert waiting_files(home) == []
    assert "Traceback" not in log + rest


@pytest.mark.slow
def test_watch_once_register_down_exits_with_reason_and_next_run_finishes(
    tmp_path: Path, link_url: tuple[Link, str]
) -> None:
    link, url = link_url
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    for i in range(3):
        (home / "inbox" / f"c{i}.docx").write_bytes(form(500 + i))
    e = env(home, PLR_DATABASE_URL=url, PLR_DB_RETRY_SECONDS="0.5")
    proc = subprocess.Popen([*PLR, "watch", "--once", "--log-json", "--workers", "1"], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    read_until(proc, "watch_started")  # files are taken only once they have settled
    link.cut()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err[-2000:]
    assert "3 faili jäid ootama kausta processing/" in err and "Traceback" not in err
    assert len(waiting_files(home)) == 3 and placed(home) == []
    link.restore()
    again = subprocess.run([*PLR, "watch", "--once", "--log-json"], env=e,
                           capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-2000:]
    rows = ledger_at(url)
    assert sorted(o for _, o, _ in rows) == ["registered"] * 3
    assert waiting_files(home) == [] and len(placed(home)) == 3
