"""The reader protocol, the formats, and layout blocks.

A reader takes the bytes of one file and returns a `ReadResult`: the raw
form (flat spec keys -> text/tick, see `pipeline.model.assemble`) and the
method it used. Readers raise `UnreadableFile` (or a subclass) when no
referral can be read, never anything else.

Readers of printed/retyped forms first turn the document into a list of
layout `Block`s (headings, lines, tables) and hand them to
`pipeline.read.labels.parse_blocks`, which maps labels to keys; the PDF
and DOCX layout readers differ only in how they produce blocks.

Which reader reads which format, and telling the format from the content,
is `pipeline.read.registry`: this module imports no reader, so every reader
can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from pipeline.config import Limits
from pipeline.model.assemble import RawValue

if TYPE_CHECKING:
    from pipeline.read.scan import ScanReport


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    EML = "eml"
    MSG = "msg"
    # Signed/encrypted containers and older office formats (issue 12; pipeline.read.asice).
    ASICE = "asice"
    CDOC = "cdoc"
    DOC = "doc"
    RTF = "rtf"
    ODT = "odt"
    IMAGE = "image"  # a scan or phone photo (JPEG, PNG, TIFF, HEIC): read by OCR
    # Outlook's winmail.dat saved on its own (issue 8): unpacked like an e-mail's attachments.
    TNEF = "tnef"


@dataclass
class ReadResult:
    raw: dict[str, RawValue]
    method: str  # "pdf-fields" | "pdf-text" | "docx-controls" | "docx-text" | "ocr"
    scan: ScanReport | None = None  # how sure an OCR reading is (`pipeline.read.scan`)
    # Raw key (an option's field, a group row's `children[0].name`) -> the label text it
    # was read under: the printed label, a PDF field's name, a content control's title/tag.
    labels: dict[str, str] = field(default_factory=dict)
    # A PDF's active content as its reader found it (`safety.active_content_in`); None: not
    # looked at by the reader (then `extract` looks itself).
    active: list[str] | None = None


@dataclass
class Line:
    """A paragraph or a text line outside tables."""

    text: str


@dataclass
class Table:
    """A table; each row a list of cell texts (merged cells de-duplicated)."""

    rows: list[list[str]] = field(default_factory=list)


Block = Line | Table


class Reader(Protocol):
    def read(self, data: bytes, limits: Limits) -> ReadResult: ...
