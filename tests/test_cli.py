"""The command line as a whole: every command has help, wrong use never shows a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import typer.main

from pipeline.cli import app


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    if hasattr(group, "commands"):
        for name, cmd in group.commands.items():
            out += _commands(cmd, (*prefix, name))
    return out


def plr(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_every_command_has_help() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root)
    assert ("extract",) in commands
    for path in commands:
        cmd: Any = root
        for name in path:
            cmd = cmd.commands[name]
        assert (cmd.help or "").strip(), f"plr {' '.join(path)} has no help text"
    result = plr("extract", "--help")
    assert result.returncode == 0 and "FILE" in result.stdout.upper()


def test_cli_unknown_command_is_a_clear_error() -> None:
    result = plr("no-such-command")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "no-such-command" in result.stderr


def test_cli_extract_missing_file_exit_2(tmp_path: Path) -> None:
    result = plr("extract", str(tmp_path / "puudub.pdf"), "--json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert '"error"' in result.stdout
