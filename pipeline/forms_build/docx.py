"""The blank referral form as a DOCX with content controls (python-docx + XML).

Every field is a content control (`w:sdt`) whose `w:tag` is the spec key and
whose alias is the printed label: plain text, rich text for long texts (one
paragraph per line), a check box (`w14:checkbox`, ☐/☒) per bool and per
multi option, a drop-down for the family language. Scalars sit in label |
value tables with shaded label cells and groups in tables with a header row,
so that a printed or retyped copy still reads by its labels.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from itertools import count

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.forms_build import layout
from pipeline.forms_build.fill import UNCHECKED_GLYPH
from pipeline.model.referral import Kind
from pipeline.model.spec import FieldSpec, GroupSpec
from pipeline.read.label_vocabulary import PLACEHOLDER  # readers know it is no value

FONT = "Arial"
CHECK_FONT = "MS Gothic"  # what Word itself uses for check-box glyphs
SHADE = "E6EBF2"
HEAD_SHADE = "2B4A73"
PLACEHOLDER_COLOR = "8C8C8C"
TEXT_WIDTH = Cm(17.0)
LABEL_WIDTH = Cm(6.0)
# Table cells stay blank on paper: eight grey "Sisestage tekst" per table
# would only be noise. Non-breaking spaces keep a clickable placeholder.
CELL_PLACEHOLDER = "\u00a0" * 6


def build_docx() -> bytes:
    doc = Document()
    _page_setup(doc)
    ids = count(1000)
    _title(doc)
    for block in layout.blocks():
        _draw(doc, block, ids)
    out = io.BytesIO()
    doc.save(out)
    return _reproducible(out.getvalue())


_FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _reproducible(data: bytes) -> bytes:
    """The same bytes on every build: fixed zip entry times."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def _page_setup(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9.5)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(0)
    sec = doc.sections[0]
    sec.start_type = WD_SECTION.NEW_PAGE
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin, sec.bottom_margin = Cm(1.6), Cm(1.8)
    sec.header_distance, sec.footer_distance = Cm(0.8), Cm(0.8)
    _footer(sec.footer.paragraphs[0])
    props = doc.core_properties
    props.title = layout.TITLE
    props.subject = layout.FOOTER
    props.author = "Pere lahendusring"
    props.language = "et-EE"
    props.created = props.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    props.revision = 1
    props.last_modified_by = "plr forms build"


def _footer(p: Paragraph) -> None:
    # The template's Footer style has Letter-size tab stops; use ours only.
    if p.style is not None:
        p.style.paragraph_format.tab_stops.clear_all()
    p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(p, layout.FOOTER, size=8, color="595959")
    _run(p, "\tLk ", size=8, color="595959")
    _field(p, "PAGE")
    _run(p, " / ", size=8, color="595959")
    _field(p, "NUMPAGES")


def _field(p: Paragraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "16")
    rpr.append(sz)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def _run(
    p: Paragraph, text: str, *, bold: bool = False, size: float | None = None,
    color: str | None = None,
) -> None:
    r = p.add_run(text)
    r.bold = bold
    if size:
        r.font.size = Pt(size)
    if color:
        r.font.color.rgb = RGBColor.from_string(color)


def _title(doc: DocxDocument) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(p, layout.TITLE, bold=True, size=15)
    _run(p, "\t" + layout.VERSION, size=8, color="595959")
    p.paragraph_format.space_after = Pt(2)
    intro = doc.add_paragraph()
    _run(intro, layout.INTRO, size=8.5, color="595959")
    intro.paragraph_format.space_after = Pt(4)


def _draw(doc: DocxDocument, block: layout.Block, ids: count[int]) -> None:
    if isinstance(block, layout.Heading):
        _heading(doc, block)
    elif isinstance(block, layout.Scalars):
        _scalars(doc, block.fields, ids)
    elif isinstance(block, layout.Check):
        p = doc.add_paragraph()
        _check(p, block.field.key, block.field.label, ids)
        p.paragraph_format.space_before = Pt(4)
    elif isinstance(block, layout.Multi):
        _caption(doc, block.field.label)
        for code, label in block.field.options:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.4)
            _check(p, block.field.option_key(code), label, ids)
    elif isinstance(block, layout.Long):
        _long(doc, block.field, ids)
    else:
        _group(doc, block.group, ids)


def _shade(target: _Cell | Paragraph, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    if isinstance(target, _Cell):
        target._tc.get_or_add_tcPr().append(shd)
    else:
        target._p.get_or_add_pPr().append(shd)


def _heading(doc: DocxDocument, h: layout.Heading) -> None:
    p = doc.add_paragraph(style="Heading 1")
    pf = p.paragraph_format
    pf.space_before, pf.space_after, pf.keep_with_next = Pt(12), Pt(4), True
    _shade(p, HEAD_SHADE)
    _run(p, " " + h.text, bold=True, size=10.5, color="FFFFFF")
    for r in p.runs:
        r.font.name = FONT


def _caption(doc: DocxDocument, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.space_after = Pt(2)
    p.paragraph_format.keep_with_next = True
    _run(p, text, bold=True)


def _table(doc: DocxDocument, rows: int, widths: list[int]) -> Table:
    t: Table = doc.add_table(rows=rows, cols=len(widths))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    # LibreOffice lays out by the grid, Word by the cells: set both.
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w / 635)))
    _cell_margins(t)
    for row in t.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        row.height = Pt(16)
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    return t


