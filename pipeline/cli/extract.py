"""`plr extract FILE --json`: read a filled form or e-mail."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import HomeOption, console, handle_errors, settings, write_json
from pipeline.lazy import lazy

if TYPE_CHECKING:
    from pipeline import extract
else:  # loaded when the command runs: `plr --help` stays fast
    extract = lazy("pipeline.extract")


def register(app: typer.Typer) -> None:
    @app.command("extract")
    @handle_errors
    def extract_cmd(
        file: Annotated[
            Path, typer.Argument(help="Suunamisvorm (PDF, DOCX) või e-kiri (.eml, .msg).")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Väljasta loetud andmed ja vead JSON-vormingus.")
        ] = False,
        home: HomeOption = None,
    ) -> None:
        """Loe täidetud suunamisvorm ja kontrolli selle andmeid.

        Väljumiskood: 0 – korras, 1 – leiti vigu, 2 – faili ei saa lugeda.
        """
        cfg = settings(home)
        results = extract.extract_file(file, cfg.limits)
        if as_json:
            payload = [r.to_json() for r in results]
            write_json(payload[0] if len(payload) == 1 else payload)
        else:
            for r in results:
                _print(r)
        raise typer.Exit(extract.exit_status(results))


def _print(r: extract.Extraction) -> None:
    src = r.source
    where = src.file + (f" → {src.attachment}" if src.attachment else "")
    where += f" → {src.document}" if src.document else ""  # inside a signed container
    console.print(f"[bold]{where}[/] ({src.format or '?'}, {src.method or '-'}) {src.sha256[:12]}")
    if src.signatures:
        from pipeline.render.context import signature_line

        for sig in src.signatures:
            console.print(f"  {signature_line(sig)}", highlight=False)
    if r.error:
        console.print(f"  [red]Ei saa lugeda ({r.error.code}):[/] {r.error.message}")
        return
    if not r.issues:
        console.print("  [green]Korras: vigu ega hoiatusi ei ole.[/]")
    for i in r.issues:
        colour = "red" if i.is_error else "yellow"
        console.print(f"  [{colour}]{i.code}[/] {i.field}: {i.message}", highlight=False)
