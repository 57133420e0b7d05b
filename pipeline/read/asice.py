"""Signed and encrypted containers (DigiDoc4's `.asice`/`.sce`/`.bdoc`, `.cdoc`/`.cdoc2`),
and content sniffing for the older office formats that `convert` turns into DOCX.

An ASiC-E container (ETSI EN 319 162) is a ZIP whose first entry is an
uncompressed `mimetype` holding `application/vnd.etsi.asic-e+zip`; the signed
documents sit at the top level, the XAdES signatures in
`META-INF/signatures*.xml`. Every PDF/DOCX/ODT/DOC/RTF inside is a referral
candidate, read as if it had arrived alone; other files are ignored.

A `.cdoc` (XML-ENC) or `.cdoc2` container is encrypted to its recipients' ID
cards: nobody can read it here, so it is quarantined with a reason that tells
the office what to do.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from pipeline.config import Limits
from pipeline.errors import ResourceLimit, UnreadableFile
from pipeline.read.safety import inflate_members, run_limited
from pipeline.read.signatures import Anchors, SignatureInfo, XadesResult, anchors, verify_xades

ASICE_MIME = b"application/vnd.etsi.asic-e+zip"
ODT_MIME = b"application/vnd.oasis.opendocument.text"
_CDOC2_MAGIC = b"CDOC\x02"
_XMLENC = b"http://www.w3.org/2001/04/xmlenc#"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ENCRYPTED_MESSAGE = (
    "Fail on krüpteeritud ümbrik (CDOC), mida saab avada ainult adressaadi ID-kaardiga. "
    "Palun avage see rakenduses DigiDoc4, salvestage sealt suunamisvorm (PDF või DOCX) "
    "ja pange see sisendkausta."
)


def sniff_kind(data: bytes) -> str | None:
    """"asice", "odt", "cdoc", "doc", "rtf" from the content, or None (the others' turn)."""
    head = data[:4096]
    if head.startswith(_CDOC2_MAGIC):
        return "cdoc"
    if head.startswith(b"PK\x03\x04"):
        # The mimetype entry is stored first and uncompressed: name at 30, body after it.
        name_len = int.from_bytes(head[26:28], "little")
        extra_len = int.from_bytes(head[28:30], "little")
        if head[30 : 30 + name_len] == b"mimetype":
            start = 30 + name_len + extra_len
            body = head[start : start + 80]
            if head[8:10] != b"\x00\x00":  # deflated, against the standard: read it properly
                body = _zip_member(data, "mimetype")
            if body.startswith(ASICE_MIME):
                return "asice"
            if body.startswith(ODT_MIME) and not body.startswith(ODT_MIME + b"-"):
                return "odt"
        return None
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_OLE_MAGIC):
        return "doc" if _ole_has_word(data) else None
    stripped = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if stripped.startswith(b"<") and b"EncryptedData" in head and _XMLENC in head:
        return "cdoc"
    return None


def _zip_member(data: bytes, name: str) -> bytes:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            info = zf.getinfo(name)
            if info.file_size > 256:
                return b""
            return zf.read(info)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error,
            NotImplementedError, RuntimeError):
        return b""


def _ole_has_word(data: bytes) -> bool:
    """An OLE2 file with a `WordDocument` stream is a Word 97–2003 `.doc` (an Outlook
    `.msg` is OLE2 too, with `__substg1.0_…` streams instead)."""
    import olefile  # type: ignore[import-untyped]

    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            return bool(ole.exists("WordDocument"))
    except Exception:
        return False


# --- ASiC-E -----------------------------------------------------------------------------------


@dataclass
class Document:
    name: str
    data: bytes
    signatures: list[SignatureInfo] = field(default_factory=list)


def _limit(what: str) -> ResourceLimit:
    return ResourceLimit(
        f"Digiallkirjastatud konteineri {what} on lubatust suurem; konteinerit ei loeta.",
        code="zip_bomb",
    )


_CORRUPT = "Digiallkirjastatud konteiner (ASiC-E) on katki; palun saatke fail uuesti."


def _unpack(data: bytes, limits: Limits) -> dict[str, bytes]:
    """Every member, inflated within the same budget as a DOCX (declared sizes can lie)."""
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(_CORRUPT, code="corrupt") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise _limit("failide arv")
        return inflate_members(
            zf, infos, limits.max_zip_uncompressed,
            corrupt=_CORRUPT,
            too_big=lambda _: _limit("sisu lahtipakituna"))


def _verify_all(
    signature_files: list[bytes], files: dict[str, bytes], anchor_set: Anchors
) -> list[XadesResult]:
    return [verify_xades(body, files, anchor_set) for body in signature_files]


def open_container(
    data: bytes, limits: Limits, trust_anchors: tuple[Path, ...] = ()
) -> list[Document]:
    """The container's documents, each with the verified signatures that cover it."""
    members = _unpack(data, limits)
    files = {
        name: body
        for name, body in members.items()
        if name != "mimetype" and not name.startswith("META-INF/")
    }
    anchor_set = anchors(trust_anchors)
    signature_files = [
        body for name, body in sorted(members.items())
        if name.startswith("META-INF/") and "signatures" in name and name.endswith(".xml")
    ]
    # In a child with the reader's limits, as every parser of a file's content runs.
    results = run_limited(_verify_all, signature_files, files, anchor_set,
                          seconds=limits.read_seconds, memory_mb=limits.read_memory_mb)
    docs: list[Document] = []
    for name, body in files.items():
        if "/" in name.rstrip("/"):
            continue  # ASiC-E data files are top-level; a folder is not DigiDoc's
        sigs = [r.info for r in results if name in r.files or not r.files]
        docs.append(Document(name=name, data=body, signatures=sigs))
    if not docs:
        raise UnreadableFile(
            "Digiallkirjastatud konteineris ei ole ühtegi dokumenti.", code="empty_container"
        )
    return docs
