"""A pool of worker processes with a time and memory limit per file.

Each worker is a separate process (forked from a fork server, never from the
watcher, so no threads are forked) that takes one job at a time. A job that runs
past its time limit has its worker killed; a job that exhausts its memory limit
gets a MemoryError (the worker's address space is capped) or is killed by the
kernel. Either way the job comes back as a `Failure` and a fresh worker takes the
next job, so one hostile file never holds up the rest.

Workers die with the watcher: the fork server leaves the moment the watcher's
pipe to it closes, and each worker dies with the fork server (PR_SET_PDEATHSIG). A
watcher killed with SIGKILL leaves no worker behind that could finish a file a
second time while the next watcher recovers it.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

_PR_SET_PDEATHSIG = 1
_GUARD = "pipeline.intake.fork_server_guard"
_FREEZE = "pipeline.intake.fork_server_freeze"


@dataclass(frozen=True)
class Failure:
    """A job that did not return: `code` is `time_limit`, `memory_limit`, `crashed`, or
    `setup` (the worker could not get ready, e.g. the register was down); `detail` names
    the exception class."""

    code: str
    detail: str = ""


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    job: Any = None
    started: float = 0.0
    jobs_done: int = 0


def _die_with_parent(parent_pid: int) -> None:
    """Die with the process that forked us: the watcher, or its fork server, which itself
    leaves the moment the watcher is gone (its pipe from the watcher closes)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the parent's pipe closing still ends the loop below
    ppid = os.getppid()
    if ppid != parent_pid and _parent_of(ppid) != parent_pid:
        os._exit(0)  # the parent died before we could ask to die with it


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None  # not glibc: nothing to trim


# A worker gives its heap's free pages back when it has grown this much since it last did.
TRIM_GROWTH = 32 * 1024 * 1024


class _HeapTrim:
    """Give the heap's free pages back to the system when a worker has grown by
    `TRIM_GROWTH`. lxml, zlib and pdfminer allocate outside Python's allocator and glibc
    keeps what they free, scattered: without this a worker's resident size grew by about
    1 MB a file across a backlog (issue 11), though nothing stayed allocated. Not after
    every file: pages given back are faulted in again by the next file (that cost 5% CPU)."""

    def __init__(self) -> None:
        self.libc = _libc()
        self.mark = 0  # resident size after the first file, then after each trim

    def after_job(self) -> None:
        if self.libc is None:
            return
        rss = _resident()
        if not self.mark:
            self.mark = rss
        elif rss - self.mark > TRIM_GROWTH:
            with contextlib.suppress(AttributeError):
                self.libc.malloc_trim(0)
            # What is left is held, not free: trim again only past a new growth.
            self.mark = max(self.mark, _resident())


def _resident() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _address_space_now() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


def _worker_main(
    conn: Connection, target: str, init: Any, memory_mb: int, parent_pid: int,
    path: list[str],
) -> None:
    _die_with_parent(parent_pid)
    # Forked from a server started earlier: find modules where the watcher finds them now.
    sys.path[:0] = [p for p in path if p not in sys.path]
    # Ctrl-C reaches the whole process group; the watcher decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    fn = _resolve(target)
    teardown: Callable[[], None] | None = getattr(fn, "teardown", None)
    try:
        _serve_jobs(conn, fn, init, memory_mb)
    finally:
        # A forked worker leaves by os._exit, past atexit: what it started (a reader's
        # kept child) is ended and reaped here.
        if teardown is not None:
            teardown()


def _serve_jobs(conn: Connection, fn: Callable[..., Any], init: Any, memory_mb: int) -> None:
    setup: Callable[[Any], Any] | None = getattr(fn, "setup", None)
    state: Any = init
    setup_failed: Failure | None = None

    def set_up() -> Failure | None:
        # A worker started while the register is down must not die (its file would come
        # back as a crash): each job reports the setup failure and the next job tries again.
        nonlocal state
        if setup is None:
            return None
        try:
            state = setup(init)
        except Exception as exc:
            return Failure("setup", type(exc).__name__)
        return None

    setup_failed = set_up()
    if memory_mb > 0:
        # Soft limit only: the readers fork their own children and set a tighter
        # limit there, which they could not do under a hard limit of ours.
        cap = _address_space_now() + memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    trim = _HeapTrim()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if setup_failed is not None:
            setup_failed = set_up()
            if setup_failed is not None:
                conn.send(("fail", setup_failed))
                continue
        try:
            conn.send(("ok", fn(job, state)))
        except MemoryError:
            conn.send(("fail", Failure("memory_limit")))
            return  # a fresh process is cheaper than trusting this one's heap
        except BaseException as exc:
            conn.send(("fail", Failure("crashed", type(exc).__name__)))
        trim.after_job()  # after the reply: the watcher does not wait for it


