"""The `plr` command line: each command parses, calls one function, maps errors.

Commands live in small modules beside this one; each module has a
`register(app)` function that adds its commands to the app.
"""

from __future__ import annotations

import importlib

import typer

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


def main() -> None:
    app()
