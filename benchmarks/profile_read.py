"""Where a read spends its time: cProfile over the readers of every benchmark and corpus file.

    .venv/bin/python benchmarks/profile_read.py [--top 15] [--kind docx|pdf] [--runs 1]

The readers run in this process (not in the limited child that `extract_bytes`
forks), so the profile sees inside them; the label index is warmed first, as
the readers' preload does before forking.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import Limits  # noqa: E402
from pipeline.model.assemble import assemble  # noqa: E402
from pipeline.read import docx_reader, pdf_reader  # noqa: E402


def files(kind: str | None) -> list[Path]:
    found = sorted((ROOT / "tests" / "corpus").glob("*.*")) + sorted(
        (ROOT / "tests" / "fixtures" / "layout").glob("*.*"))
    return [p for p in found if p.suffix in (".pdf", ".docx")
            and (kind is None or p.suffix == f".{kind}")]


def read_all(paths: list[Path], limits: Limits) -> None:
    for p in paths:
        data = p.read_bytes()
        if p.suffix == ".pdf":
            result = pdf_reader._read(data, limits)
        else:
            result = docx_reader.DocxReader().read(data, limits)
        assemble(result.raw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--kind", choices=["docx", "pdf"])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--sort", default="tottime")
    args = ap.parse_args()
    limits = Limits()
    paths = files(args.kind)
    pdf_reader._preload()
    read_all(paths[:1], limits)  # imports and caches, as a worker has them before its files
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.runs):
        read_all(paths, limits)
    prof.disable()
    print(f"{len(paths)} files × {args.runs}")
    pstats.Stats(prof).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
