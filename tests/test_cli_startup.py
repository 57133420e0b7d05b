"""A command line that starts fast and stops quietly: `--help` loads none of the heavy
libraries, and Ctrl-C at any moment (start-up included) ends without a traceback."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# pydantic too: typer 0.29 builds its pydantic adapters only for an option given a value
# (`pipeline.cli.common._no_adapter_for_a_missing_value`).
HEAVY = ("sqlalchemy", "pydantic", "pydantic_core", "pydantic_settings", "docxtpl", "docx",
         "pdfplumber", "pypdf", "alembic", "jinja2", "extract_msg", "reportlab", "watchdog")


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


# A real `plr cases` / `plr intake` on a register at the newest schema (issue 8: they start
# in under 0.4 s): none of the ORM, the migration tool, the readers, the renderer or the
# web app, no pydantic (neither typer's option adapters nor the settings class: the light
# settings of `pipeline.config_light`), not rich's table (the listing prints its own); of
# our own modules only the light settings and the light listing beyond `plr --help`.
RUN_HEAVY = ("sqlalchemy", "alembic", "psycopg", "docxtpl", "docx", "pdfplumber", "pypdf",
             "litestar", "jinja2", "reportlab", "extract_msg", "tnefparse", "watchdog",
             "openpyxl", "matplotlib", "PIL", "pydantic", "pydantic_core",
             "pydantic_settings", "annotated_types")
RUN_HEAVY_PARTS = {"rich.table", "rich.markdown", "rich.syntax", "pipeline.config"}
RUN_OWN = {"pipeline.config_light", "pipeline.listing", "pipeline.register",
           "pipeline.register.reads"}


def _loaded(args: list[str], home: Path) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", *args],
                         env=_env(home), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip()
            for line in run.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("command", ["cases", "intake"])
def test_cli_listing_loads_no_heavy_module(command: str, tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.register import ledger
    from pipeline.register.cases import register_referral
    from pipeline.register.db import session_factory
    from pipeline.samples import sample_referral

    with session_factory(Settings(home=tmp_path, database_url=None))() as s:
        register_referral(session=s, referral=sample_referral(), warnings=[],
                          source_file="a.pdf", sha256="a" * 64,
                          received_at=dt.datetime(2026, 11, 20, 9))
        ledger.record_arrival(session=s, file_name="a.pdf", sha256="a" * 64,
                              received_at=dt.datetime(2026, 11, 20, 9))
        s.commit()
    loaded = _loaded([command], tmp_path)
    heavy = {m for m in loaded if m.split(".")[0] in RUN_HEAVY} | (loaded & RUN_HEAVY_PARTS)
    own = {m for m in loaded - _loaded(["--help"], tmp_path) if m.startswith("pipeline")}
    assert not heavy, sorted(heavy)
    assert own <= RUN_OWN, sorted(own - RUN_OWN)
    # ... and it really read the register: the case or the file is listed.
    run = subprocess.run([sys.executable, "-m", "pipeline", command, "--json"],
                         env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert ("PLR-2026-0001" if command == "cases" else "a.pdf") in run.stdout
