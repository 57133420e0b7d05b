"""Which reader reads which format, and the format told from a file's content.

Kept apart from `pipeline.read.base` (the types every reader imports) so that
nothing imports in a circle: this module loads the readers, lazily, and the
readers import only `base`.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from pipeline.read.base import Format, Reader

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian, at offset 0


def sniff(data: bytes) -> Format | None:
    """The format from the content, never from the file name."""
    from pipeline.read.asice import sniff_kind

    if (kind := sniff_kind(data)) is not None:
        return Format(kind)  # containers, ODT, Word 97–2003, RTF: before ZIP/OLE below
    if data.startswith(TNEF_SIGNATURE):
        return Format.TNEF
    head = data[:2048]
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            # A truncated Word file has no central directory, but its first
            # local header still names an OOXML part: let the DOCX reader say
            # "corrupt" rather than "not a PDF, DOCX or e-mail".
            name_len = int.from_bytes(head[26:28], "little")
            first = head[30 : 30 + name_len]
            if first == b"[Content_Types].xml" or first.startswith((b"word/", b"_rels/")):
                return Format.DOCX
            return None
        if "word/document.xml" in names:
            return Format.DOCX
        return None
    from pipeline.read.images import is_image

    if is_image(head):
        return Format.IMAGE
    if head.startswith(_OLE_MAGIC):
        return Format.MSG
    if looks_like_mail(data):
        return Format.EML
    return None


_REGISTRY: dict[Format, Reader] = {}


def register(fmt: Format, reader: Reader) -> None:
    _REGISTRY[fmt] = reader


def reader_for(fmt: Format) -> Reader | None:
    if not _REGISTRY:
        _load_default_readers()
    return _REGISTRY.get(fmt)


def _load_default_readers() -> None:
    # Imported late so that a reader's heavy library is loaded only when used.
    from pipeline.read import docx_reader, pdf_reader, scan

    register(Format.PDF, pdf_reader.PdfReader())
    register(Format.DOCX, docx_reader.DocxReader())
    from pipeline.read.convert import ConvertingReader

    for fmt in (Format.DOC, Format.RTF, Format.ODT):
        register(fmt, ConvertingReader(fmt.value))

    register(Format.IMAGE, scan.ImageReader())


# --- e-mail from its content (issue 8) ----------------------------------------------------

# Exchange and Microsoft 365 exports put 2-64 KB of Received/ARC-*/DKIM-Signature
# headers before the first From:, so the whole header block is looked at, not a prefix.
MAIL_HEAD_BYTES = 256 * 1024
_HEADER_LINE = re.compile(rb"[!-9;-~]{1,76}:")  # RFC 5322 field name, then a colon
_MAIL_FIELDS = frozenset({
    b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
    b"received", b"return-path", b"delivered-to", b"reply-to", b"sender", b"cc",
})


def looks_like_mail(data: bytes) -> bool:
    """An RFC 5322 message (an .eml, or an mbox export with its `From ` line): a block of
    header fields (CRLF or LF, folded lines allowed) up to the first empty line, with at
    least one field every mail has and none of it binary."""
    head = data[:MAIL_HEAD_BYTES].removeprefix(b"\xef\xbb\xbf")
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]  # the mbox separator line
    seen = 0
    known = False
    for i, line in enumerate(lines):
        if not line:
            break  # end of the header block
        if line[:1] in (b" ", b"\t"):
            if i == 0:
                return False  # a continuation with nothing to continue
            continue
        m = _HEADER_LINE.match(line)
        if m is None:
            return False
        seen += 1
        known = known or m.group(0)[:-1].lower() in _MAIL_FIELDS
    return seen >= 2 and known
