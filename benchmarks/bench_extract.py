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


# --- signed containers and PDFs, older Word formats (issue 12) -------------------------------
# Signed with a throw-away test CA (tests/signing.py); the bare calls are pyasice open + verify,
# pyHanko's validation, and LibreOffice's conversion alone.

# A LibreOffice start takes seconds: fewer runs for the converted kinds.
RUNS_CAP = {"Word 97-2003 .doc": 3, "RTF": 3, "ODT": 3}


def bare_pyasice(data: bytes) -> None:
    from pipeline.read import oscrypto_fix

    oscrypto_fix.apply()
    from pyasice import Container

    container = Container(io.BytesIO(data))
    for sig in container.iter_signatures():
        sig.verify()


def bare_pyhanko(data: bytes) -> None:
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature

    for emb in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
        asyncio.run(async_validate_pdf_signature(emb, skip_diff=True))


def bare_soffice(kind: str, data: bytes) -> None:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"vorm.{kind}"
        src.write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation={(Path(tmp) / 'p').as_uri()}",
                        "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                       check=True, capture_output=True)


def signed_and_converted(
    pdf: bytes, docx: bytes
) -> list[tuple[str, str, bytes, Callable[[bytes], None]]]:
    import shutil
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from signing import DOCX_MIME, make_ca, sign_asice, sign_pdf

    from pipeline.model import isikukood

    ca = make_ca()
    signer = ca.signer("KÜLLIKE", "ÕUNAPUU-ŽUKOVSKAJA",
                       isikukood.make(dt.date(1980, 1, 1), female=True, serial=1))
    out: list[tuple[str, str, bytes, Callable[[bytes], None]]] = [
        ("ASiC-E (DOCX, XAdES)", "sign_asice(fill_docx)",
         sign_asice({"vorm.docx": (docx, DOCX_MIME)}, [signer], ca), bare_pyasice),
        ("signed PDF (PAdES)", "sign_pdf(fill_pdf)", sign_pdf(pdf, signer, ca), bare_pyhanko),
    ]
    if shutil.which("soffice") is None:
        return out
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "vorm.docx"
        src.write_bytes(docx)
        for kind, label in (("doc", "Word 97-2003 .doc"), ("rtf", "RTF"), ("odt", "ODT")):
            subprocess.run(["soffice", f"-env:UserInstallation={(Path(tmp) / 'p').as_uri()}",
                            "--headless", "--convert-to", kind, "--outdir", tmp, str(src)],
                           check=True, capture_output=True)
            data = (Path(tmp) / f"vorm.{kind}").read_bytes()
            bare = partial(bare_soffice, kind)
            bare.__name__ = "soffice --convert-to docx"  # type: ignore[attr-defined]
            out.append((label, f"soffice(fill_docx) -> .{kind}", data, bare))
    return out


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
    out += signed_and_converted(pdf, docx)
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
        runs = min(args.runs, RUNS_CAP.get(kind, args.runs))
        ours = _median_ms(partial(extract_bytes, data, name="x", limits=limits, today=today),
                          runs)
        lib = _median_ms(partial(bare, data), runs)
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
    capped = ", ".join(f"{k}: {v}" for k, v in RUNS_CAP.items())
    print(f"\nmedian of {args.runs} runs each ({capped}); python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
