"""`plr watch [--once] [--polling] [--workers N] [--log-json] [--home DIR]`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipeline import logging as log
from pipeline.cli.common import HomeOption, handle_errors, settings
from pipeline.errors import ConfigError


def register(app: typer.Typer) -> None:
    @app.command("watch")
    @handle_errors
    def watch_cmd(
        once: Annotated[bool, typer.Option(
            "--once", help="Töötle postkastis praegu olevad failid ja lõpeta "
            "(nt ajastatud käivitamisel cron'iga).")] = False,
        polling: Annotated[bool, typer.Option(
            "--polling", help="Kontrolli postkasti korrapäraselt, selle asemel et oodata teadet "
            "uue faili kohta. Vajalik võrgukausta puhul (SMB/NFS), sest see teateid ei saada.")]
        = False,
        workers: Annotated[int | None, typer.Option(
            "--workers", min=1,
            help="Paralleelsete töötlusprotsesside arv (vaikimisi protsessori tuumade arv).",
            show_default=False)] = None,
        log_json: Annotated[bool, typer.Option(
            "--log-json", help="Logi JSON-vormingus: igal real üks JSON-objekt.")] = False,
        pdf: Annotated[bool, typer.Option(
            "--pdf", help="Tee iga DOCX-faili kõrvale ka PDF (vajab LibreOffice'i). "
            "Vaikimisi järgitakse muutujat $PLR_PDF.")]
        = False,
        home: HomeOption = None,
    ) -> None:
        """Jälgi postkasti (inbox/) ja töötle iga saabunud suunamine.

        Iga suunamine loetakse ja registreeritakse ning selle dokumendid salvestatakse
        väljundkausta (outbox/).
        """
        from pipeline.config_light import Layout, listing_settings
        from pipeline.intake.prestart import start_early

        # Before the watcher's own imports, which the server's then run beside.
        start_early(Layout(listing_settings(home).home.resolve()), once=once)
        from pipeline.intake.watch import Options, watch

        cfg = settings(home)
        cfg = cfg.model_copy(update={"home": cfg.home.resolve(), "pdf": pdf or cfg.pdf})
        if cfg.stable_seconds < 0:
            raise ConfigError.of("err.stable_seconds", code="config")
        log.setup(as_json=log_json)
        opts = Options(once=once, polling=polling, workers=workers, log_json=log_json,
                       show_status=not log_json and sys.stderr.isatty())
        raise typer.Exit(watch(cfg, opts))
