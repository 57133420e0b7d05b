"""Soak test of the real `plr watch` (not --once): a steady stream of referrals for minutes.

    .venv/bin/python benchmarks/bench_soak.py --minutes 20 [--rate 2] [--workers N]
                                              [--home DIR] [--keep]

Feeds distinct referrals (each its own child and referrer) into a running watcher's inbox at
`--rate` files/s, of bench_watch.py's kinds (DOCX, fields PDF, flattened PDF, e-mail with a
DOCX); every ~20th is bad (a form with an error → returned, random bytes → quarantined) and
every ~50th an exact copy of an earlier file (→ duplicate). Each file is made as it is fed (in
this process, at a lower priority than the watcher), written outside the inbox and renamed in.
Every 30 s one line: files fed, finished (ledger entries not pending), backlog; PSS of the
watcher and of its children (sum, and the largest: a worker with the reader it forked); the
watcher's open fds and threads; files in processing/. Then: stop feeding, let the backlog
drain, SIGTERM, check the accounting (one ledger entry per fed file, none pending, outcomes
as fed, inbox/ and processing/ empty, each registered case's documents in outbox/) and print
throughput, memory (first vs last quarter, slope per 1000 files), fd/thread ranges, latency.
Exit status 1 only when the accounting fails. Prints counts and case numbers, never names.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
# Loaded at run time, not imported: bench_watch reaches into tests/ (it puts it on sys.path),
# which mypy cannot follow from here.
_bench = importlib.import_module("bench_watch")
watch_env: Callable[[Path], dict[str, str]] = _bench.env
STABLE: float = _bench.STABLE
form: Callable[..., bytes] = importlib.import_module("test_watch_e2e").form
printed: Callable[[bytes], bytes] = importlib.import_module("printed").printed
pss_tree: Callable[[int], tuple[int, list[int]]] = _bench.pss_tree

SAMPLE_SECONDS = 30.0
POLL_SECONDS = 0.5  # how often the ledger is read: the resolution of the latencies
MB = 2**20
CASE_DOCS = ("suunamise kinnitus", "juhtumi ülevaade")  # in a registered case's file names


def referral(i: int) -> tuple[str, bytes]:
    """The i-th good referral, of the four kinds bench_watch.build mixes."""
    n = 1000 + i
    if i % 4 in (0, 1):
        return ("docx", form(n)) if i % 4 == 0 else ("pdf", form(n, "pdf"))
    if i % 4 == 2:  # printed to PDF: the fields are gone, the boxes are printed marks
        return "pdf", printed(form(n, "pdf"))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"suunaja{n}@example.ee", "plr@example.ee", "Suunamine"
    msg.set_content("Tere! Manuses suunamisvorm.")
    msg.add_attachment(form(n), maintype="application", filename="suunamine.docx",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return "eml", bytes(msg)


def feed_plan() -> Iterator[tuple[str, bytes, str]]:
    """(file name, bytes, expected outcome) of file 0, 1, 2, … without end."""
    good, copy_ext, copy_of = 0, "", b""
    for k in range(10**9):
        if k % 50 == 49:  # the bytes of file k - 48 (a good one: k odd)
            yield f"s{k:06d}.{copy_ext}", copy_of, "duplicate"
        elif k % 40 == 10:  # a form without the referrer's e-mail address
            kind = "pdf" if k % 80 == 10 else "docx"
            yield f"s{k:06d}.{kind}", form(900_000 + k, kind, bad=True), "returned"
        elif k % 40 == 30:  # broken beyond reading
            yield f"s{k:06d}.pdf", os.urandom(30_000), "quarantined"
        else:
            ext, data = referral(good)
            good += 1
            if k % 50 == 1:
                copy_ext, copy_of = ext, data
            yield f"s{k:06d}.{ext}", data, "registered"


def ledger(home: Path) -> list[tuple[str, str, list[str]]] | None:
    """(arrived name, outcome, cases) of every entry, read-only; None if unreadable now."""
    db = home / "data" / "plr.sqlite3"
    if not db.exists():
        return []
    try:
        with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=5)) as con:
            rows = con.execute("select file_name, outcome, cases from intake_ledger").fetchall()
    except sqlite3.Error:
        return None
    # The ledger holds the claimed name, `<claim id>__<arrived name>`.
    return [(str(f).rsplit("__", 1)[-1], str(o), json.loads(c or "[]")) for f, o, c in rows]


def files_in(folder: Path, skip: str = "\0") -> int:
    """Files under `folder`, but not those whose name ends with `skip`."""
    return sum(1 for p in folder.rglob("*") if p.is_file() and not p.name.endswith(skip))


@dataclass
class Sample:
    t: float
    fed: int
    done: int
    watcher: int
    children: list[int]
    fds: int
    threads: int
    processing: int

    def line(self) -> str:
        return (f"{self.t:6.0f} s  fed {self.fed:5d}  done {self.done:5d}  backlog "
                f"{self.fed - self.done:4d} | PSS MB watcher {self.watcher / MB:6.1f}  children "
                f"{sum(self.children) / MB:6.1f} ({len(self.children)}, largest "
                f"{max(self.children, default=0) / MB:5.1f}) | fds {self.fds:3d}  threads "
                f"{self.threads:2d} | processing {self.processing}")


def sample(pid: int, home: Path, t: float, fed: int, done: int) -> Sample:
    watcher, children = pss_tree(pid)
    try:
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        status = Path(f"/proc/{pid}/status").read_text()
        threads = int(status.split("Threads:", 1)[1].split()[0])
    except (OSError, IndexError, ValueError):
        fds = threads = 0
    # .lock: the watcher's own lock file in its processing folder, not an arrived file
    return Sample(t, fed, done, watcher, children, fds, threads,
                  files_in(home / "processing", ".lock"))


def memory(samples: list[Sample], value: Callable[[Sample], int]) -> str:
    """Average of the first and the last quarter; slope by least squares over files done."""
    q = max(1, len(samples) // 4)
    first, last = (statistics.fmean(value(s) / MB for s in part)
                   for part in (samples[:q], samples[-q:]))
    xs = [float(s.done) for s in samples]
    slope = "too few samples for a slope"
    if len(set(xs)) > 1:
        fit = statistics.linear_regression(xs, [value(s) / MB for s in samples]).slope * 1000
        slope = f"{fit:+.1f} MB/1000 files"
    return f"first quarter {first:6.1f} MB, last quarter {last:6.1f} MB, {slope}"


def main() -> int:
    ap = argparse.ArgumentParser(description="Soak test of the real `plr watch`.")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=2.0, help="files fed per second")
    ap.add_argument("--workers", type=int, default=None, help="default: the watcher's")
    ap.add_argument("--home", type=Path, default=None, help="default: a temporary folder")
    ap.add_argument("--keep", action="store_true", help="keep the temporary home")
    ap.add_argument("--drain-timeout", type=float, default=180.0)
    args = ap.parse_args()
    if args.home is not None and args.home.exists() and any(args.home.iterdir()):
        sys.exit(f"--home must be a new or empty folder: {args.home}")
    home = (args.home or Path(tempfile.mkdtemp(prefix="plr-soak-"))).resolve()
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    (home / "feed").mkdir()
    cmd = [sys.executable, "-m", "pipeline", "watch", "--log-json"]
    cmd += ["--workers", str(args.workers)] if args.workers else []
    with open(home / "watch.log", "wb") as log:
        proc = subprocess.Popen(cmd, env=watch_env(home), stdout=subprocess.DEVNULL, stderr=log)
    try:
        return soak(args, home, proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if args.home is None and not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"home kept: {home}")


def soak(args: argparse.Namespace, home: Path, proc: subprocess.Popen[bytes]) -> int:
    inbox, log_path = home / "inbox", home / "watch.log"
    deadline = time.monotonic() + 60
    while b'"watch_started"' not in log_path.read_bytes() and time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"the watcher did not start: exit status {proc.returncode}")
            return 1
        time.sleep(0.1)
    started = [json.loads(x) for x in log_path.read_text().splitlines() if "watch_started" in x]
    os.nice(10)  # the feed makes its files as it goes: the watcher has the CPU first
    print(f"soak: {args.minutes:g} min at {args.rate:g} files/s; watcher with "
          f"{started[0]['workers'] if started else '?'} workers; {os.cpu_count()} cores; "
          f"stability wait {STABLE} s")
    plan = feed_plan()
    fed: dict[str, tuple[str, float]] = {}  # name → (expected outcome, when it landed)
    done_at: dict[str, float] = {}
    samples: list[Sample] = []
    finished, drained, stopped = 0, False, 0.0
    t0 = time.monotonic()
    end, next_poll, next_sample = t0 + args.minutes * 60, t0, t0
    while True:
        now = time.monotonic()
        alive = proc.poll() is None
        feeding = alive and now < end
        if now >= next_sample and alive:
            samples.append(sample(proc.pid, home, now - t0, len(fed), finished))
            print(samples[-1].line(), flush=True)
            next_sample += SAMPLE_SECONDS
        if feeding and len(fed) <= (now - t0) * args.rate:
            name, data, expect = next(plan)
            (home / "feed" / name).write_bytes(data)
            (home / "feed" / name).rename(inbox / name)
            fed[name] = (expect, time.monotonic())
        if now >= next_poll:
            rows = ledger(home)
            for name, outcome, _ in rows or []:
                if outcome != "pending":
                    done_at.setdefault(name, now)
            finished = len(done_at) if rows is not None else finished
            next_poll = now + POLL_SECONDS
        if not feeding:
            stopped = stopped or now
            drained = (finished >= len(fed) and not files_in(inbox)
                       and not files_in(home / "processing", ".lock"))
            if not alive or drained or now > stopped + args.drain_timeout:
                break
        due = t0 + len(fed) / args.rate if feeding else next_poll
        time.sleep(max(0.0, min(due, next_poll, next_sample) - time.monotonic()))
    if proc.poll() is None:
        samples.append(sample(proc.pid, home, time.monotonic() - t0, len(fed), finished))
        print(samples[-1].line(), "(drained)" if drained else "(drain timed out)")
        proc.send_signal(signal.SIGTERM)
        try:
            print(f"watcher after SIGTERM: exit status {proc.wait(60)}")
        except subprocess.TimeoutExpired:
            proc.kill()
            print(f"watcher after SIGTERM: still running after 60 s, killed ({proc.wait()})")
    else:
        print(f"watcher exited by itself: exit status {proc.returncode}")
    return report(home, fed, done_at, samples, t0, stopped - t0)


def report(home: Path, fed: dict[str, tuple[str, float]], done_at: dict[str, float],
           samples: list[Sample], t0: float, span: float) -> int:
    rows = ledger(home) or []
    per_name = Counter(name for name, _, _ in rows)
    outcome = {name: o for name, o, _ in rows}
    cases = [c for _, o, cs in rows if o == "registered" for c in cs]
    no_docs = sorted(c for c in set(cases) if not all(
        any(word in p.name for p in (home / "outbox" / c).glob("*.docx")) for word in CASE_DOCS))
    placed = sum(files_in(home / d, ".reason.txt") for d in ("archive", "returned", "quarantine"))
    expected, got = Counter(e for e, _ in fed.values()), Counter(o for _, o, _ in rows)
    wrong = sum(1 for n, (e, _) in fed.items() if n in outcome and outcome[n] != e)
    left = files_in(home / "inbox"), files_in(home / "processing")
    checks = [
        ("one ledger entry per fed file", len(rows) == len(fed) and set(per_name) == set(fed),
         f"{len(rows)} entries for {len(fed)} files"),
        ("no file lost", all(per_name[n] for n in fed),
         f"{sum(1 for n in fed if not per_name[n])} fed files have no entry"),
        ("no file processed twice", max(per_name.values(), default=0) <= 1,
         f"{sum(1 for c in per_name.values() if c > 1)} files have several entries"),
        ("none pending", not got["pending"], f"{got['pending']} pending"),
        ("outcomes as fed", not wrong and got == expected, f"{wrong} files differ"),
        ("inbox/ and processing/ empty", not any(left), "{} in inbox/, {} in processing/"
         .format(*left)),
        ("each arrived file placed once", placed == len(fed), f"{placed} files placed"),
        ("one case per registered referral", len(set(cases)) == len(cases) ==
         expected["registered"], f"{len(set(cases))} case numbers, {len(cases)} entries"),
        ("registered cases have their documents", not no_docs, f"missing in {no_docs[:10]}"),
    ]
    last = max(done_at.values(), default=t0) - t0
    print(f"\nfed {len(fed)} files in {span / 60:.1f} min ({len(fed) / max(span, 1e-9):.2f}/s): "
          f"{dict(sorted(expected.items()))}; ledger {dict(sorted(got.items()))}")
    print(f"throughput {len(done_at) / max(last, 1e-9) * 60:.0f} files/min "
          f"(first file fed to last one finished, {last:.0f} s)")
    busy = [s for s in samples if s.done] or samples
    if busy:
        print(f"memory, watcher + children: {memory(busy, lambda s: s.watcher + sum(s.children))}")
        print(f"memory, watcher alone:      {memory(busy, lambda s: s.watcher)}")
        start = samples[0].watcher + sum(samples[0].children)
        print(f"largest child max {max(max(s.children, default=0) for s in busy) / MB:.1f} MB; "
              f"all {start / MB:.1f} MB at the start")
        print(f"watcher fds {min(s.fds for s in busy)}–{max(s.fds for s in busy)}, threads "
              f"{min(s.threads for s in busy)}–{max(s.threads for s in busy)}; children "
              f"{min(len(s.children) for s in busy)}–{max(len(s.children) for s in busy)}; "
              f"processing/ at most {max(s.processing for s in busy)}")
    lat = sorted(done_at[n] - at for n, (e, at) in fed.items()
                 if e == "registered" and n in done_at)
    if lat:
        print(f"latency inbox → ledger closed, registered files: median "
              f"{statistics.median(lat):.2f} s, p95 {lat[max(0, round(0.95 * len(lat)) - 1)]:.2f}"
              f" s, max {lat[-1]:.2f} s (ledger read every {POLL_SECONDS} s)")
    events: Counter[str] = Counter()
    for line in (home / "watch.log").read_text(errors="replace").splitlines():
        try:
            ev = json.loads(line)
            if ev["level"] not in ("info", "debug"):
                events[f"{ev['level']} {ev['event']}"] += 1
        except (ValueError, KeyError, TypeError):
            events["lines not JSON (tracebacks?)"] += 1
    print(f"watcher log: {dict(events) or 'no warnings or errors'}")
    print(f"feeder CPU (making the files): {time.process_time():.0f} s")
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}" + ("" if ok else f": {detail}"))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
