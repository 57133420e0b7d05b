"""Read a filled blank action plan back: case number and agreements.

The blank plan carries the case number as a locked content control (tag
`case_number`) and in its footer; the agreements table has one content control
per cell (`agreements[3].who`). Coordinators add rows in Word by copying one,
so the table is read by position (header row, then Nr | what | who | by when |
who checks), not by tag; the three free-text boxes are read by tag.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from pipeline.errors import NotAReferral, ResourceLimit, UnreadableFile
from pipeline.model.case import ActionPlan, Agreement

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
CASE_NUMBER = re.compile(r"\bPLR-\d{4}-\d{4,}\b")
MAX_UNPACKED = 50 * 1024 * 1024
_FIELDS = ("what", "who", "by_when", "checks")


def _inline(el: etree._Element) -> str:
    parts: list[str] = []
    for node in el.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == f"{W}tab" else "\n")
    return "".join(parts)


def _text(el: etree._Element) -> str:
    """Visible text: paragraphs and line breaks become `\\n`."""
    paras = [_inline(p) for p in el.iter(f"{W}p")]
    # An inline content control holds runs, not paragraphs.
    return ("\n".join(paras) if paras else _inline(el)).strip()


def _sdt_text(sdt: etree._Element) -> str:
    if sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None:
        return ""  # Word's grey "click here" text, not an answer
    content = sdt.find("w:sdtContent", NS)
    return "" if content is None else _text(content)


def _parts(data: bytes) -> tuple[etree._Element, list[etree._Element]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise ResourceLimit("Tegevusplaani fail on lahtipakituna liiga suur.",
                                code="too_large")
        body = etree.fromstring(zf.read("word/document.xml"))
        footers = [etree.fromstring(zf.read(i.filename)) for i in infos
                   if re.fullmatch(r"word/footer\d*\.xml", i.filename)]
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise UnreadableFile("Fail ei ole loetav Wordi (DOCX) dokument.",
                             code="unreadable_plan") from exc
    return body, footers


def _tag(sdt: etree._Element) -> str:
    tag = sdt.find("w:sdtPr/w:tag", NS)
    return "" if tag is None else str(tag.get(f"{W}val", ""))


def _case_number(body: etree._Element, footers: list[etree._Element]) -> str:
    for sdt in body.iter(f"{W}sdt"):
        if _tag(sdt) == "case_number":
            m = CASE_NUMBER.search(_sdt_text(sdt))
            if m:
                return m.group(0)
    for f in footers:
        m = CASE_NUMBER.search(_text(f))
        if m:
            return m.group(0)
    raise NotAReferral(
        "Failist ei leitud juhtumi numbrit (PLR-aaaa-nnnn). See ei ole selle süsteemi koostatud "
        "tegevusplaani vorm või on juhtumi number vormilt kustutatud.", code="not_a_plan")


def _agreements_table(body: etree._Element) -> etree._Element:
    for tbl in body.iter(f"{W}tbl"):
        tags = [_tag(s) for s in tbl.iter(f"{W}sdt")]
        if any(t.startswith("agreements[") for t in tags):
            return tbl
    for tbl in body.iter(f"{W}tbl"):
        first = tbl.find("w:tr", NS)
        cells = [] if first is None else [_text(c).lower() for c in first.findall("w:tc", NS)]
        if len(cells) >= 5 and cells[1].startswith("mida"):
            return tbl
    raise NotAReferral("Failis ei ole tegevusplaani kokkulepete tabelit.", code="not_a_plan")


def _rows(tbl: etree._Element) -> list[Agreement]:
    out: list[Agreement] = []
    for tr in tbl.findall("w:tr", NS)[1:]:
        cells = [_text(tc) for tc in tr.findall("w:tc", NS)]
        values = [*cells[1:5], "", "", "", ""][:4]
        if any(values):
            out.append(Agreement(**dict(zip(_FIELDS, values, strict=True))))
    return out


def read_plan(data: bytes) -> tuple[str, ActionPlan]:
    """(case number, agreed plan) from a filled blank plan's bytes."""
    body, footers = _parts(data)
    number = _case_number(body, footers)
    agreements = _rows(_agreements_table(body))
    if not agreements:
        raise NotAReferral(
            f"Juhtumi {number} tegevusplaanis ei ole ühtegi kokkulepet: täitke kokkulepete "
            "tabel ja saatke fail uuesti.", code="plan_empty")
    boxes = {_tag(s): _sdt_text(s) for s in body.iter(f"{W}sdt")}
    return number, ActionPlan(
        agreements=agreements,
        contingency=boxes.get("contingency") or None,
        bottom_lines_met=boxes.get("bottom_lines_met") or None,
        notes=boxes.get("notes") or None,
    )
