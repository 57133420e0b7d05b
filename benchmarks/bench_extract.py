"""Median time of `extract_bytes` per input kind, beside the bare library call on the same file.

    .venv/bin/python benchmarks/bench_extract.py [--runs 15]

The bare call is what a reader cannot avoid (pypdf open + get_fields,
pdfplumber page text, python-docx open, stdlib e-mail parse); the difference
is ours: the child process, screening, label parsing, assembling, validating.
Both are timed in the same run, alternating, so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import io
import statistics
import sys
import time
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import Limits  # noqa: E402
from pipeline.extract import extract_bytes  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "tests" / "corpus"


def _first(*candidates: Path) -> Path | None:
    return next((p for p in candidates if p.is_file()), None)


def _forms() -> tuple[bytes, bytes]:
    from pipeline.forms_build.docx import build_docx
    from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
    from pipeline.forms_build.pdf import build_pdf
    from pipeline.samples import sample_referral

    raw = referral_to_raw(sample_referral())
    return fill_pdf(build_pdf(), raw), fill_docx(build_docx(), raw)


def _eml(pdf: bytes, docx: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Suunaja <kyllike.ounapuu@example.ee>"
    msg["To"] = "pere.lahendusring@example.ee"
    msg["Subject"] = "Suunamine"
    msg.set_content("Tere! Manuses suunamisvorm.\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="vorm.pdf")
    msg.add_attachment(docx, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="vorm.docx")
    return msg.as_bytes()


# --- bare library calls -------------------------------------------------------------------------


def bare_pypdf(data: bytes) -> None:
    from pypdf import PdfReader

    PdfReader(io.BytesIO(data)).get_fields()


def bare_pdfplumber(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def bare_docx(data: bytes) -> None:
    import docx

    docx.Document(io.BytesIO(data))


def bare_email(data: bytes) -> None:
    msg = email.message_from_bytes(data, policy=policy.default)
    for part in msg.walk():
        part.get_payload(decode=True)


# --- timing ---------------------------------------------------------------------------------------


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cases() -> list[tuple[str, str, bytes, Callable[[bytes], None]]]:
    pdf, docx = _forms()
    out: list[tuple[str, str, bytes, Callable[[bytes], None]]] = [
        ("fields PDF", "fill_pdf(sample)", pdf, bare_pypdf),
    ]
    flat = _first(FIXTURES / "layout" / "tables.pdf", CORPUS / "p25_print_table2_header.pdf")
    if flat:
        out.append(("flattened PDF", flat.relative_to(ROOT).as_posix(), flat.read_bytes(),
                    bare_pdfplumber))
    out.append(("content-control DOCX", "fill_docx(sample)", docx, bare_docx))
    retyped = _first(CORPUS / "r01_table2_header_official.docx",
                     FIXTURES / "layout" / "tables.docx")
    if retyped:
        out.append(("retyped DOCX", retyped.relative_to(ROOT).as_posix(), retyped.read_bytes(),
                    bare_docx))
    out.append(("eml (PDF + DOCX)", "EmailMessage", _eml(pdf, docx), bare_email))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    limits = Limits()
    today = dt.date(2026, 11, 24)
    rows = []
    for kind, source, data, bare in cases():
        first = extract_bytes(data, name=source, limits=limits, today=today)  # warm imports
        bare(data)
        outcome = ", ".join(r.error.code if r.error else (r.source.method or "?") for r in first)
        ours = _median_ms(partial(extract_bytes, data, name="x", limits=limits, today=today),
                          args.runs)
        lib = _median_ms(partial(bare, data), args.runs)
        rows.append((kind, source, len(data), outcome, ours, bare.__name__, lib))
    head = ("input", "file", "bytes", "result", "extract ms", "bare call", "bare ms", "×")
    table = [head] + [
        (k, s, str(n), o, f"{e:.1f}", b, f"{lib:.1f}", f"{e / lib:.1f}" if lib else "-")
        for k, s, n, o, e, b, lib in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nmedian of {args.runs} runs each; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
