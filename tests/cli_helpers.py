"""Running `plr` in-process for tests that drive cases through the real commands."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

# The meetings are booked ahead (no clock to move): steps after them are recorded early.
EARLY = ("--force", "--reason", "testis salvestatud enne broneeritud aega")


def plr(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def ok(home: Path, *args: str) -> str:
    code, out = plr(home, *args)
    assert code == 0, (args, out)
    return out
