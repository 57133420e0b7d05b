"""The worker pool's fork server, started before the watcher's own start.

The server imports the readers and renderers (`WORKER_PRELOAD`, about a second and a
half of one core) before it can fork the first worker, and a pool's first worker waits
for that. Started here, first thing, the server imports on one core while the watcher
imports and opens the register on the other: the first file is in a worker about a
second sooner (issue 11). This module imports only the standard library and the pool.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pipeline.config_light import Layout
from pipeline.intake.pool import start_fork_server

# What a worker imports to read and render a file, imported once by the pool's fork
# server so that each worker starts without doing it again.
WORKER_PRELOAD = (
    "pipeline.process", "pipeline.stages", "pipeline.extract", "pipeline.read.registry",
    "pipeline.read.pdf_reader", "pipeline.read.docx_reader", "pipeline.read.mail",
    "pipeline.render.documents", "pipeline.render.engine", "pipeline.render.plan_reader",
    "pipeline.register.cases", "pipeline.register.ledger", "pipeline.register.meetings",
    "pipeline.deliver.outbox", "pipeline.deliver.mail", "pipeline.read.pdf_layout",
    "pipeline.read.labels", "pipeline.read.label_vocabulary", "pipeline.read.signatures",
    "pipeline.read.asice", "pipeline.read.scan", "pipeline.read.convert",
    # the libraries those import only when the first file needs them
    "pdfplumber", "pypdf", "docx", "docxtpl", "jinja2", "babel.dates", "phonenumbers",
    "rapidfuzz", "PIL.Image",
)


def _has_entries(folder: Path) -> bool:
    with contextlib.suppress(OSError), os.scandir(folder) as it:
        return any(not e.name.startswith(".") for e in it)
    return False


def start_early(layout: Layout, *, once: bool) -> None:
    """Start the fork server now if the watcher will need workers: always when it keeps
    watching (its pool starts with it), and with `--once` only when a file waits in the
    inbox or in processing/ (a run with nothing to do starts no worker)."""
    if not once or _has_entries(layout.inbox) or _has_entries(layout.processing):
        start_fork_server(WORKER_PRELOAD)
