"""`plr run`: the watcher child ends with the web app, whichever way it is stopped."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from web_e2e_helpers import running


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_cli_run_sigterm_stops_the_watcher_too(tmp_path: Path, sig: signal.Signals) -> None:
    """Also a SIGINT sent to `plr run` alone (`kill -INT`, a supervisor), not to its whole
    process group as Ctrl-C in a terminal is: the watcher must not be left running."""
    with running(tmp_path) as server:
        watchers = []
        deadline = time.monotonic() + 30
        while not watchers and time.monotonic() < deadline:
            watchers = [c for c in _children(server.proc.pid)
                        if b"watch" in Path(f"/proc/{c}/cmdline").read_bytes()]
            time.sleep(0.2)
        assert watchers, server.log.read_text()
        os.kill(server.proc.pid, sig)
        server.proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while not all(_gone(w) for w in watchers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(w) for w in watchers), "the watcher outlived plr run"


def test_cli_serve_prints_the_address_without_migration_lines(tmp_path: Path) -> None:
    """A fresh home: the register is created at start, quietly; the address and the
    one-time setup link are what the operator sees."""
    with running(tmp_path, "serve") as server, \
            urllib.request.urlopen(server.url + "/login", timeout=10) as r:
        assert r.status == 200
    text = server.log.read_text()
    assert "Veebirakendus: http://127.0.0.1:" in text and "/setup/" in text
    assert "alembic" not in text and "INFO" not in text, text


def test_cli_web_app_keeps_library_warnings_and_drops_their_info(tmp_path: Path) -> None:
    import io
    import logging

    from pipeline.config import Settings
    from pipeline.logging import setup
    from pipeline.web.app import create_app

    out = io.StringIO()
    setup(stream=out)
    create_app(Settings(home=tmp_path, database_url=None))
    migration = logging.getLogger("alembic.runtime.migration")
    assert not migration.isEnabledFor(logging.INFO)  # the web app left the root at WARNING
    migration.info("Running upgrade 0006 -> 0007")
    migration.warning("something to look at")
    text = out.getvalue()
    assert "Running upgrade" not in text
    assert "library_warning source=alembic" in text
