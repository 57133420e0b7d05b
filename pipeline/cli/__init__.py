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
        code: object = 0  # (typer's app always ends in SystemExit)
    except KeyboardInterrupt:
        sys.stderr.write("Katkestatud.\n")
        code = 130
    except SystemExit as exc:
        code = exc.code
    _leave(code)


def _leave(code: object) -> None:
    """Exit with `code` once everything that must happen at exit has happened, without
    the interpreter's teardown of every module and object afterwards: after a watcher's
    run (the readers, renderers and the register imported) that teardown took a third of
    a second of CPU that nobody waited for, on every `plr watch --once` from cron.

    What exit does that matters still runs: the register's connections are closed (SQLite
    folds its write-ahead log back into the database file), the atexit handlers run
    (logging's flush, multiprocessing's children, the kept reader child, temporary
    folders), and the standard streams are flushed. With any other thread still running,
    or a message as the exit status, the ordinary exit is taken, which waits for them."""
    import atexit
    import contextlib
    import threading

    # CPython's own (what its exit calls); where it is missing, the ordinary exit.
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    others = [t for t in threading.enumerate()
              if t is not threading.main_thread() and not t.daemon]
    status = 0 if code is None else code
    if not isinstance(status, int) or others or run_exitfuncs is None:
        raise SystemExit(code)
    db = sys.modules.get("pipeline.register.db")
    if db is not None:
        db.dispose_engines()
    run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`plr cases | head`): what was written is all there is.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
