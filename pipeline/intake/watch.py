"""`plr watch`: the inbox → outbox loop that runs all day.

The watcher (this process) only looks, claims and records; workers do the
reading, registering and rendering (`pipeline.process`). One loop:

1. list the inbox when woken by a file event (watchdog/inotify), every
   `tick` while a file is settling, and every `rescan_seconds` regardless
   (events can be lost); with `--polling` (SMB/NFS shares, which deliver no
   events) every `poll_seconds`;
2. a file is ready when its size and time have stood still for
   `stable_seconds` and it opens as its format;
3. while a worker is idle: claim one ready file (atomic rename), hash it,
   record it in the ledger, hand it to the worker;
4. collect results, log them, update the status line.

Files are claimed only when a worker is free, so several watchers sharing one
inbox share the backlog instead of one hoarding it. SIGTERM/SIGINT stop the
claiming; files in hand are finished before the process exits.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import signal
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from pipeline import logging as log
from pipeline import process
from pipeline.config import Layout, Settings
from pipeline.deliver import mail
from pipeline.extract import sha256_file
from pipeline.intake import claim
from pipeline.intake.claim import Owner, Stability
from pipeline.intake.pool import Failure, WorkerPool
from pipeline.intake.prestart import WORKER_PRELOAD
from pipeline.register.db import DatabaseError
from pipeline.render.pdf import PdfPool
from pipeline.render.pdf import available as pdf_available

TICK = 0.1
# Reasons for inbox entries that are not regular files (they are never opened).
_NOT_A_FILE = {
    "symlink": "See on nimeviide (symbolic link), mitte fail. Nimeviiteid ei järgita ega "
               "loeta; karantiini tõsteti viide ise. Salvestage kausta inbox/ fail ise.",
    "fifo": "See on nimega toru (FIFO), mitte fail; seda ei loetud.",
    "socket": "See on sokkel (socket), mitte fail; seda ei loetud.",
    "device": "See on seadmefail, mitte tavaline fail; seda ei loetud.",
    "other": "See ei ole tavaline fail; seda ei loetud.",
}
ONCE_DB_TRIES = 3  # --once gives up on the register after this many tries per file
FOLDER_DEPTH = 3  # folders inside the inbox are read this deep
BACKLOG_RESCAN_SECONDS = 1.0
POLL_SECONDS = 1.0


@dataclass
class Counts:
    waiting: int = 0
    in_progress: int = 0
    done: int = 0
    returned: int = 0
    duplicates: int = 0
    quarantined: int = 0
    register_down: bool = False  # files wait because the register does not answer

    def add(self, outcome: str) -> None:
        if outcome == process.REGISTERED:
            self.done += 1
        elif outcome == process.RETURNED:
            self.returned += 1
        elif outcome == process.DUPLICATE:
            self.duplicates += 1
        else:
            self.quarantined += 1

    @property
    def finished(self) -> int:
        return self.done + self.returned + self.duplicates + self.quarantined

    def line(self) -> str:
        return (f"Ootel {self.waiting} · töös {self.in_progress} · valmis {self.done} · "
                f"tagastatud {self.returned} · korduvad {self.duplicates} · "
                f"karantiinis {self.quarantined}"
                + (" · register ei vasta, failid ootavad" if self.register_down else ""))


@dataclass
class Options:
    once: bool = False
    polling: bool = False
    workers: int | None = None
    log_json: bool = False
    show_status: bool = False


@dataclass
class Inbox:
    """Which inbox files exist and which are ready (pure apart from `scan`)."""

    folder: Path
    stability: Stability
    grace: float  # how long a file that never opens as its format is waited for
    max_bytes: int | None = None  # larger files are taken at once, never read, and refused
    available: bool = True
    ready: list[Path] = field(default_factory=list)
    settling: int = 0

    def scan(self, now: float) -> None:
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            if self.available:
                log.error("inbox_unavailable")  # unmounted share, deleted folder…
            self.available = False
            self.ready, self.settling = [], 0
            return
        if not self.available:
            log.event("inbox_available")
        self.available = True
        names: set[str] = set()
        ready: list[tuple[float, Path]] = []
        wall = time.time()  # the clock of the files' ctimes (`now` is monotonic)
        for key, path, st in self._files(entries):
            names.add(key)
            if not stat.S_ISREG(st.st_mode) or (
                    self.max_bytes is not None and st.st_size > self.max_bytes):
                # A link, FIFO, socket or device is never opened, and a file over the size
                # limit never read: taken at once and quarantined (`Watcher._decide`).
                ready.append((st.st_mtime, path))
                continue
            if not self.stability.observe(key, st.st_size, st.st_mtime_ns, now,
                                          max(0.0, wall - st.st_ctime)):
                continue
            # Complete by its format and closed by every writer on this host; a file that
            # never gets there is taken (and says why it is unreadable) once it has stood
            # unchanged for `grace`.
            if ((self.stability.complete(key, partial(claim.looks_complete, path))
                    and self.stability.closed(key, partial(claim.being_written, path)))
                    or self.stability.waited(key, now) >= self.grace):
                ready.append((st.st_mtime, path))
        self.stability.keep_only(names)
        ready.sort()  # oldest first: arrival order
        self.ready = [p for _, p in ready]
        self.settling = len(names) - len(self.ready)

    def _files(self, entries: list[os.DirEntry[str]], depth: int = 0
               ) -> Iterator[tuple[str, Path, os.stat_result]]:
        """(key relative to the inbox, path, stat) of every file that could be taken. A
        folder dropped into the inbox (attachments saved together) is read too, down to
        `FOLDER_DEPTH` levels; the emptied folders stay where they are."""
        for e in entries:
            if claim.is_ignored(e.name):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    if depth < FOLDER_DEPTH:
                        yield from self._files(list(os.scandir(e.path)), depth + 1)
                    continue
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue  # vanished between listing and looking
            yield os.path.relpath(e.path, self.folder), Path(e.path), st

    def taken(self, path: Path) -> None:
        self.stability.forget(os.path.relpath(path, self.folder))
        if path in self.ready:
            self.ready.remove(path)


class Watcher:
    def __init__(self, settings: Settings, opts: Options) -> None:
        self.settings = settings
        self.opts = opts
        self.layout = Layout(settings.home)
        self.counts = Counts()
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.queue: collections.deque[process.Job] = collections.deque()
        # Files whose worker could not reach the register: (when to retry, job).
        self.deferred: list[tuple[float, process.Job]] = []
        self.db_tries: dict[str, int] = {}  # per claimed path: turns the register was down
        # Claimed files not yet in the ledger because the register was down: (retry at, path).
        self.unrecorded: list[tuple[float, Path]] = []
        self.ctx: process.Context | None = None
        self.pool: WorkerPool | None = None
        self.owner: Owner | None = None
        self.inbox = Inbox(self.layout.inbox, Stability(settings.stable_seconds),
                           grace=settings.incomplete_seconds
                           or max(10.0, 10 * settings.stable_seconds),
                           max_bytes=settings.limits.max_file_bytes)
        self.sender: mail.Sender | None = None
        self.pdf: PdfPool | None = None
        self.started_at: dict[str, float] = {}
        # Claimed paths whose name was shortened on disk: the name they arrived with.
        self.originals: dict[str, str] = {}
        # Just-claimed files: where they came from and their size and time at the claim.
        self.fresh: dict[str, tuple[Path, int, int]] = {}
        self.scanned_at = 0.0
        self.scans = 0

    # --- start and stop ---------------------------------------------------------------

    def start(self) -> None:
        self.layout.ensure()
        self.ctx = process.make_context(self.settings)
        self.owner = Owner(self.layout)
        size = self.opts.workers or self.settings.workers
        init = {"settings": self.settings.model_dump_json(), "log_json": self.opts.log_json}
        lim = self.settings.limits
        # The readers stop a slow or greedy file themselves (read_seconds, read_memory_mb,
        # in a child process); the pool's limits are the backstop for everything else.
        self.pool = WorkerPool(size, "pipeline.process:worker_run", init,
                               time_limit=2 * lim.read_seconds + 30,
                               memory_mb=2 * lim.read_memory_mb + 512,
                               max_jobs=self.settings.worker_max_files,
                               preload=WORKER_PRELOAD,
                               # --once (cron) spawns workers only once there is a file.
                               start=not self.opts.once)
        if self.settings.pdf and pdf_available():
            # PDF copies are made beside the DOCX in threads of this process: a second
            # or two each, never on a worker, so intake does not wait for LibreOffice.
            self.pdf = PdfPool(workers=max(1, size // 2))
        if self.settings.smtp_url:
            target = mail.parse_url(self.settings.smtp_url)
            if not self.opts.once:
                self.sender = mail.Sender(self.layout.mail_spool, target)
                self.sender.start()
        log.event("watch_started", workers=size, mode="polling" if self.opts.polling else
                  "events", pid=os.getpid())
        if not self.opts.once:  # the web app's /healthz and dashboard show when it last beat
            from pipeline.accounts import start_heartbeat
            start_heartbeat(self.settings, self.stop)
        self.recover()

    def recover(self) -> None:
        """Files left in processing/ by a watcher that died are finished now, once."""
        assert self.owner is not None and self.ctx is not None
        adopted = self.owner.adopt_orphans()
        files = self.owner.files()
        for path in files:
            self._record_or_wait(path)
        if files:
            log.event("recovered", count=len(files), recovered=len(adopted))

    def _record_or_wait(self, path: Path) -> None:
        """Record a claimed file in the ledger and queue it; with the register down it
        stays claimed in processing/ and recording is tried again later.

        Decided here, without a worker, and never read: an entry that is not a regular
        file (it is quarantined as itself) and a file over the size limit (by `stat`)."""
        assert self.ctx is not None
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        kind = claim.kind_of(st)
        too_large = kind == "file" and st.st_size > self.settings.limits.max_file_bytes
        try:
            sha256 = (sha256_file(path) if kind == "file" and not too_large
                      else claim.entry_sha256(path, kind if kind != "file" else
                                              f"too_large:{st.st_size}:{st.st_mtime_ns}"))
        except OSError as exc:
            # Unreadable (permissions, an I/O error): said once, left in processing/ for
            # the office, and the intake goes on with the next file.
            log.error("claimed_unreadable", claim=claim.claim_id_of(path),
                      error=type(exc).__name__)
            return
        came = self.fresh.get(str(path))
        if kind != "file":
            self.fresh.pop(str(path), None)
        elif self._changed_since_claim(path):
            return
        original = self.originals.get(str(path))
        try:
            # Claimed by this watcher and not yet recorded: a fresh claim id.
            job = process.record_claimed(self.ctx, path, sha256, original,
                                         fresh=came is not None)
        except Exception as exc:
            if not process.database_down(exc):
                raise
            self.unrecorded.append((self._retry_at(str(path), sha256, type(exc).__name__),
                                    path))
            return
        if came is not None:  # a later change goes back to where the file came from
            job = dataclasses.replace(job, origin=str(came[0]))
        self.db_tries.pop(str(path), None)
        self.originals.pop(str(path), None)
        log.event("claimed", sha256=job.sha256, claim=claim.claim_id_of(path))
        if kind != "file":
            self._decide(job, kind, _NOT_A_FILE.get(kind, _NOT_A_FILE["other"]))
        elif too_large:
            lim = self.settings.limits.max_file_bytes
            self._decide(job, "too_large",
                         f"Fail on liiga suur ({st.st_size} baiti, lubatud {lim}); "
                         "seda ei loetud.")
        else:
            self.queue.append(job)

    def _changed_since_claim(self, path: Path) -> bool:
        """A writer that was still at work (it paused longer than the stable time and the
        file looked complete) changed the file after the claim: it goes back to the inbox,
        unrecorded, and is taken again once it is complete, never quarantined as broken."""
        came = self.fresh.pop(str(path), None)
        if came is None:
            return False  # recovered from processing/: no writer can still be at work
        inbox_path, size, mtime_ns = came
        st = os.lstat(path)
        if (st.st_size, st.st_mtime_ns) == (size, mtime_ns) and not claim.being_written(path):
            return False
        back = claim.put_back(path, inbox_path)
        self.originals.pop(str(path), None)
        self._watch_again(back)
        log.event("put_back", claim=claim.claim_id_of(path), size=st.st_size)
        return True

    def _watch_again(self, back: Path) -> None:
        """A file put back in the inbox is watched afresh from now (so --once waits for
        it too), as a file that just arrived."""
        try:
            st = os.lstat(back)
        except FileNotFoundError:
            return
        key = os.path.relpath(back, self.inbox.folder)
        self.inbox.stability.forget(key)
        self.inbox.stability.observe(key, st.st_size, st.st_mtime_ns, time.monotonic())

    def _decide(self, job: process.Job, code: str, reason: str) -> None:
        """Quarantine a claimed entry from the watcher, with `reason`, and go on."""
        assert self.ctx is not None
        try:
            result = process.quarantine_failed(job, self.ctx, code, reason)
        except Exception as exc:
            if process.database_down(exc):
                self.unrecorded.append(
                    (self._retry_at(job.path, job.sha256, type(exc).__name__), Path(job.path)))
                return
            log.error("place_failed", sha256=job.sha256, error=type(exc).__name__)
            return
        self.counts.add(result.outcome)
        log.event(result.outcome, sha256=job.sha256, cases=result.cases, codes=result.codes,
                  seconds=0.0)

    def _retry_at(self, key: str, sha256: str, error: str) -> float:
        """The register did not answer for this file: count the try, say so, and return
        when to try again (the file stays claimed in processing/ meanwhile)."""
        tries = self.db_tries[key] = self.db_tries.get(key, 0) + 1
        log.warn("register_unreachable", sha256=sha256, error=error, tries=tries,
                 retry_in=self.settings.db_retry_seconds)
        return time.monotonic() + self.settings.db_retry_seconds

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close(wait=True)  # --once and SIGTERM: the copies in hand are finished
        if self.sender is not None:
            self.sender.stop()
        if self.pool is not None:
            self.pool.close()
        if self.owner is not None:
            self.owner.close()

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        if self.stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: leave now, recovery finishes the rest
        log.event("stopping", signal=signal.Signals(signum).name)
        self.stop.set()
        self.wake.set()

    # --- the loop ---------------------------------------------------------------------

    def step(self, now: float) -> None:
        """Scan if due, hand out work, collect results (one turn of the loop)."""
        assert self.pool is not None and self.owner is not None
        # With files already waiting, the folder is re-read once a second, not on every
        # tick: a backlog of thousands costs tens of milliseconds per listing.
        if not self.stop.is_set() and (not self.inbox.ready
                                       or now - self.scanned_at >= BACKLOG_RESCAN_SECONDS):
            self.inbox.scan(now)
            self.scanned_at = now
        if self.inbox.ready or self.inbox.settling or self.queue:
            self.pool.start()  # while a new file settles, so that its worker is ready
        due = [job for at, job in self.deferred if at <= now]
        if due:
            self.deferred = [(at, job) for at, job in self.deferred if at > now]
            self.queue.extend(due)
        unrecorded = [path for at, path in self.unrecorded if at <= now]
        if unrecorded:
            self.unrecorded = [(at, path) for at, path in self.unrecorded if at > now]
            for path in unrecorded:
                self._record_or_wait(path)
        while self.pool.idle and not self.stop.is_set():
            if not self.queue:
                if not self.inbox.ready:
                    break
                path = self.inbox.ready[0]
                self.inbox.taken(path)
                try:
                    pre = os.lstat(path)
                    claimed = self.owner.claim(path)
                except FileNotFoundError:
                    continue  # another watcher was first, or it was taken away
                except OSError as exc:
                    # One file the claim cannot move must not stop the intake of the rest.
                    log.error("claim_failed", error=type(exc).__name__,
                              errno=exc.errno or 0)
                    continue
                if claimed is None:
                    continue  # another watcher was first
                if claim.disk_name(claimed) != path.name:
                    self.originals[str(claimed)] = claim.readable(path.name)
                self.fresh[str(claimed)] = (path, pre.st_size, pre.st_mtime_ns)
                self._record_or_wait(claimed)
                if not self.queue:
                    continue  # the register is down: it waits, claimed
            # Straight from claim to worker, with no stop check between: a file claimed
            # when SIGTERM arrives is a file in hand, and it is finished.
            job = self.queue.popleft()
            self.started_at[job.path] = time.monotonic()
            self.pool.submit(job)
        self.scans += 1
        wait = TICK if (self.inbox.settling or self.pool.busy) else 0.0
        for job, result in self.pool.collect(wait):
            self._finished(job, result)
        self.counts.waiting = (len(self.inbox.ready) + self.inbox.settling + len(self.queue)
                               + len(self.deferred) + len(self.unrecorded))
        self.counts.in_progress = self.pool.busy
        self.counts.register_down = bool(self.deferred or self.unrecorded)

    def _finished(self, job: process.Job, result: Any) -> None:
        assert self.ctx is not None
        took = time.monotonic() - self.started_at.pop(job.path, time.monotonic())
        if isinstance(result, Failure) and (
            result.code == "setup" or result.detail in process.DATABASE_DOWN
        ):
            # The register is down (or the worker could not get ready), not the file bad.
            self.deferred.append((self._retry_at(job.path, job.sha256, result.detail), job))
            return
        self.db_tries.pop(job.path, None)
        if not isinstance(result, Failure) and result.outcome == process.PUT_BACK:
            # Changed after it was hashed: the worker put it back; taken again once whole.
            if result.placed:
                self._watch_again(Path(result.placed))
            return
        if isinstance(result, Failure):
            log.warn("worker_failed", sha256=job.sha256, code=result.code)
            try:
                result = process.quarantine_failed(job, self.ctx, result.code)
            except Exception as exc:
                if process.database_down(exc):  # tried again when the register is back
                    self.deferred.append(
                        (self._retry_at(job.path, job.sha256, type(exc).__name__), job))
                    return
                log.error("place_failed", sha256=job.sha256, error=type(exc).__name__)
                return  # the next start's recovery places it
        self.counts.add(result.outcome)
        if self.pdf is not None:
            for doc in result.published:
                if doc.endswith(".docx"):
                    self.pdf.submit(Path(doc))
        log.event(result.outcome, sha256=job.sha256, cases=result.cases, codes=result.codes,
                  seconds=round(took, 3))

    def run(self) -> int:
        """Until stopped (or, with --once, until the inbox is empty); exit status."""
        from pipeline.intake.status import StatusLine

        observer = None if (self.opts.polling or self.opts.once) else self._observe()
        status = StatusLine(self.opts.show_status)
        last_scan = 0.0
        try:
            with status:
                while True:
                    now = time.monotonic()
                    busy = self.pool.busy if self.pool else 0
                    if self.stop.is_set() and not busy:
                        break
                    if self.opts.once and self._drained():
                        break
                    self.step(now)
                    status.update(self.counts)
                    if not (self.inbox.settling or busy or self.queue or self.inbox.ready):
                        interval = POLL_SECONDS if self.opts.polling else (
                            self.settings.rescan_seconds)
                        if self.opts.once:
                            interval = TICK
                        until = last_scan + interval
                        retries = [at for at, _ in self.deferred] + [
                            at for at, _ in self.unrecorded]
                        if retries:
                            until = min(until, *retries)
                        self.wake.wait(max(0.0, until - time.monotonic()))
                        self.wake.clear()
                    last_scan = now
        finally:
            if observer is not None:
                observer.stop()
            if self.opts.once and self.settings.smtp_url:
                self._send_once()
        waiting = len(self.deferred) + len(self.unrecorded)
        log.event("watch_stopped", done=self.counts.done, returned=self.counts.returned,
                  quarantined=self.counts.quarantined, duplicates=self.counts.duplicates,
                  waiting=waiting)
        if self.opts.once and waiting:
            # --once gave up on the register: the files are safe in processing/ and the next
            # start finishes them; cron should see that this run did not.
            files = "1 fail jäi" if waiting == 1 else f"{waiting} faili jäid"
            raise DatabaseError(
                f"Registrit ei õnnestunud kasutada: {files} ootama kausta processing/. "
                "Need töödeldakse järgmisel käivitamisel; kontrollige PLR_DATABASE_URL-i ja "
                "andmebaasi ühendust.", code="database_down")
        return 0

    def _drained(self) -> bool:
        """--once: nothing in hand, and nothing in the inbox that could still be taken."""
        assert self.pool is not None
        if self.pool.busy or self.queue or not self.scans:
            return False
        if any(self.db_tries.get(job.path, 0) < ONCE_DB_TRIES for _, job in self.deferred):
            return False
        if any(self.db_tries.get(str(path), 0) < ONCE_DB_TRIES for _, path in self.unrecorded):
            return False
        if not self.inbox.available:
            return True
        if self.inbox.ready:
            return False
        # A settled file is taken at the latest after `grace`; one still changing after
        # `grace` (a copy that is still running) is left for the next run.
        now = time.monotonic()
        st = self.inbox.stability
        for seen in st.seen.values():
            if now - seen.since >= st.seconds or now - seen.first < self.inbox.grace:
                return False
        return True

    def _send_once(self) -> None:
        assert self.settings.smtp_url is not None
        try:
            mail.send_due(self.layout.mail_spool, mail.parse_url(self.settings.smtp_url),
                          timeout=10.0)
        except OSError as exc:
            log.error("mail_spool_error", error=type(exc).__name__)

    def _observe(self) -> Any:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        wake = self.wake

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                wake.set()

        observer = Observer()
        observer.schedule(Handler(), str(self.layout.inbox), recursive=True)
        observer.daemon = True
        observer.start()
        return observer


def watch(settings: Settings, opts: Options) -> int:
    """Run the watcher in this process (the CLI's entry point)."""
    w = Watcher(settings, opts)
    old = {s: signal.signal(s, w.request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        w.start()
        return w.run()
    finally:
        w.close()
        for s, h in old.items():
            signal.signal(s, h)
