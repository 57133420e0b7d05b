"""Read one file (form or e-mail) into referrals with their issues.

This is the `plr extract` contract that other tools rely on:
`{"source": {...}, "referral": {...}, "issues": [...]}` per form, or
`{"source": {...}, "error": {"code", "message"}}` when nothing could be read.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.config import Limits
from pipeline.errors import NotAReferral, PipelineError, UnreadableFile
from pipeline.model.assemble import assemble
from pipeline.model.issues import Issue
from pipeline.model.referral import Referral
from pipeline.model.signature import SignatureInfo
from pipeline.model.validate import signature_issues, validate
from pipeline.read.base import Format, Reader, ReadResult
from pipeline.read.registry import reader_for, sniff


class Source(BaseModel):
    file: str
    sha256: str
    format: str | None = None
    method: str | None = None
    attachment: str | None = None
    sender: str | None = None
    # Issue 12: the document's name inside a signed container, and the signatures on it
    # (None, and so left out of the JSON, when the form is not signed).
    container: str | None = None
    document: str | None = None
    signatures: list[SignatureInfo] | None = None


class ExtractError(BaseModel):
    code: str
    message: str


class Extraction(BaseModel):
    source: Source
    referral: Referral | None = None
    issues: list[Issue] = []
    error: ExtractError | None = None
    ocr: dict[str, Any] | None = None  # a scan's confidences and review list (scan.report_json)
    # Raw key -> the label text its value was read under (kept with the case, shown on the
    # case page; not part of the `plr extract` JSON).
    labels: dict[str, str] = {}
    # A scan's review list, entry by entry: a JPEG crop of the page (base64) or None.
    crops: list[str | None] = []

    def provenance(self) -> dict[str, Any]:
        """Where the form's values came from, as the register keeps it with the version."""
        src = self.source
        out: dict[str, Any] = {"format": src.format, "method": src.method,
                               "attachment": src.attachment, "document": src.document,
                               "labels": dict(self.labels)}
        if self.ocr is not None:
            out["ocr"] = self.ocr
            out["crops"] = list(self.crops)
        return {k: v for k, v in out.items() if v is not None}

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(i.is_error for i in self.issues)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source.model_dump(mode="json", exclude_none=True)}
        if self.source.signatures is not None:  # every key of a signature, null ones too
            out["source"]["signatures"] = [
                s.model_dump(mode="json") for s in self.source.signatures
            ]
        if self.error is not None:
            out["error"] = self.error.model_dump(mode="json")
        else:
            out["referral"] = self.referral.model_dump(mode="json") if self.referral else None
            out["issues"] = [i.model_dump(mode="json") for i in self.issues]
            if self.ocr is not None:
                out["ocr"] = self.ocr
        return out


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The hash of a file read in 1 MB pieces (a large arrival is never read whole)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_form(
    data: bytes,
    fmt: Format,
    source: Source,
    limits: Limits,
    today: dt.date,
) -> Extraction:
    """Read one PDF/DOCX form's bytes; errors become `Extraction.error`."""
    reader = reader_for(fmt)
    if reader is None:
        raise UnreadableFile("Faili vormingut ei toetata.", code="unsupported_format")
    result = reader.read(data, limits)
    source.method = result.method
    if fmt is Format.PDF:
        _pdf_signatures(data, result, reader, source, limits)
    assembled = assemble(result.raw)
    issues = validate(assembled, today=today, sender=source.sender)
    if source.signatures:
        issues += signature_issues(assembled.referral, source.signatures)
    if fmt is Format.PDF:
        issues += _active_content(data, result.active)
    if result.scan is not None:  # read by OCR: say how sure, field by field
        from pipeline.model.validate import scan_issues
        from pipeline.read.scan import report_json

        issues = scan_issues(issues, result.scan, assembled)
        return Extraction(source=source, referral=assembled.referral, issues=issues,
                          ocr=report_json(result.scan), labels=result.labels,
                          crops=[base64.b64encode(c).decode() if c else None
                                 for c in result.scan.crops])
    return Extraction(source=source, referral=assembled.referral, issues=issues,
                      labels=result.labels)


