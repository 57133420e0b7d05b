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


def test_cli_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "PLR_DATABASE_URL": "postgresql+psycopg://plr:salajane@127.0.0.1:1/x"}
    for args in (["watch", "--once"], ["cases"], ["intake", "--json"]):
        result = subprocess.run([sys.executable, "-m", "pipeline", *args, "--home", str(tmp_path)],
                                capture_output=True, text=True, timeout=120, env=env)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and "PLR_DATABASE_URL" in result.stderr
        assert "salajane" not in result.stderr + result.stdout  # never the password


def test_cli_damaged_sqlite_register_names_sqlites_reason(tmp_path: Path) -> None:
    """A register file that is not a database says so in SQLite's words, and fast."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "plr.sqlite3").write_bytes(b"not a database at all, " * 200)
    result = subprocess.run([sys.executable, "-m", "pipeline", "cases", "--home", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "file is not a database" in result.stderr and "PLR_DATABASE_URL" in result.stderr


def test_cli_console_width_follows_columns_at_each_run() -> None:
    # The commands are imported lazily: the console may be made while another width is set.
    script = ("import os\n"
              "os.environ['COLUMNS'] = '80'\n"
              "from pipeline.cli import common\n"
              "os.environ['COLUMNS'] = '200'\n"
              "print(common.console.width, common.err_console.width)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["200", "200"]
