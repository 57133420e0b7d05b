"""The `plr` command line: each command parses, calls one function, maps errors.

Commands live in small modules beside this one; each module has a
`register(app)` function that adds its commands to the app.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted(_signum: int, _frame: FrameType | None) -> None:
    # Ctrl-C: a word, exit status 130, no traceback. Leaving at once is safe: an open
    # transaction is rolled back by the database, files are written whole or not at all,
    # and `plr watch` puts its own handler in place before it claims anything. An
    # exception raised here could land inside a half-done import and surface as another.
    os.write(2, b"Katkestatud.\n")  # not sys.stderr: it may be mid-write
    os._exit(130)


_previous_sigint = signal.signal(signal.SIGINT, _interrupted)

import importlib  # noqa: E402  (after the handler: Ctrl-C during start-up stays quiet)

import typer  # noqa: E402

app = typer.Typer(
    name="plr",
    help="Pere lahendusringi dokumenditöötlus: suunamised, juhtumid, dokumendid.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its own commands; a module not yet present is skipped
# so that the command line keeps working while parts are being built.
_MODULES = ("extract", "forms", "cases", "documents", "watch", "reports", "web")


def _load() -> None:
    for name in _MODULES:
        try:
            mod = importlib.import_module(f"pipeline.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pipeline.cli.{name}":
                raise
            continue
        mod.register(app)


@app.callback()
def _root() -> None:
    """Pere lahendusringi dokumenditöötlus: suunamised, juhtumid, dokumendid."""


_load()
signal.signal(signal.SIGINT, _previous_sigint)  # commands handle KeyboardInterrupt themselves


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Katkestatud.\n")
        raise SystemExit(130) from None
