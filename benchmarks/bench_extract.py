"""`extract_bytes` per input kind beside the bare library read of the same files.

    .venv/bin/python benchmarks/bench_extract.py [--runs 5] [--kind "printed PDF"]

Over the benchmark files (the generated official forms, `tests/fixtures/layout/`)
and the whole robustness corpus (`tests/corpus/`), each file is read by
`extract_bytes` and by the bare library read, alternating, in the same run, so
that machine load hits both alike. The bare read is what any reader of the file
cannot avoid (issue 11):

- PDF: pypdf's fields, and for a printed PDF (no fields) pdfplumber's
  `extract_text` and `extract_tables` on every page;
- DOCX: python-docx opens it and reads every paragraph and every table cell;
- e-mail: the stdlib parse of the message, then the bare read of each attachment.

The difference is ours: the limited child process, screening, layout and label
parsing, assembling, validating. Per kind the table gives the median and 95th
percentile of both times, and of the per-file ratio extract / bare (target: at most
1.5 at both).

A file's time is its fastest of `--runs` (`--stat min`, the default), as `timeit`
advises: the work itself costs that much, and a slower run is the machine's other
load. Files of 10–20 ms are read a handful of times each, and one run of such a file
slowed by a busy sibling core moved the 95th percentile of a kind by 0.3 across
passes. `--stat median` gives each file's median run instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from email import policy
from email.message import EmailMessage
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import Limits  # noqa: E402
from pipeline.extract import extract_bytes  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from corpus.compare import corpus_files  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "tests" / "corpus"


def _forms() -> tuple[bytes, bytes]:
    from pipeline.forms_build.docx import build_docx
    from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
    from pipeline.forms_build.pdf import build_pdf
    from pipeline.samples import sample_referral

    raw = referral_to_raw(sample_referral())
    return fill_pdf(build_pdf(), raw), fill_docx(build_docx(), raw)


_DOCX_TYPE = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def _eml(*attachments: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Suunaja <kyllike.ounapuu@example.ee>"
    msg["To"] = "pere.lahendusring@example.ee"
    msg["Subject"] = "Suunamine"
    msg.set_content("Tere! Manuses suunamisvorm.\n")
    for i, data in enumerate(attachments):
        if data.startswith(b"%PDF"):
            msg.add_attachment(data, maintype="application", subtype="pdf",
                               filename=f"vorm{i}.pdf")
        else:
            msg.add_attachment(data, maintype="application", subtype=_DOCX_TYPE,
                               filename=f"vorm{i}.docx")
    return msg.as_bytes()


# --- bare library calls -------------------------------------------------------------------------


def bare_pdf_fields(data: bytes) -> bool:
    """pypdf's fields; whether there were any."""
    from pypdf import PdfReader

    return bool(PdfReader(io.BytesIO(data)).get_fields())


