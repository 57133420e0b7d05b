"""`plr run`: the watcher child ends with the web app, whichever way it is stopped."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

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


def test_cli_run_sigterm_stops_the_watcher_too(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        watchers = []
        deadline = time.monotonic() + 30
        while not watchers and time.monotonic() < deadline:
            watchers = [c for c in _children(server.proc.pid)
                        if b"watch" in Path(f"/proc/{c}/cmdline").read_bytes()]
            time.sleep(0.2)
        assert watchers, server.log.read_text()
        os.kill(server.proc.pid, signal.SIGTERM)
        server.proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while not all(_gone(w) for w in watchers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(w) for w in watchers), "the watcher outlived plr run"
