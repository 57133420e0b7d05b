"""How fast `plr watch` drains a backlog and how quickly one file gets through.

    .venv/bin/python benchmarks/bench_watch.py [--files 300] [--latency 20] [--reps 3]

Prints, for a backlog of mixed synthetic referrals (DOCX, fields PDF,
flattened PDF, e-mails carrying a DOCX):

- the floor: the bare library work on the same files in one process (read
  each form, render the same documents), and floor / cores;
- the floor on all cores: the same work split into one process per core, all started
  at once, which tells how much more than one core the machine gives (shared cores
  give less than their number);
- the drain time of `plr watch --once` with the default pool and with one
  worker, and the speed-up between them;
- the watcher's memory (PSS of the watcher and its workers) across the drain, as the
  median of each quarter of the samples;
- with `--reps N`, the floor and the pooled drain measured N times, alternating, so that
  load from other processes on the machine hits both alike, each with the load average;
- the CPU time of all three, which load from other processes hardly changes: the floor's
  `process_time` plus its reaped children (the readers' limited child), the same summed
  over the shares of the floor on all cores (a core slowed by its busy sibling spends
  more CPU time on the same work, so this is the fair base for the drain), and the drain's
  `RUSAGE_CHILDREN` after the watcher was waited for (the watcher, its fork server and
  workers and their children, each reaped by its parent; this process is their
  subreaper, so an orphan counts too); their ratio is the overhead the cores pay;
- with `--breakdown`, one more drain watched closely: the CPU time of the watcher, its
  fork server, the workers and their reader children, the machine's idle time, and the
  timeline (first claim, first and last file done, exit) with the steady rate per file;
- the latency from a file landing in the inbox to its documents in the
  outbox with the watcher idle (median, 95th percentile), beside the
  configured stability wait.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

STABLE = 0.3


def build(folder: Path, n: int) -> None:
    from printed import printed
    from test_watch_e2e import form

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        kind = i % 4
        if kind == 0:
            (folder / f"b{i:03d}.docx").write_bytes(form(1000 + i))
        elif kind == 1:
            (folder / f"b{i:03d}.pdf").write_bytes(form(1000 + i, "pdf"))
        elif kind == 2:  # printed to PDF: the fields are gone, the boxes are printed marks
            (folder / f"b{i:03d}.pdf").write_bytes(printed(form(1000 + i, "pdf")))
        else:
            msg = EmailMessage()
            msg["From"] = f"suunaja{1000 + i}@example.ee"
            msg["To"] = "plr@example.ee"
            msg["Subject"] = "Suunamine"
            msg.set_content("Tere! Manuses suunamisvorm.")
            msg.add_attachment(form(1000 + i), maintype="application",
                               subtype="vnd.openxmlformats-officedocument.wordprocessingml"
                               ".document", filename="suunamine.docx")
            (folder / f"b{i:03d}.eml").write_bytes(bytes(msg))


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def floor(folder: Path, part: int = 0, parts: int = 1) -> tuple[float, float]:
    """The same reading and rendering in one process, without watcher, pool or database:
    (wall s, CPU s of this process and the readers' child). With `parts`, only every
    `parts`-th file from `part` on (one share of `floor_on_all_cores`)."""
    from pipeline.config import Limits
    from pipeline.extract import extract_bytes
    from pipeline.model.case import CaseView, State
    from pipeline.read import safety
    from pipeline.render import documents as docs

    limits = Limits()
    # Dealt out kind by kind, so that each share gets as many of each kind: the files
    # cycle through the four kinds, and every `parts`-th file of the plain order would
    # give one share all the printed PDFs (the dearest kind) when `parts` is even.
    files = sorted(folder.iterdir(), key=lambda p: (int(p.stem[1:]) % 4, p.name))[part::parts]
    cpu, child = time.process_time(), _children_cpu()
    t = time.perf_counter()
    for k, path in enumerate(files):
        for x in extract_bytes(path.read_bytes(), name=path.name, limits=limits):
            if x.error is not None:
                continue
            if x.has_errors or x.referral is None:
                docs.for_return(x.referral, list(x.issues), path.name, x.source.sender)
            else:
                view = CaseView(number=f"PLR-2026-{k + 1:04d}", state=State.REGISTERED,
                                received_at=dt.datetime.now(), referral=x.referral,
                                warnings=[i for i in x.issues if not i.is_error])
                docs.for_registration(view)
    wall = time.perf_counter() - t
    safety.end_worker()  # the kept reader child leaves and is reaped: its CPU counts
    return wall, time.process_time() - cpu + _children_cpu() - child


def _subreaper() -> None:
    """Orphans of the watcher's tree (a process whose parent left without waiting for it)
    become ours, so that their CPU time is counted too (Linux only)."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans() -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)  # one still leaving (it saw its pipe close)


SHARE = """
import sys
sys.path[:0] = {paths!r}
import bench_watch
from pathlib import Path
bench_watch.floor(Path({folder!r}), 0, 100)  # warm: lazy imports, first templates
print("ready", flush=True)
sys.stdin.readline()  # every share is ready: go
wall, cpu = bench_watch.floor(Path({folder!r}), {part}, {parts})
print(wall, cpu)
"""


def floor_on_all_cores(folder: Path, cores: int) -> tuple[float, float]:
    """The floor's work split into `cores` processes run at once, started together once
    each has imported everything: (wall s until the last share ends, CPU s of all).

    What the machine itself delivers on all its cores: two busy vCPUs that share a
    physical core (or a host) do less than twice the work of one, whatever runs on
    them, so the drain is also compared with this."""
    paths = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]
    procs = [subprocess.Popen(
        [sys.executable, "-c", SHARE.format(paths=paths, folder=str(folder), part=i,
                                            parts=cores)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i in range(cores)]
    for p in procs:  # each warmed up, then all at once
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("\n")
        p.stdin.flush()
    results = [p.communicate()[0].split() for p in procs]
    return max(float(w) for w, _ in results), sum(float(c) for _, c in results)


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU s so far) of every process (from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, float]] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            out[int(p.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return out


def _kids(stats: dict[int, tuple[int, float]]) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        kids.setdefault(ppid, []).append(pid)
    return kids


def _descendants(kids: dict[int, list[int]], root: int) -> list[int]:
    """`root` and every process below it, however deep."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out


def pss_tree(root: int) -> tuple[int, list[int]]:
    """PSS in bytes of `root` alone and of each child with its descendants (from /proc).

    Proportional set size, not RSS: a reader's forked child shares most of its
    worker's pages, and summing RSS would count them twice."""
    kids = _kids(_proc_stats())

    def pss(pid: int) -> int:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            return 0  # gone meanwhile
        own = sum(int(ln.split()[1]) * 1024 for ln in rollup.splitlines() if ln.startswith("Pss:"))
        return own + sum(pss(c) for c in kids.get(pid, []))

    children = [pss(c) for c in kids.get(root, [])]
    return pss(root) - sum(children), children


def _tree_rss(pid: int) -> int:
    """PSS in bytes of `pid` and its descendants."""
    own, children = pss_tree(pid)
    return own + sum(children)


def env(home: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    e.update(PLR_HOME=str(home), PLR_STABLE_SECONDS=str(STABLE), PYTHONPATH=str(ROOT))
    return e


def _fresh_home(corpus: Path, home: Path) -> Path:
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(corpus, home / "inbox")
    return home


def _watch_once(home: Path, workers: int | None, stderr: Any) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "pipeline", "watch", "--once", "--log-json"]
    if workers:
        args += ["--workers", str(workers)]
    return subprocess.Popen(args, env=env(home), stdout=subprocess.DEVNULL, stderr=stderr)


def _check_drained(proc: subprocess.Popen[bytes], home: Path) -> None:
    left = list((home / "inbox").iterdir())
    if proc.returncode != 0 or left:
        raise SystemExit(f"drain failed: exit {proc.returncode}, {len(left)} files left")


def drain(corpus: Path, workdir: Path, workers: int | None
          ) -> tuple[float, float, list[int]]:
    """(wall s, CPU s of the watcher's whole tree, PSS samples)."""
    home = _fresh_home(corpus, workdir / f"home-{workers or 'default'}")
    rss: list[int] = []
    child = _children_cpu()
    t = time.perf_counter()
    proc = _watch_once(home, workers, subprocess.DEVNULL)
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            rss.append(_tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    proc.wait()
    elapsed = time.perf_counter() - t
    _reap_orphans()
    cpu = _children_cpu() - child
    stop.set()
    sampler.join()
    _check_drained(proc, home)
    return elapsed, cpu, rss


def _cpu_stat() -> list[float]:
    """The machine's CPU seconds so far: user, nice, system, idle, iowait, … (/proc/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    return [int(x) / tick for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def breakdown(corpus: Path, workdir: Path) -> None:
    """One more drain, watched closely (not counted in the ratios above: sampling /proc
    every 50 ms costs CPU of its own): the CPU time of each kind of process in the
    watcher's tree, the machine's idle time, and the drain's timeline from the JSON log,
    whose steady part (first file done to last) is compared with floor/cores per file."""
    import json

    home = _fresh_home(corpus, workdir / "home-breakdown")
    log = workdir / "breakdown.log"
    seen: dict[int, tuple[int, float]] = {}
    cmds: dict[int, str] = {}  # read once per process: only the fork server's is asked for
    stat0, t0, epoch = _cpu_stat(), time.perf_counter(), time.time()
    with log.open("w") as err:
        proc = _watch_once(home, None, err)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.05):
                stats = _proc_stats()
                for pid in _descendants(_kids(stats), proc.pid):
                    if pid in stats:
                        seen[pid] = stats[pid]
                    if pid not in cmds:
                        try:
                            cmds[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().decode(
                                errors="replace")
                        except OSError:
                            cmds[pid] = ""

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
    stat = [b - a for a, b in zip(stat0, _cpu_stat(), strict=False)]
    _reap_orphans()
    _check_drained(proc, home)
    roles: dict[str, list[float]] = {}
    for pid, (ppid, cpu) in seen.items():
        if pid == proc.pid:
            role = "watcher"
        elif ppid == proc.pid:
            role = ("fork server" if "forkserver" in cmds.get(pid, "")
                    else "other child of the watcher")
        elif seen.get(ppid, (0,))[0] == proc.pid:
            role = "workers"
        else:
            role = "workers' reader children"
        roles.setdefault(role, []).append(cpu)
    print(f"breakdown drain: {wall:.1f} s; the machine: user {stat[0]:.1f} s, system "
          f"{stat[2]:.1f} s, idle {stat[3]:.1f} s, I/O wait {stat[4]:.1f} s")
    for role, cpus in sorted(roles.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {role:28s} {len(cpus):3d} process(es)  CPU {sum(cpus):6.2f} s")
    events: dict[str, list[float]] = {}
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            e = json.loads(line)
            at = dt.datetime.fromisoformat(e["ts"]).timestamp() - epoch
            events.setdefault(e["event"], []).append(at)
    done = sorted(events.get("registered", []) + events.get("returned", [])
                  + events.get("quarantined", []))
    if len(done) > 1:
        started = min(events.get("watch_started", [float("nan")]))
        print(f"  timeline: watching at {started:.2f} s, first claim "
              f"{min(events.get('claimed', [float('nan')])):.2f} s, first file done "
              f"{done[0]:.2f} s, last {done[-1]:.2f} s, exit {wall:.2f} s; steady "
              f"{(done[-1] - done[0]) / (len(done) - 1) * 1000:.1f} ms a file")


def latency(corpus: Path, workdir: Path, count: int) -> list[float]:
    home = workdir / "home-latency"
    shutil.rmtree(home, ignore_errors=True)
    (home / "inbox").mkdir(parents=True)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--log-json"],
                            env=env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: list[float] = []
    try:
        time.sleep(4)  # let the workers start: the watcher is idle when files land
        files = [p for p in sorted(corpus.iterdir()) if p.suffix == ".docx"][:count]
        for path in files:
            placed_before = _placed(home)
            tmp = home / "inbox" / f".{path.name}.part"
            shutil.copyfile(path, tmp)
            t = time.perf_counter()
            tmp.rename(home / "inbox" / path.name)
            while _placed(home) == placed_before:
                time.sleep(0.01)
            out.append(time.perf_counter() - t)
            time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(30)
    return out


def _placed(home: Path) -> int:
    return sum(1 for sub in ("archive", "returned", "quarantine") if (home / sub).is_dir()
               for p in (home / sub).rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--latency", type=int, default=20)
    ap.add_argument("--reps", type=int, default=1,
                    help="floor and pooled drain this many times, alternating")
    ap.add_argument("--no-single", action="store_true", help="skip the one-worker drain")
    ap.add_argument("--breakdown", action="store_true",
                    help="one more drain: CPU per kind of process, idle time, timeline")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    _subreaper()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        build(corpus, args.files)
        # floor wall, floor CPU, floor on all cores wall and CPU, drain wall, drain CPU,
        # loads
        rounds: list[tuple[float, float, float, float, float, float, float, float]] = []
        for _ in range(args.reps):
            load0 = os.getloadavg()[0]
            base, base_cpu = floor(corpus)
            spread, spread_cpu = floor_on_all_cores(corpus, cores)
            pooled, pooled_cpu, rss = drain(corpus, work, None)
            rounds.append((base, base_cpu, spread, spread_cpu, pooled, pooled_cpu, load0,
                           os.getloadavg()[0]))
        print("round  floor s  floor on all cores s  drain s  drain/(floor/cores)  "
              "drain/(floor on all cores)  floor CPU s  all cores CPU s  drain CPU s  "
              "CPU drain/floor  CPU drain/all cores  load avg before/after")
        for i, (b, bc, sp, sc, d, dc, l0, l1) in enumerate(rounds, 1):
            print(f"{i:5d}  {b:7.1f}  {sp:20.1f}  {d:7.1f}  {d / (b / cores):19.2f}  "
                  f"{d / sp:26.2f}  {bc:11.1f}  {sc:15.1f}  {dc:11.1f}  {dc / bc:15.2f}  "
                  f"{dc / sc:19.2f}  {l0:.2f} / {l1:.2f}")
        ratios = [r[4] / (r[0] / cores) for r in rounds]
        spread_ratios = [r[4] / r[2] for r in rounds]
        cpu_ratios = [r[5] / r[1] for r in rounds]
        cpu_spread_ratios = [r[5] / r[3] for r in rounds]
        print(f"median drain/(floor/cores) {statistics.median(ratios):.2f} (target ≤ 1.2); "
              f"drain/(floor on all cores) {statistics.median(spread_ratios):.2f}; "
              f"CPU drain/floor {statistics.median(cpu_ratios):.2f}; "
              f"CPU drain/floor on all cores {statistics.median(cpu_spread_ratios):.2f}\n")
        base = statistics.median(r[0] for r in rounds)
        spread = statistics.median(r[2] for r in rounds)
        pooled = statistics.median(r[4] for r in rounds)
        single, single_cpu = (drain(corpus, work, 1)[:2] if not args.no_single
                              else (float("nan"), float("nan")))
        lat = latency(corpus, work, args.latency) if args.latency else []
        if args.breakdown:
            breakdown(corpus, work)
            base_cpu = statistics.median(r[1] for r in rounds)
            print(f"  the floor: {base / cores / args.files * 1000:.1f} ms a file on "
                  f"{cores} cores, CPU {base_cpu:.2f} s in all (its reading child "
                  "included)\n")
    print(f"backlog: {args.files} files (DOCX, fields PDF, flattened PDF, e-mail); "
          f"{cores} cores; stability wait {STABLE} s")
    print(f"floor (library work, one process):  {base:7.1f} s   floor/cores {base / cores:6.1f} s")
    print(f"floor on all cores at once:          {spread:7.1f} s   "
          f"({base / spread:.2f}× one process: what {cores} cores deliver here)")
    print(f"plr watch --once, default pool:      {pooled:7.1f} s   "
          f"= {pooled / (base / cores):.2f} × floor/cores (target ≤ 1.2)")
    print(f"plr watch --once --workers 1:        {single:7.1f} s   speed-up of pool "
          f"{single / pooled:.2f}×; CPU {single_cpu:.1f} s")
    if len(rss) >= 4:
        n = len(rss)
        q = [int(statistics.median(rss[i * n // 4:(i + 1) * n // 4])) // 2**20 for i in range(4)]
        print(f"memory (watcher + workers PSS, MB), median of each quarter of the drain: {q}")
    if lat:
        med = statistics.median(lat)
        p95 = sorted(lat)[max(0, round(0.95 * len(lat)) - 1)]
        print(f"latency inbox → outbox, idle watcher ({len(lat)} files): median {med:.2f} s, "
              f"p95 {p95:.2f} s; beyond the stability wait: median {med - STABLE:.2f} s "
              "(target < 1 s)")


if __name__ == "__main__":
    main()