def bare_pdf_printed(data: bytes) -> None:
    import pdfplumber

    if bare_pdf_fields(data):
        return  # a fields PDF: its text is not read
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def bare_docx(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    for para in document.paragraphs:
        _ = para.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def bare_email(data: bytes) -> None:
    msg = email.message_from_bytes(data, policy=policy.default)
    for part in msg.walk():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if payload.startswith(b"%PDF"):
            bare_pdf_printed(payload)
        elif payload.startswith(b"PK"):
            bare_docx(payload)


# --- the files ------------------------------------------------------------------------------------

Case = tuple[str, str, bytes, Callable[[bytes], object]]  # kind, file, bytes, bare read


def cases() -> list[Case]:
    pdf, docx = _forms()
    layout = sorted((FIXTURES / "layout").glob("*.*"))
    printed = [p for p in layout if p.suffix == ".pdf"] + [
        p for p in corpus_files() if p.suffix == ".pdf"]
    retyped = [p for p in layout if p.suffix == ".docx"] + [  # controls.docx: untagged
        p for p in corpus_files() if p.suffix == ".docx"]
    out: list[Case] = [("fields PDF", "fill_pdf(sample)", pdf, bare_pdf_fields)]
    out += [("printed PDF", _name(p), p.read_bytes(), bare_pdf_printed) for p in printed]
    out.append(("content-control DOCX", "fill_docx(sample)", docx, bare_docx))
    out += [("retyped DOCX", _name(p), p.read_bytes(), bare_docx) for p in retyped]
    out += [("eml (printed PDF)", _name(p) + " in .eml", _eml(p.read_bytes()), bare_email)
            for p in printed]
    out.append(("eml (fields PDF + DOCX)", "EmailMessage", _eml(pdf, docx), bare_email))
    out += signed_and_converted(pdf, docx)
    return out


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- signed containers and PDFs, older Word formats (issue 12) -------------------------------
# Signed with a throw-away test CA (tests/signing.py); the bare calls are pyasice open + verify
# with the read of the form inside (`bare_pyasice`), pyHanko's validation, and LibreOffice's
# conversion alone.

# A LibreOffice start takes seconds: fewer runs for the converted kinds.
RUNS_CAP = {"Word 97-2003 .doc": 3, "RTF": 3, "ODT": 3}


def bare_pyasice(data: bytes) -> None:
    """What any reader of a signed container must do: pyasice opens it and checks each
    signature (`XmlSignature.verify`: the SignatureValue over SignedInfo with the embedded
    certificate, and the data files' digests), then the form inside is read as it would be
    alone (a DOCX by python-docx, paragraphs and cells; a PDF by pypdf/pdfplumber).

    Not included, though `extract` does it: the certificate chain to the trust anchors,
    the embedded OCSP response and timestamp (pyasice's own `verify_ocsp` would need the
    network), the SignedProperties digest and validating the form it reads."""
    from pipeline.read import oscrypto_fix

    oscrypto_fix.apply()
    from pyasice import Container

    container = Container(io.BytesIO(data))
    for sig in container.iter_signatures():
        sig.verify()
    for name in container.data_file_names:
        inner = container.open_file(name).read()
        if inner.startswith(b"%PDF"):
            bare_pdf_printed(inner)
        elif inner.startswith(b"PK"):
            bare_docx(inner)


def bare_pyhanko(data: bytes) -> None:
    """pyHanko validates each signature, then the form is read as it would be unsigned
    (pypdf's fields; pdfplumber for a printed one), as `bare_pyasice` reads the form
    inside a container."""
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature

    for emb in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
        asyncio.run(async_validate_pdf_signature(emb, skip_diff=True))
    bare_pdf_printed(data)


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


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


STATS: dict[str, Callable[[list[float]], float]] = {"min": min, "median": statistics.median}


def p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank (with few files: the slowest but one or two)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def measure(case: Case, runs: int, limits: Limits, today: dt.date,
            stat: Callable[[list[float]], float] = min) -> tuple[float, float, str]:
    """(ms of extract, ms of the bare read, outcome) of one file: `stat` of its runs."""
    _, source, data, bare = case
    first = extract_bytes(data, name=source, limits=limits, today=today)  # warm imports
    bare(data)
    outcome = ", ".join(r.error.code if r.error else (r.source.method or "?") for r in first)
    ours, lib = [], []
    for _ in range(min(runs, RUNS_CAP.get(case[0], runs))):
        ours.append(_ms(lambda: extract_bytes(data, name="x", limits=limits, today=today)))
        lib.append(_ms(lambda: bare(data)))
    return stat(ours), stat(lib), outcome


def _print(table: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for i, r in enumerate(table):
        print("  ".join(c.rjust(w) if j else c.ljust(w)
                        for j, (c, w) in enumerate(zip(r, widths, strict=True))))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kind", action="append", help="only these input kinds")
    ap.add_argument("--files", action="store_true", help="also print every file's figures")
    ap.add_argument("--stat", choices=sorted(STATS), default="min",
                    help="a file's time from its runs: the fastest (default) or the median")
    args = ap.parse_args()
    limits = Limits()
    today = dt.date(2026, 11, 24)
    per_kind: dict[str, list[tuple[str, float, float, str]]] = {}
    for case in cases():
        if args.kind and case[0] not in args.kind:
            continue
        ours, lib, outcome = measure(case, args.runs, limits, today, STATS[args.stat])
        per_kind.setdefault(case[0], []).append((case[1], ours, lib, outcome))
    if args.files:
        _print([("file", "result", "extract ms", "bare ms", "×")] + [
            (f, o, f"{e:.1f}", f"{b:.1f}", f"{e / b:.2f}")
            for rows in per_kind.values() for f, e, b, o in rows])
        print()
    table: list[tuple[str, ...]] = [(
        "input", "files", "result", "extract med", "p95", "bare med", "p95",
        "× med", "× p95", "× of p95s")]
    for kind, rows in per_kind.items():
        ext_ms = [e for _, e, _, _ in rows]
        bare_ms = [b for _, _, b, _ in rows]
        ratios = [e / b for _, e, b, _ in rows]
        outcomes = sorted({o for *_, o in rows})
        table.append((
            kind, str(len(rows)), "/".join(outcomes),
            f"{statistics.median(ext_ms):.1f}", f"{p95(ext_ms):.1f}",
            f"{statistics.median(bare_ms):.1f}", f"{p95(bare_ms):.1f}",
            f"{statistics.median(ratios):.2f}", f"{p95(ratios):.2f}",
            f"{p95(ext_ms) / p95(bare_ms):.2f}"))
    _print(table)
    each = "fastest" if args.stat == "min" else "median"
    print(f"\nms: each file's {each} of {args.runs} runs, then the median and 95th percentile "
          "over the kind's files; ×: extract / bare per file (target ≤ 1.5 at med and p95); "
          f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