class WorkerPool:
    """`submit` a job to an idle worker, `collect` finished ones; limits are enforced here.

    `target` is `"module:function"`, called in the worker as `function(job, state)`;
    if the function has a `setup` attribute, `state = function.setup(init)` once
    per worker (database engines and the like), and a `teardown` attribute is called
    when the worker leaves.
    """

    def __init__(
        self,
        size: int,
        target: str,
        init: Any = None,
        *,
        time_limit: float = 60.0,
        memory_mb: int = 1024,
        max_jobs: int = 0,
        preload: tuple[str, ...] = (),
        start: bool = True,
    ) -> None:
        """`max_jobs` > 0 retires a worker after that many files and starts a fresh one,
        so that what libraries keep in memory cannot grow across a long backlog.

        Workers are forked from a fork server (a clean process of its own, never the
        watcher with its threads) that imported `preload` once: a worker, and each
        replacement after a killed or retired one, starts in milliseconds instead of
        importing the readers and renderers again (most of a second of CPU each), and
        shares those pages with the others. `start=False` starts no worker until the
        first `submit` or `start` (a run that finds nothing to do spawns none)."""
        self.size = max(1, size)
        self.max_jobs = max_jobs
        self.target = target
        self.init = init
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self._ctx = mp.get_context("forkserver")
        # One server per process at a time, started by the first worker or before
        # (`start_fork_server`), and stopped by `close`.
        self._ctx.set_forkserver_preload(_server_preload(preload))
        self._workers: list[_Worker] = []
        if start:
            self.start()

    def start(self) -> None:
        """Start the workers, if not yet started."""
        if not self._workers:
            self._workers = [self._spawn() for _ in range(self.size)]

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, self.target, self.init, self.memory_mb, os.getpid(),
                  list(sys.path)),
            daemon=True,
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    @property
    def busy(self) -> int:
        return sum(1 for w in self._workers if w.job is not None)

    @property
    def idle(self) -> int:
        return self.size - self.busy

    def submit(self, job: Any) -> None:
        self.start()
        for w in self._workers:
            if w.job is None:
                try:
                    w.conn.send(job)
                except OSError:  # died while idle: replace it and use the new one
                    self._replace(w)
                    w = next(x for x in self._workers if x.job is None and x.proc.is_alive())
                    w.conn.send(job)
                w.job, w.started = job, time.monotonic()
                return
        raise RuntimeError("no idle worker")

    def _retire(self, w: _Worker) -> None:
        """An idle worker that has done its share: ask it to leave, start a fresh one."""
        with contextlib.suppress(OSError):
            w.conn.send(None)
        w.proc.join(5)
        self._replace(w)

    def _replace(self, w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self._workers[self._workers.index(w)] = self._spawn()

    def collect(self, timeout: float) -> list[tuple[Any, Any]]:
        """Wait up to `timeout` s; return `(job, result or Failure)` for each job that ended."""
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            time.sleep(max(0.0, timeout))
            return []
        now = time.monotonic()
        first_deadline = min(w.started + self.time_limit for w in busy)
        wait_for = max(0.0, min(timeout, first_deadline - now))
        handles: list[Any] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        wait(handles, wait_for)
        done: list[tuple[Any, Any]] = []
        for w in busy:
            job = w.job
            result: Any = None
            if w.conn.poll():
                broken = False
                try:
                    _status, result = w.conn.recv()
                except (EOFError, OSError):
                    broken = True
                if not broken:
                    w.job = None
                    w.jobs_done += 1
                    done.append((job, result))
                    if isinstance(result, Failure) and result.code == "memory_limit":
                        self._replace(w)
                    elif self.max_jobs and w.jobs_done >= self.max_jobs:
                        self._retire(w)
                    continue
                w.proc.join(1)
            if not w.proc.is_alive():
                code = w.proc.exitcode
                # SIGKILL from the kernel's OOM killer or a failed allocation in C code.
                failure = Failure("memory_limit" if code == -signal.SIGKILL else "crashed",
                                  f"exit {code}")
                w.job = None
                done.append((job, failure))
                self._replace(w)
            elif time.monotonic() - w.started >= self.time_limit:
                w.job = None
                done.append((job, Failure("time_limit")))
                self._replace(w)
        return done

    def close(self) -> None:
        for w in self._workers:
            if w.job is None:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        for w in self._workers:
            w.proc.join(2)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(2)
            w.conn.close()
        self._workers = []
        _stop_fork_server()


def _server_preload(preload: tuple[str, ...]) -> list[str]:
    # The guard first, so that the server dies with us, and the freeze last, so that it
    # covers every import (see those modules).
    return [_GUARD, *preload, _FREEZE]


def start_fork_server(preload: tuple[str, ...]) -> None:
    """Start this process's fork server now, importing `preload`, without waiting for it:
    a pool made later with the same preload forks its workers from it. Call it before
    this process starts any thread (the server is a fresh interpreter, so nothing of ours
    is forked, but its start should not race a thread that changes `sys.path`)."""
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(_server_preload(preload))
    forkserver.ensure_running()


def _stop_fork_server() -> None:
    """End the fork server once its workers are gone, and reap it (the CPU time of the
    workers it reaped then counts as ours, as a spawned worker's did). The next pool
    starts a fresh one, with its own preload and the `sys.path` of that moment."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:  # CPython's own (its tests use it); elsewhere it ends by itself
        with contextlib.suppress(OSError, ChildProcessError):
            stop()
