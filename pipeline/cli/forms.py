"""`plr forms build [--out DIR]`: write the blank official form (PDF and DOCX)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import HomeOption, console, handle_errors, settings
from pipeline.forms_build import write_forms


def register(app: typer.Typer) -> None:
    forms = typer.Typer(help="Ametlik suunamisvorm (PDF ja DOCX).", no_args_is_help=True)
    app.add_typer(forms, name="forms")

    @forms.command("build")
    @handle_errors
    def build_cmd(
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Kaust, kuhu vorm salvestada "
                         "(vaikimisi töökausta alamkaust forms/)."),
        ] = None,
        home: HomeOption = None,
    ) -> None:
        """Loo tühi suunamisvorm: failid suunamisvorm.pdf ja suunamisvorm.docx."""
        target = out if out is not None else settings(home).home / "forms"
        for path in write_forms(target):
            console.print(f"Kirjutatud: {path}", highlight=False)
