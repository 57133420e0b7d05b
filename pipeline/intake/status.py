"""The office's live status line, and a progress bar while a backlog drains (rich).

Shown only on a terminal and without `--log-json`; elsewhere (systemd, cron)
the same counts go to the log as a `status` event once a minute.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Protocol

from rich.console import Console, Group
from rich.live import Live
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from pipeline import logging as log

BACKLOG = 5  # a progress bar from this many files waiting at once
LOG_EVERY = 60.0


class _Counts(Protocol):
    waiting: int
    in_progress: int
    done: int
    returned: int
    duplicates: int
    quarantined: int
    register_down: bool

    @property
    def finished(self) -> int: ...

    def line(self) -> str: ...


class StatusLine:
    def __init__(self, live: bool) -> None:
        self.console = Console(stderr=True)
        self.live_enabled = live and self.console.is_terminal
        self._live: Live | None = None
        self._progress = Progress(
            TextColumn("Töötlen ootejärjekorda"), BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), console=self.console,
        )
        self._task: TaskID | None = None
        self._base = 0
        self._last_log = 0.0
        self._last_line = ""

    def __enter__(self) -> StatusLine:
        if self.live_enabled:
            self._live = Live(Text(""), console=self.console, refresh_per_second=4,
                              transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(t, e, tb)

    def update(self, c: _Counts) -> None:
        now = time.monotonic()
        if now - self._last_log >= LOG_EVERY:
            self._last_log = now
            log.event("status", waiting=c.waiting, in_progress=c.in_progress, done=c.done,
                      returned=c.returned, duplicates=c.duplicates, quarantined=c.quarantined,
                      register_down=c.register_down)
        if self._live is None:
            return
        outstanding = c.waiting + c.in_progress
        if self._task is None and outstanding >= BACKLOG:
            self._base = c.finished
            self._task = self._progress.add_task("backlog", total=outstanding)
        if self._task is not None:
            total = c.finished - self._base + outstanding
            self._progress.update(self._task, completed=c.finished - self._base, total=total)
            if outstanding == 0:
                self._progress.remove_task(self._task)
                self._task = None
        line = c.line()
        renderable = Group(Text(line), self._progress) if self._task is not None else Text(line)
        self._live.update(renderable)
