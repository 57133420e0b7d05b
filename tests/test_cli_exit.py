"""How `plr` leaves (`pipeline.cli._leave`): everything exit must do is done, the
interpreter's teardown of every module afterwards is skipped, and with another thread
still running the ordinary exit waits for it. Each case is a real `plr` or Python process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A command's last moments, as a `plr` command has them: an atexit handler, a thread, an
# exit status; then `_leave` as `plr`'s entry point calls it.
SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
from pipeline.cli import _leave
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("ran"))
if sys.argv[2] == "thread":
    def late() -> None:
        time.sleep(0.5)
        (out / "thread").write_text("finished")
    threading.Thread(target=late).start()
class Kept:  # alive until the interpreter's teardown, which alone would call this
    def __del__(self) -> None:
        (out / "teardown").write_text("ran")
kept = Kept()
print("printed, not yet flushed", end="")
_leave({code})
"""


def _run(tmp_path: Path, mode: str, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", SCRIPT.format(code=code), str(tmp_path), mode],
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("code", ["0", "3", "None"])
def test_cli_exit_runs_atexit_flushes_and_keeps_the_status(tmp_path: Path, code: str) -> None:
    run = _run(tmp_path, "plain", code)
    assert run.returncode == (0 if code == "None" else int(code)), run.stderr
    assert run.stdout == "printed, not yet flushed"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_cli_exit_skips_the_interpreters_teardown(tmp_path: Path) -> None:
    run = _run(tmp_path, "plain", "0")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "teardown").exists()  # the modules were not torn down one by one
    # With a thread still running the ordinary exit is taken, teardown and all.
    assert _run(tmp_path, "thread", "0").returncode == 0
    assert (tmp_path / "teardown").read_text() == "ran"


def test_cli_exit_waits_for_a_running_thread(tmp_path: Path) -> None:
    run = _run(tmp_path, "thread", "0")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "thread").read_text() == "finished"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_cli_exit_with_a_message_prints_it_and_fails(tmp_path: Path) -> None:
    run = _run(tmp_path, "plain", "'Registrit ei leitud.'")
    assert run.returncode == 1
    assert "Registrit ei leitud." in run.stderr


def test_cli_exit_after_a_watch_leaves_the_register_whole(tmp_path: Path) -> None:
    """`plr watch --once` on one referral: registered, and the register's connections were
    closed before the process left (SQLite folded its write-ahead log into the file)."""
    from test_watch_e2e import form

    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "suunamine.docx").write_bytes(form(7))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    env.update(PLR_HOME=str(home), PLR_STABLE_SECONDS="0", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "pipeline", "watch", "--once", "--log-json"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert '"event": "watch_stopped"' in run.stderr  # logging flushed its last line
    data = home / "data"
    assert (data / "plr.sqlite3").exists()
    assert not (data / "plr.sqlite3-wal").exists(), sorted(p.name for p in data.iterdir())
    assert len(list((home / "archive").iterdir())) == 1
