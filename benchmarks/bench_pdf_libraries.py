"""pypdfium2 (PDFium) beside pdfplumber on the printed PDFs, for issue 11's question
whether PDFium could read printed forms instead.

    .venv/bin/pip install pypdfium2 && .venv/bin/python benchmarks/bench_pdf_libraries.py

Both read what the layout reader needs, in the same run, alternating: every glyph
with its box, and the ruling lines (pdfplumber: `chars` and `find_tables`;
PDFium: the text page's characters with their boxes and the page's path objects).
"same text" compares the glyphs each library found, whitespace left out (the
order too: PDFium's text page puts some lines in another order); pypdfium2
is not a dependency of the project (see the closing note of issue 11).
"""

from __future__ import annotations

import io
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus.compare import corpus_files  # noqa: E402


def plumber(data: bytes) -> str:
    import pdfplumber

    text = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            text += [c["text"] for c in page.chars]
            page.find_tables()
            page.close()
    return re.sub(r"\s+", "", "".join(text))


def pdfium(data: bytes) -> str:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    text = []
    doc: Any = pdfium.PdfDocument(data)
    for page in doc:
        tp = page.get_textpage()
        n = tp.count_chars()
        text.append(tp.get_text_range())
        _boxes = [tp.get_charbox(i, loose=True) for i in range(n)]
        _paths = [o.get_bounds() for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH])]
        tp.close()
        page.close()
    doc.close()
    return re.sub(r"\s+", "", "".join(text))


def _same(a: str, b: str) -> str:
    if a == b:
        return "yes"
    if sorted(a) == sorted(b):
        return "same glyphs, another order"
    return f"no ({len(a)} / {len(b)} glyphs)"


def main() -> int:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        print("pypdfium2 is not installed (it is not a dependency): nothing to compare")
        return 0
    files = sorted((ROOT / "tests" / "fixtures" / "layout").glob("*.pdf")) + [
        p for p in corpus_files() if p.suffix == ".pdf"]
    print(f"{'file':<36} {'pdfplumber ms':>13} {'pdfium ms':>9} {'×':>5}  same text")
    ratios = []
    for path in files:
        data = path.read_bytes()
        a, b = [], []
        for _ in range(5):
            t = time.perf_counter()
            ta = plumber(data)
            a.append(time.perf_counter() - t)
            t = time.perf_counter()
            tb = pdfium(data)
            b.append(time.perf_counter() - t)
        ma, mb = statistics.median(a) * 1000, statistics.median(b) * 1000
        ratios.append(ma / mb)
        print(f"{path.name:<36} {ma:13.1f} {mb:9.1f} {ma / mb:5.1f}  "
              f"{_same(ta, tb)}")
    print(f"median: pdfplumber takes {statistics.median(ratios):.1f}× PDFium's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
