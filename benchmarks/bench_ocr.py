"""Seconds per page of reading a scanned form, beside Tesseract alone on the same pages.

    .venv/bin/python benchmarks/bench_ocr.py [--runs 3] [--dpi 300]

The scan is `tests/fixtures/layout/tables.pdf` printed, turned 1.5° and saved as an
image-only PDF (JPEG pages), as the tests make it. "tesseract alone" is what no OCR
reader can avoid: one `tesserocr` recognition of each page as rendered, with the same
languages. The difference is ours: the child process, rendering, straightening,
rulings and boxes, the text-layer PDF, the label reader, the confidence checks. Both
are timed in the same run, alternating, so machine load hits both alike. Also printed:
what the ink check of the letters' marks costs (the Estonian re-reading of doubtful
words, `ocr.Engine._refine`: the same straightened pages read with and without it),
the share of the form's fields read exactly, and of the misses how many were listed
for the coordinator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from expected import as_extracted  # noqa: E402
from layout_fixtures import LAYOUT, make  # noqa: E402
from scans import degrade, field_accuracy, image_pdf, render  # noqa: E402

from pipeline.config import Limits  # noqa: E402
from pipeline.extract import extract_bytes  # noqa: E402
from pipeline.read import images, ocr  # noqa: E402


def _tesseract_alone(data: bytes, pages: int) -> float:
    import tesserocr
    from PIL import Image

    folder, langs = ocr.tessdata()
    start = time.perf_counter()
    grays = images.render_pdf_pages(data, list(range(pages)), 300)
    with tesserocr.PyTessBaseAPI(path=folder + "/", lang=langs) as api:
        for g in grays:
            api.SetImage(Image.fromarray(g))
            api.Recognize()
            api.AllWordConfidences()
    return time.perf_counter() - start


def _mark_check_cost(data: bytes, pages: int, runs: int) -> tuple[float, float]:
    """Seconds for the straightened pages' OCR (word boxes), without and with the check."""
    grays = images.render_pdf_pages(data, list(range(pages)), 300)
    straight = [images.straighten(g, 300.0) for g in grays]
    plain: list[float] = []
    checked: list[float] = []
    for _ in range(runs):
        for refine, out in ((False, plain), (True, checked)):
            engine = ocr.Engine()
            if not refine:
                engine._refine = lambda _ocr, _dpi, words: words  # type: ignore[method-assign]
            start = time.perf_counter()
            for page in straight:
                engine.words(page.ocr, page.dpi)
            out.append(time.perf_counter() - start)
            engine.close()
    return statistics.median(plain), statistics.median(checked)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dpi", type=int, default=300)
    args = ap.parse_args()
    pages = [degrade(p, angle=1.5) for p in render((LAYOUT / "tables.pdf").read_bytes(),
                                                    args.dpi)]
    data = image_pdf(pages, args.dpi)
    limits = Limits(read_seconds=600)
    ours: list[float] = []
    bare: list[float] = []
    result = None
    for _ in range(args.runs):
        start = time.perf_counter()
        (result,) = extract_bytes(data, name="skann.pdf", limits=limits,
                                  today=dt.date(2026, 11, 30))
        ours.append(time.perf_counter() - start)
        bare.append(_tesseract_alone(data, len(pages)))
    assert result is not None and result.referral is not None and result.ocr is not None
    acc, wrong = field_accuracy(result.referral.model_dump(mode="json"),
                                as_extracted(make.expected("tables")))
    listed = {r["field"] for r in result.ocr["review"]}
    n = len(pages)
    plain, checked = _mark_check_cost(data, n, args.runs)
    print(f"scan: tables.pdf, {n} pages at {args.dpi} dpi, turned 1.5°, JPEG in PDF; "
          f"{args.runs} runs, median")
    print(f"  plr extract (OCR reader)   {statistics.median(ours) / n:6.2f} s/page")
    print(f"  tesseract alone            {statistics.median(bare) / n:6.2f} s/page")
    print(f"  OCR words, marks unchecked {plain / n:6.2f} s/page")
    print(f"  OCR words, marks checked   {checked / n:6.2f} s/page   "
          f"(+{(checked - plain) / n:.2f} s/page)")
    print(f"  fields exact               {acc:6.1%}   misses listed for the coordinator: "
          f"{sum(1 for k in wrong if k in listed)}/{len(wrong)}")


if __name__ == "__main__":
    main()