def extract_bytes(
    data: bytes, *, name: str, limits: Limits, today: dt.date | None = None
) -> list[Extraction]:
    """Every referral in one file's bytes (an e-mail may carry several)."""
    today = today or dt.date.today()
    source = Source(file=name, sha256=sha256_bytes(data))
    try:
        if not data:
            raise UnreadableFile("Fail on tühi.", code="empty")
        _check_size(len(data), limits)
        fmt = sniff(data)
        if fmt is None:
            raise UnreadableFile(
                "Faili sisu ei ole PDF-, Wordi- (DOCX, DOC), ODT- ega RTF-dokument, "
                "pilt, DigiDoc-konteiner ega e-kiri; suunamisvormi ei saa lugeda.",
                code="unknown_format",
            )
        source.format = fmt.value
        if fmt in (Format.EML, Format.MSG, Format.TNEF):
            return _extract_mail(data, fmt, source, limits, today)
        if fmt in _CONTAINERS:
            return _extract_container(data, fmt, source, limits, today)
        return [read_form(data, fmt, source, limits, today)]
    except PipelineError as exc:
        return [_unreadable(source, exc)]


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise UnreadableFile(
            f"Fail on liiga suur ({size} baiti, lubatud {limits.max_file_bytes}).",
            code="too_large",
        )


def _unreadable(source: Source, exc: PipelineError) -> Extraction:
    return Extraction(source=source, error=ExtractError(code=exc.code, message=exc.message))


def _extract_mail(
    data: bytes, fmt: Format, source: Source, limits: Limits, today: dt.date
) -> list[Extraction]:
    from pipeline.read.mail import unpack

    mail = unpack(data, fmt, limits)
    found: list[Extraction] = []
    others: list[str] = []
    for att in mail.attachments:
        att_fmt = sniff(att.data)
        if att_fmt not in (*_FORM_FORMATS, Format.IMAGE):
            others.append(att.name)
            continue  # signatures, calendar files…
        if att_fmt is Format.IMAGE and not _page_sized(att.data):
            others.append(att.name)
            continue  # a logo or a signature image, not a photo of a form
        src = source.model_copy(
            update={"attachment": att.name, "sender": att.sender, "format": att_fmt.value}
        )
        try:
            if att_fmt in _CONTAINERS:
                found += _extract_container(att.data, att_fmt, src, limits, today)
                continue
            found.append(read_form(att.data, att_fmt, src, limits, today))
        except NotAReferral:
            continue  # some other document attached beside the form
        except PipelineError as exc:
            # The reason names the attachment: an e-mail may carry several files.
            found.append(Extraction(source=src, error=ExtractError(
                code=exc.code, message=f"Manus „{att.name}“: {exc.message}")))
    if not found:
        listed = ", ".join(f"„{n}“" for n in others[:10])
        if others:
            tail = (f" Kirjas on manused {listed}, kuid need ei ole suunamisvormid (PDF, DOCX, "
                    "ODT, DOC, RTF, DigiDoc-konteiner või skannitud lehekülg).")
        elif mail.attachments:
            tail = " Kirja manused on loetud, kuid ükski neist ei ole suunamisvorm."
        else:
            tail = " Kirjas ei ole ühtegi manust."
        raise NotAReferral(
            "E-kirjas ei ole suunamisvormi (PDF- või DOCX-manust, mis oleks suunamisvorm)." + tail,
            code="no_form_in_mail",
        )
    return found


def _page_sized(data: bytes) -> bool:
    from pipeline.read.images import is_page_sized

    return is_page_sized(data)


def extract_file(path: Path, limits: Limits, today: dt.date | None = None) -> list[Extraction]:
    source = Source(file=path.name, sha256="")
    try:
        _check_size(path.stat().st_size, limits)  # before a huge file is read into memory
        data = path.read_bytes()
    except PipelineError as exc:
        return [_unreadable(source, exc)]
    except OSError as exc:
        return [_unreadable(source, UnreadableFile(f"Faili ei saa lugeda: {exc.strerror}.",
                                                   code="io"))]
    return extract_bytes(data, name=path.name, limits=limits, today=today)


