"""How long the command line takes to start, beside the bare `import typer`.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Runs each command as a fresh process (the installed `plr` script, as a user does) in a
fresh home folder and prints the median and the best wall time of `--runs` runs, in one
table with `python -c "import typer"` (the floor: the interpreter and the CLI library)
and `python -c pass` (the interpreter alone), all measured in the same run on the same
machine. `plr cases` and `plr intake` really run: they open (and on the first run
create) the register, so they include SQLAlchemy; the `--help` forms load no library
the help does not need.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLR = Path(sys.executable).with_name("plr")


def timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


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
        print(f"start-up, {args.runs} runs each, {os.cpu_count()} cores")
        print(f"{'command':28} {'median s':>9} {'best s':>8}")
        for label, cmd in rows:
            med, best = timed(cmd, env, args.runs)
            print(f"{label:28} {med:9.3f} {best:8.3f}")


if __name__ == "__main__":
    main()
