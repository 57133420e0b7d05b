"""PDF reader: fillable-form fields first, the printed labels otherwise.

A PDF whose AcroForm has fields named by spec keys is read from the fields
(`pdf-fields`); any other PDF (printed to PDF, scanned with OCR text, retyped)
goes through the layout reader (`pdf-text`). All of it runs in a forked child
with memory and time limits (`safety.run_limited`), because pypdf and pdfminer
both trust their input; a PDF's Flate streams are also counted before
pdfminer inflates them.
"""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

from pipeline.config import Limits
from pipeline.errors import NotAReferral, PipelineError, UnreadableFile
from pipeline.model.assemble import RawValue
from pipeline.model.spec import field_for
from pipeline.read import safety
from pipeline.read.base import ReadResult

_MAX_FIELD_NODES = 20_000
_MAX_FIELD_DEPTH = 32
_RADIO = 1 << 15
_PUSHBUTTON = 1 << 16


def _corrupt() -> UnreadableFile:
    return UnreadableFile(
        "PDF-fail on katki või vigane; palun saatke fail uuesti.", code="corrupt"
    )


def open_pdf(data: bytes) -> Any:
    """A `pypdf.PdfReader`, decrypted with the empty user password if needed."""
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types on hostile input
        raise _corrupt() from exc
    if encrypted:
        try:
            ok = reader.decrypt("")
        except Exception:  # unknown handlers, missing crypto backends
            ok = PasswordType.NOT_DECRYPTED
        if ok == PasswordType.NOT_DECRYPTED:
            raise UnreadableFile(
                "PDF-fail on parooliga kaitstud. Palun saatke vorm ilma paroolita.",
                code="encrypted",
            )
    return reader


# --- fields -------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    s = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return s if s.strip() else None


def _field_value(props: dict[str, Any], widgets: list[Any]) -> RawValue:
    """The raw value of one terminal field from its (inherited) /FT, /V, /Ff and widgets."""
    ft = str(props.get("/FT", ""))
    v = props.get("/V")
    v = v.get_object() if v is not None else None
    flags = int(props.get("/Ff", 0) or 0)
    if ft == "/Btn":
        if flags & _PUSHBUTTON:
            return None
        state = None if v is None else str(v)
        if state is None:
            # No /V (some filling tools only set the widget): the widget's /AS tells.
            on = [str(w.get("/AS")) for w in widgets if w.get("/AS") not in (None, "/Off")]
            state = on[0] if on else "/Off"
        ticked = state not in ("/Off", "Off", "")
        if flags & _RADIO:
            return state.lstrip("/") if ticked else None
        return ticked  # whatever the export value: /Yes, /On, /1, /Kinship…
    if ft == "/Sig" or v is None:
        return None
    if isinstance(v, list):
        items = [t for t in (_text(x.get_object()) for x in v) if t]
        return items or None
    return _text(v)


def _walk(
    node_ref: Any, prefix: str, inherited: dict[str, Any], depth: int,
    out: dict[str, RawValue], budget: list[int],
) -> None:
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_FIELD_DEPTH:
        return  # a looped or absurd field tree: what we have read so far stands
    node = node_ref.get_object()
    if not hasattr(node, "get"):
        return
    t = node.get("/T")
    name = prefix
    if t is not None:
        name = f"{prefix}.{t}" if prefix else str(t)
    props = dict(inherited)
    for k in ("/FT", "/V", "/Ff"):
        if k in node:
            props[k] = node[k]
    kids = [k.get_object() for k in (node.get("/Kids") or [])]
    fields = [k for k in kids if hasattr(k, "get") and "/T" in k]
    if fields:
        for kid in fields:
            _walk(kid, name, props, depth + 1, out, budget)
        return
    if name:
        out[name] = _field_value(props, kids or [node])


def form_fields(reader: Any) -> dict[str, RawValue]:
    """Every terminal AcroForm field by its full name (`parent.child`)."""
    root = reader.trailer["/Root"].get_object()
    acro = root.get("/AcroForm")
    if acro is None:
        return {}
    acro = acro.get_object()
    out: dict[str, RawValue] = {}
    budget = [_MAX_FIELD_NODES]
    for f in acro.get("/Fields") or []:
        _walk(f, "", {}, 0, out, budget)
    return out


def _is_xfa_only(reader: Any, fields: dict[str, RawValue]) -> bool:
    root = reader.trailer["/Root"].get_object()
    acro = root.get("/AcroForm")
    has_xfa = acro is not None and "/XFA" in acro.get_object()
    return bool(has_xfa and (not fields or root.get("/NeedsRendering")))


def spec_fields(fields: dict[str, RawValue]) -> dict[str, RawValue]:
    return {k.strip(): v for k, v in fields.items() if field_for(k.strip()) is not None}


# --- the read, in the child --------------------------------------------------------------------


def _read(data: bytes, limits: Limits) -> ReadResult:
    # In the child only: pypdf's repair warnings ("EOF marker not found") are not for users.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    opened = [open_pdf(data)]
    # Here, on the objects the read parses anyway, instead of a second parse of the whole
    # file outside the child (which cost as much as reading a fillable PDF).
    active = safety.active_content_in(opened[0], data)
    result = _read_opened(data, opened, limits)
    result.active = active
    return result


def _read_opened(data: bytes, opened: list[Any], limits: Limits) -> ReadResult:
    reader = opened.pop()  # ours alone, so that `del reader` below frees it before pdfplumber
    try:
        found = form_fields(reader)
        if _is_xfa_only(reader, found):
            raise UnreadableFile(
                "PDF on XFA-vorm (Adobe LiveCycle), mida ei saa lugeda. Palun täitke "
                "ametlik PDF- või DOCX-vorm või salvestage vorm tavalise PDF-ina.",
                code="xfa",
            )
        raw = spec_fields(found)
        if raw:  # a form field is read under its name
            return ReadResult(raw=raw, method="pdf-fields", labels={k: k for k in raw})
        safety.screen_pdf(reader, limits)
    except PipelineError:
        raise
    except Exception as exc:  # a hostile file must not become a traceback
        raise _corrupt() from exc
    from pipeline.read import scan
    from pipeline.read.labels import parse_blocks
    from pipeline.read.pdf_layout import MIN_TEXT_CHARS, pdf_blocks

    # A scan (no text layer on the form's pages) is read by OCR.
    scanned = scan.image_only_pages(reader, MIN_TEXT_CHARS)
    if scanned and len(scanned) == len(reader.pages):
        return scan.read_pdf_pages(data, scanned, limits)
    del reader
    try:
        labels: dict[str, str] = {}
        raw = parse_blocks(pdf_blocks(data, limits), labels)
        return ReadResult(raw=raw, method="pdf-text", labels=labels)
    except NotAReferral:
        if not scanned:  # a cover letter typed, the form itself scanned
            raise
        return scan.read_pdf_pages(data, scanned, limits)


def _preload() -> None:
    """Import the heavy libraries and build the label index before forking, so that no
    child pays for them (a child's own caches die with it)."""
    import pdfplumber  # noqa: F401
    import pypdf  # noqa: F401

    import pipeline.read.labels
    import pipeline.read.pdf_layout  # noqa: F401
    from pipeline.read.label_vocabulary import warm

    warm()
    # Not the OCR libraries: few PDFs are scans, and those load them in their child.


class PdfReader:
    """`Reader` for PDF files."""

    def read(self, data: bytes, limits: Limits) -> ReadResult:
        _preload()
        return safety.run_limited(
            _read, data, limits, seconds=limits.read_seconds, memory_mb=limits.read_memory_mb
        )
