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
            "--once", help="Process what is in the inbox now, then exit (cron, tests).")] = False,
        polling: Annotated[bool, typer.Option(
            "--polling", help="Look at the inbox at intervals instead of file events "
            "(network shares: SMB/NFS give no events).")] = False,
        workers: Annotated[int | None, typer.Option(
            "--workers", min=1, help="Worker processes (default: the number of cores).",
            show_default=False)] = None,
        log_json: Annotated[bool, typer.Option(
            "--log-json", help="One JSON object per log line.")] = False,
        pdf: Annotated[bool, typer.Option(
            "--pdf", help="Also a PDF beside each DOCX (LibreOffice; default $PLR_PDF).")]
        = False,
        home: HomeOption = None,
    ) -> None:
        """Watch inbox/: read each referral, register it, write its documents into outbox/."""
        from pipeline.intake.watch import Options, watch

        cfg = settings(home)
        cfg = cfg.model_copy(update={"home": cfg.home.resolve(), "pdf": pdf or cfg.pdf})
        if cfg.stable_seconds < 0:
            raise ConfigError("PLR_STABLE_SECONDS ei tohi olla negatiivne.", code="config")
        log.setup(as_json=log_json)
        opts = Options(once=once, polling=polling, workers=workers, log_json=log_json,
                       show_status=not log_json and sys.stderr.isatty())
        raise typer.Exit(watch(cfg, opts))
