"""What every command shares: `--home`, settings, turning errors into exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from pipeline.errors import PipelineError

if TYPE_CHECKING:  # pydantic-settings is loaded when a command runs, not for --help
    from pipeline.config import Settings

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)

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


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a PipelineError into a one-line message and its exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PipelineError as exc:
            err_console.print(f"[bold red]Viga:[/] {exc.message}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("Katkestatud.")
            raise typer.Exit(130) from None
        except OSError as exc:
            err_console.print(f"[bold red]Viga:[/] {exc.strerror or exc}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def write_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
