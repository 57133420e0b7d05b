"""Read a filled blank action plan back: case number and agreements.

The blank plan carries the case number as a locked content control (tag
`case_number`) and in its footer; the agreements table has one content control
per cell (`agreements[3].who`). Coordinators add rows in Word by copying one,
so the table is read by position (header row, then Nr | what | who | by when |
who checks), not by tag. The three free-text sections are read from wherever their
text stands under their heading (the tagged control, a cell whose control Word
deleted, or plain paragraphs), and only by tag when the heading itself is gone.
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


# The sections' headings as the blank plan prints them (casefolded prefixes).
SECTIONS = {
    "bottom_lines_met": "kuidas plaan tagab",
    "contingency": "kui plaan ei toimi",
    "notes": "märkused",
}
SECTION_TITLES = {
    "bottom_lines_met": "Kuidas plaan tagab suunaja tingimused",
    "contingency": "Kui plaan ei toimi",
    "notes": "Märkused",
}


def _is_placeholder(node: etree._Element) -> bool:
    """Inside a control still showing Word's grey prompt (not an answer)."""
    for anc in node.iterancestors(f"{W}sdt"):
        if anc.find("w:sdtPr/w:showingPlcHdr", NS) is not None:
            return True
    return False


def _answer_text(el: etree._Element) -> str:
    paras = [_inline(p) for p in el.iter(f"{W}p") if not _is_placeholder(p)]
    if el.tag == f"{W}p" and not _is_placeholder(el):
        paras = [_inline(el)]
    return "\n".join(p for p in paras if p.strip()).strip()


def _is_heading(p: etree._Element) -> bool:
    style = p.find("w:pPr/w:pStyle", NS)
    val = "" if style is None else str(style.get(f"{W}val", ""))
    return val.lower().startswith(("heading", "pealkiri")) or val.lower() == "title"


def _section_of(p: etree._Element) -> str | None:
    if p.tag != f"{W}p":
        return None
    text = " ".join(_inline(p).split()).casefold()
    for key, prefix in SECTIONS.items():
        if text.startswith(prefix) and len(text) <= len(prefix) + 60:
            return key
    return None


def _sections(body: etree._Element) -> dict[str, str]:
    """Each free-text section's text: everything between its heading and the next heading."""
    root = body.find("w:body", NS)
    blocks = list(root if root is not None else body)
    out: dict[str, str] = {}
    current: str | None = None
    collected: list[str] = []
    for el in blocks:
        key = _section_of(el)
        if key is not None or (el.tag == f"{W}p" and _is_heading(el)) or el.tag == f"{W}sectPr":
            if current is not None:
                out[current] = "\n".join(collected).strip()
            current, collected = key, []
            continue
        if current is not None:
            text = _answer_text(el)
            if text:
                collected.append(text)
    if current is not None:
        out[current] = "\n".join(collected).strip()
    return out


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
    found = _sections(body)
    texts = {k: (found[k] if k in found else boxes.get(k, "")) for k in SECTIONS}
    return number, ActionPlan(
        agreements=agreements,
        contingency=texts["contingency"] or None,
        bottom_lines_met=texts["bottom_lines_met"] or None,
        notes=texts["notes"] or None,
    )


def empty_sections(plan: ActionPlan) -> list[str]:
    """The headings of the sections a coordinator should be told are empty (notes may be)."""
    return [SECTION_TITLES[k] for k in ("bottom_lines_met", "contingency")
            if not getattr(plan, k)]
