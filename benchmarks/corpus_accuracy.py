"""Accuracy of the printed/retyped-form readers on the robustness corpus.

    .venv/bin/python benchmarks/corpus_accuracy.py [--diff NAME...]

Reads every file of `tests/corpus/` through `pipeline.extract.extract_bytes`,
compares every field with `<name>.expected.json` and prints per-file scores,
the fields most often wrong and the overall share of fields read exactly.
Exits 1 when that share is below 98 %. `--diff` prints the wrong fields of the
named files with both values (the corpus is synthetic, so this is safe).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus.compare import TARGET, CorpusScore, FileScore, corpus_files, score_file


def _report(score: CorpusScore, diff: set[str]) -> None:
    print(f"{'file':<44} {'right':>5} {'total':>5} {'share':>7}  error")
    for f in score.files:
        print(f"{f.name:<44} {f.right:>5} {f.total:>5} {f.share:>7.1%}  {f.error or ''}")
    print("\nfields most often wrong (wrong / seen):")
    for key, wrong, seen in score.worst_fields():
        print(f"  {key:<40} {wrong:>3} / {seen}")
    for f in score.files:
        if f.name in diff or Path(f.name).stem in diff:
            _diff(f)
    print(f"\noverall: {score.right} / {score.total} fields read exactly = {score.share:.2%}"
          f" (target {TARGET:.0%})")


def _diff(f: FileScore) -> None:
    print(f"\n{f.name}: {len(f.wrong)} wrong")
    for r in f.wrong:
        print(f"  {r.key}\n    expected {r.expected!r}\n    read     {r.actual!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diff", nargs="*", default=[], help="files whose wrong fields to show")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    score = CorpusScore([score_file(p) for p in corpus_files()])
    _report(score, set(args.diff))
    print(f"{len(score.files)} files in {time.perf_counter() - started:.1f} s")
    return 0 if score.share >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
