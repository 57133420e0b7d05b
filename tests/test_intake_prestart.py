"""The watcher starts its pool's fork server first thing, and only when it will need it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# In a process of its own: the fork server is per process, and outlives nothing of ours.
PROBE = """
import os, sys, time
from pathlib import Path
from pipeline.config_light import Layout
from pipeline.intake.prestart import start_early

start_early(Layout(Path(sys.argv[1])), once=sys.argv[2] == "once")
time.sleep(0.3)  # the server's interpreter has replaced the forked one by now
me = str(os.getpid())
servers = 0
for p in Path("/proc").iterdir():
    try:
        if p.name.isdigit() and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
            servers += b"multiprocessing.forkserver" in (p / "cmdline").read_bytes()
    except OSError:
        pass
print(servers)
"""


def servers_started(home: Path, mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, str(home), mode], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.split()[-1])


@pytest.mark.parametrize(("waiting", "mode", "expected"), [
    ({}, "once", 0),  # cron on an empty inbox: no server, no worker
    ({"inbox/.kopeerin.part": b"x"}, "once", 0),  # only a hidden file still being written
    ({"inbox/suunamine.docx": b"x"}, "once", 1),
    ({"processing/20261203T101500-1a2b3c4d__a.docx": b"x"}, "once", 1),  # left by a crash
    ({}, "watch", 1),  # a watcher that keeps watching starts its pool at once anyway
], ids=["once-empty", "once-hidden-only", "once-inbox", "once-processing", "watch"])
def test_prestart_starts_the_fork_server_only_when_workers_will_be_needed(
    tmp_path: Path, waiting: dict[str, bytes], mode: str, expected: int
) -> None:
    for folder in ("inbox", "processing"):
        (tmp_path / folder).mkdir()
    for name, data in waiting.items():
        (tmp_path / name).write_bytes(data)
    assert servers_started(tmp_path, mode) == expected
