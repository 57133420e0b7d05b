"""A command line that starts fast and stops quietly: `--help` loads none of the heavy
libraries, and Ctrl-C at any moment (start-up included) ends without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# pydantic itself is not listed: typer loads it to build a command's options (its own
# adapters), which is the price of typer, not of this project.
HEAVY = ("sqlalchemy", "pydantic_settings", "docxtpl", "docx", "pdfplumber",
         "pypdf", "alembic", "jinja2", "extract_msg", "reportlab", "watchdog")


def _env(home: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    e["PLR_HOME"] = str(home)
    return e


@pytest.mark.parametrize("args", [["--help"], ["cases", "--help"], ["intake", "--help"],
                                  ["case", "--help"], ["preview", "--help"]])
def test_cli_help_loads_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", *args],
                         env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0]
              for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.slow
# Measured from the moment the `pipeline` package is loaded (the line `-X importtime`
# prints for it): before that the Python interpreter itself is still starting (site),
# which no program can make quiet; from the first line of `pipeline.cli` on, Ctrl-C is ours.
@pytest.mark.parametrize("delay", [0.01, 0.05, 0.15, 0.3, 0.6, 1.0, 2.0, 3.5])
def test_cli_ctrl_c_at_any_moment_ends_without_traceback(delay: float, tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "pipeline", "cases"],
                            env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = ""
    while not seen.rstrip().endswith("| pipeline"):
        line = proc.stderr.readline()
        assert line, seen[-2000:]
        seen = line
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err[-3000:]
    # 0: it had finished; -SIGINT: it was already past the end (the interpreter restores
    # the default handler while it shuts down), quiet as well.
    assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err[-2000:])
    if proc.returncode == 130:
        assert "Katkestatud." in err