def _cell_margins(t: Table) -> None:
    mar = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 30), ("left", 80), ("bottom", 30), ("right", 80)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    t._tbl.tblPr.append(mar)


def _scalars(doc: DocxDocument, fields: tuple[FieldSpec, ...], ids: count[int]) -> None:
    t = _table(doc, len(fields), [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH])
    for row, f in zip(t.rows, fields, strict=True):
        label, value = row.cells
        _shade(label, SHADE)
        label.paragraphs[0].add_run(f.label)
        p = value.paragraphs[0]
        if f.kind is Kind.CHOICE:
            _dropdown(p, f, next(ids))
            _run(p, "\u2003" + layout.choice_hint(f), size=7.5, color="595959")
        else:
            hint = layout.DATE_HINT if f.kind is Kind.DATE else PLACEHOLDER
            _text_control(p, f.key, f.label, hint, next(ids))


def _long(doc: DocxDocument, f: FieldSpec, ids: count[int]) -> None:
    _caption(doc, f.label)
    t = _table(doc, 1, [TEXT_WIDTH])
    row = t.rows[0]
    row.height = Pt(layout.long_lines(f) * 13)
    row.cells[0].vertical_alignment = WD_ALIGN_VERTICAL.TOP
    _long_control(row.cells[0].paragraphs[0], f.key, f.label, next(ids))


def _group(doc: DocxDocument, g: GroupSpec, ids: count[int]) -> None:
    _caption(doc, g.label)
    widths = [int(w) for w in layout.column_widths(g, TEXT_WIDTH)]
    t = _table(doc, g.rows + 1, widths)
    head = t.rows[0]
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, col in zip(head.cells, g.columns, strict=True):
        _shade(cell, SHADE)
        r = cell.paragraphs[0].add_run(col.label)
        r.bold = True
        r.font.size = Pt(8.5)
    for i, row in enumerate(t.rows[1:]):
        row.height = Pt(18)
        for cell, col in zip(row.cells, g.columns, strict=True):
            _text_control(cell.paragraphs[0], col.key_at(i), f"{col.label} ({i + 1})",
                          CELL_PLACEHOLDER, next(ids))


# --- content controls --------------------------------------------------------


_El = etree._Element


def _sdt(key: str, alias: str, sdt_id: int) -> tuple[_El, _El, _El]:
    """A run-level content control: (sdt, sdtPr, sdtContent)."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    for name, value in (("w:alias", alias), ("w:tag", key), ("w:id", str(sdt_id))):
        el = OxmlElement(name)
        el.set(qn("w:val"), value)  # lxml escapes; no markup is built from strings
        pr.append(el)
    content = OxmlElement("w:sdtContent")
    sdt.append(pr)
    sdt.append(content)
    return sdt, pr, content


def _content_run(text: str, *, color: str | None = None, font: str | None = None) -> etree._Element:
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    if font:
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), font)
        rpr.append(fonts)
    if color:
        c = OxmlElement("w:color")
        c.set(qn("w:val"), color)
        rpr.append(c)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def _text_control(p: Paragraph, key: str, alias: str, placeholder: str, sdt_id: int) -> None:
    sdt, pr, content = _sdt(key, alias, sdt_id)
    pr.append(OxmlElement("w:showingPlcHdr"))
    pr.append(OxmlElement("w:text"))
    content.append(_content_run(placeholder, color=PLACEHOLDER_COLOR))
    p._p.append(sdt)


def _long_control(p: Paragraph, key: str, alias: str, sdt_id: int) -> None:
    """A rich-text control around the cell's paragraph: filled, it holds one
    paragraph per line. (LibreOffice drops a `w:br` inside a multi-line
    plain-text control when it prints, so the paragraphs of a long text were lost.)"""
    sdt, pr, content = _sdt(key, alias, sdt_id)
    pr.append(OxmlElement("w:showingPlcHdr"))
    p._p.append(_content_run(PLACEHOLDER, color=PLACEHOLDER_COLOR))
    p._p.addprevious(sdt)
    content.append(p._p)  # lxml moves the paragraph into the control


def _dropdown(p: Paragraph, f: FieldSpec, sdt_id: int) -> None:
    sdt, pr, content = _sdt(f.key, f.label, sdt_id)
    dd = OxmlElement("w:dropDownList")
    for label in layout.choice_labels(f):
        item = OxmlElement("w:listItem")
        item.set(qn("w:displayText"), label)
        item.set(qn("w:value"), label)
        dd.append(item)
    pr.append(dd)
    content.append(_content_run(layout.choice_default(f)))
    p._p.append(sdt)


def _check(p: Paragraph, key: str, label: str, ids: count[int]) -> None:
    sdt, pr, content = _sdt(key, label, next(ids))
    box = OxmlElement("w14:checkbox")
    checked = OxmlElement("w14:checked")
    checked.set(qn("w14:val"), "0")
    box.append(checked)
    for name, glyph in (("w14:checkedState", "2612"), ("w14:uncheckedState", "2610")):
        state = OxmlElement(name)
        state.set(qn("w14:val"), glyph)
        state.set(qn("w14:font"), CHECK_FONT)
        box.append(state)
    pr.append(box)
    content.append(_content_run(UNCHECKED_GLYPH, font=CHECK_FONT))
    p._p.append(sdt)
    p.add_run("\u00a0" + label)
    p.paragraph_format.space_before = Pt(1)
    p.paragraph_format.space_after = Pt(1)
