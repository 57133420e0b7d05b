"""What every command shares: `--home`, settings, turning errors into exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from pipeline.errors import PipelineError
from pipeline.i18n import t

if TYPE_CHECKING:  # pydantic-settings is loaded when a command runs, not for --help
    from pipeline.config import Settings
    from pipeline.config_light import ListingSettings

P = ParamSpec("P")
R = TypeVar("R")

def _flags_without_type() -> None:
    """Typer 0.29 prints `<bool>` beside every on/off flag (`--json <bool>`), which reads
    as if the flag took a value; a flag shows no type, as in every other CLI."""
    from typer.core import TyperOption

    original = TyperOption.display_type_rich
    if getattr(original, "_plr_patched", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else original(self, ctx)

    display_type_rich._plr_patched = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _no_adapter_for_a_missing_value() -> None:
    """Typer 0.29 builds a pydantic TypeAdapter for each option before it coerces the
    option's value, even a value not given (None), which it then passes through unlooked
    at. Importing pydantic for that costs `plr cases` a third of its start (issue 8), so
    an option left out is given None (or `()`) as typer's own coercion gives it; a value
    given still goes through typer's adapter, built on first use."""
    from typer import core

    original = core._TyperParameter.get_runtime_param
    if getattr(original, "_plr_patched", False):
        return

    class Deferred:
        def coerce(self, value: Any, param: core._TyperParameter, ctx: Any) -> Any:
            if value is None:  # typer's RuntimeParam.coerce, its first branch
                return () if param.multiple or param.nargs == -1 else None
            return original(param).coerce(value, param=param, ctx=ctx)

    deferred = Deferred()

    def get_runtime_param(self: core._TyperParameter) -> Any:
        return self._runtime_param if self._runtime_param is not None else deferred

    get_runtime_param._plr_patched = True  # type: ignore[attr-defined]
    core._TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


_flags_without_type()
_no_adapter_for_a_missing_value()


def _console(*, stderr: bool = False) -> Console:
    # Rich fixes the width when COLUMNS is set at construction; reading it on each print
    # instead lets one process run commands at different widths (a test's CliRunner env, a
    # terminal resized between runs) — the commands are imported lazily, at any moment.
    made = Console(stderr=stderr)
    made._width = None
    return made


console = _console()
err_console = _console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Töökaust, kus on postkast (inbox/), väljundkaust (outbox/) ja andmed (data/). "
        "Vaikimisi $PLR_HOME; kui see pole määratud, siis praegune kaust.",
        show_default=False,
    ),
]


def settings(home: Path | None) -> Settings:
    """Build settings once per command, from the environment and --home."""
    from pipeline.config import Settings

    return Settings().with_home(home)


def listing_settings(home: Path | None) -> ListingSettings:
    """What `plr cases` and `plr intake` read of the settings, without pydantic (issue 8)."""
    from pipeline.config_light import listing_settings

    return listing_settings(home)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a PipelineError into a one-line message and its exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PipelineError as exc:
            err_console.print(f"[bold red]{t(_lang(), 'error.prefix')}:[/] {exc.text(_lang())}",
                              highlight=False)
            raise typer.Exit(exit_code(exc)) from None
        except KeyboardInterrupt:
            err_console.print(t(_lang(), "msg.cancelled"))
            raise typer.Exit(130) from None
        except OSError as exc:
            err_console.print(f"[bold red]{t(_lang(), 'error.prefix')}:[/] {os_message(exc)}",
                              highlight=False)
            raise typer.Exit(EXIT_USAGE) from None

    return wrapper


# The exit codes, one table (README "Exit codes"): 0 done, 1 a form read with errors
# (`plr extract`), 2 bad input (a malformed value, a missing file), 3 not found, 4 refused
# by the process, 130 interrupted.
EXIT_USAGE, EXIT_NOT_FOUND, EXIT_REFUSED = 2, 3, 4
# Malformed input reported by a NotFound-style lookup is still bad input.
_USAGE_CODES = frozenset({"bad_number", "bad_case_number"})


def exit_code(exc: PipelineError) -> int:
    return EXIT_USAGE if exc.code in _USAGE_CODES else exc.exit_code


def _lang() -> str:
    import os

    return os.environ.get("PLR_LANG", "et")


def os_message(exc: OSError) -> str:
    """A file problem in the user's language, naming the file."""
    import errno

    name = exc.filename if exc.filename is not None else ""
    lang = _lang()
    if exc.errno == errno.ENOENT:
        return t(lang, "error.no_file", file=name)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return t(lang, "error.no_access", file=name)
    return t(lang, "error.os", file=name, reason=exc.strerror or type(exc).__name__)


def write_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