def exit_status(results: list[Extraction]) -> int:
    """0: referral(s) without errors; 1: a referral with errors; 2: nothing readable."""
    if all(r.error is not None for r in results):
        return 2
    return 1 if any(r.has_errors for r in results) else 0


# --- signed and encrypted containers, signed PDFs (issue 12) ---------------------------------

_CONTAINERS = (Format.ASICE, Format.CDOC)
# What may carry a referral: alone, attached to an e-mail or inside a container.
_DOCUMENTS = (Format.PDF, Format.DOCX, Format.DOC, Format.RTF, Format.ODT)
_FORM_FORMATS = (*_DOCUMENTS, *_CONTAINERS)


def _pdf_signatures(
    data: bytes, result: ReadResult, reader: Reader, source: Source, limits: Limits
) -> None:
    """The PDF's own signatures; one that signed an earlier revision holds only if that
    revision reads as the same form (a field filled in after signing does not)."""
    from pipeline.read.safety import run_limited
    from pipeline.read.signatures import anchors, changed_after, verify_pdf

    if b"/ByteRange" not in data:
        return  # no signature dictionary at all (`verify_pdf` says the same, without a child)
    # pyHanko parses the whole file again: in a child with the reader's limits, like the reader.
    found = run_limited(verify_pdf, data, anchors(tuple(limits.trust_anchors)),
                        seconds=limits.read_seconds, memory_mb=limits.read_memory_mb)
    infos = []
    for sig in found:
        info = sig.info
        if sig.revision_end is not None:
            try:
                same = reader.read(data[: sig.revision_end], limits).raw == result.raw
            except PipelineError:
                same = False
            if not same:
                info = changed_after(info)
        infos.append(info)
    if infos:
        source.signatures = [*(source.signatures or []), *infos]


def _extract_container(
    data: bytes, fmt: Format, source: Source, limits: Limits, today: dt.date
) -> list[Extraction]:
    """Every referral in an ASiC-E container, each with the signatures that cover it."""
    from pipeline.read.asice import ENCRYPTED_MESSAGE, open_container

    if fmt is Format.CDOC:
        raise UnreadableFile(ENCRYPTED_MESSAGE, code="encrypted_container")
    found: list[Extraction] = []
    for doc in open_container(data, limits, tuple(limits.trust_anchors)):
        doc_fmt = sniff(doc.data)
        if doc_fmt not in _DOCUMENTS:
            continue  # a photo or a spreadsheet signed beside the form
        assert doc_fmt is not None
        src = source.model_copy(
            update={"container": fmt.value, "document": doc.name, "format": doc_fmt.value,
                    "signatures": list(doc.signatures)}
        )
        try:
            found.append(read_form(doc.data, doc_fmt, src, limits, today))
        except NotAReferral:
            continue
        except PipelineError as exc:
            found.append(_unreadable(src, exc))
    if not found:
        raise NotAReferral(
            "Digiallkirjastatud konteineris ei ole suunamisvormi (PDF-, DOCX-, ODT-, DOC- "
            "või RTF-dokumenti, mis oleks suunamisvorm).",
            code="no_form_in_container",
        )
    return found
# --- reasons a person can act on (issue 8) --------------------------------------------------

ACTIVE_CONTENT = "pdf_active_content"


def _active_content(data: bytes, found: list[str] | None = None) -> list[Issue]:
    """A warning (on the case summary, and a code in the intake ledger) for a PDF that
    carries scripts or other active content; nothing in it is run, and the archived
    original stays as it came."""
    from pipeline.model.issues import warning
    from pipeline.read.safety import pdf_active_content

    kinds = pdf_active_content(data) if found is None else found
    if not kinds:
        return []
    return [warning(ACTIVE_CONTENT, "", f"PDF-failis on aktiivne sisu ({', '.join(kinds)}). "
                    "Seda ei käivitatud; algne fail on arhiivis muutmata kujul. Avage see "
                    "ettevaatlikult.")]
