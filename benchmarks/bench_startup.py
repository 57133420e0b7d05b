"""How long the command line takes to start, beside the bare `import typer`.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Runs each command as a fresh process (the installed `plr` script, as a user does) in a
fresh home folder, the commands in turn (interleaved, so a change of load on a shared
machine falls on all alike), and prints the median and the best wall time and the median
CPU time (user + system, `RUSAGE_CHILDREN`: less noisy on a busy machine) of `--runs`
runs, in one
table with `python -c "import typer"` (the floor: the interpreter and the CLI library)
and `python -c pass` (the interpreter alone), all measured in the same run on the same
machine. `plr cases` and `plr intake` really run on a register that exists (the first
run, before timing, creates it), so they take the light path: sqlite3, no SQLAlchemy and
no pydantic; the `--help` forms load no library the help does not need.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLR = Path(sys.executable).with_name("plr")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One run: its wall time and its CPU time (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
        env["PLR_HOME"] = tmp
        subprocess.run([str(PLR), "cases"], env=env, capture_output=True, check=False)
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ('python -c "import typer"', [sys.executable, "-c", "import typer"]),
            ("plr --help", [str(PLR), "--help"]),
            ("plr cases --help", [str(PLR), "cases", "--help"]),
            ("plr intake --help", [str(PLR), "intake", "--help"]),
            ("plr cases", [str(PLR), "cases"]),
            ("plr intake", [str(PLR), "intake"]),
        ]
        times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in rows}
        for _ in range(args.runs):
            for label, cmd in rows:
                times[label].append(timed(cmd, env))
        print(f"start-up, {args.runs} runs each, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.2f}")
        print(f"{'command':28} {'median s':>9} {'best s':>8} {'CPU s':>7}")
        for label, _ in rows:
            walls = [w for w, _ in times[label]]
            cpu = statistics.median(c for _, c in times[label])
            print(f"{label:28} {statistics.median(walls):9.3f} {min(walls):8.3f} {cpu:7.3f}")

if __name__ == "__main__":
    main()
