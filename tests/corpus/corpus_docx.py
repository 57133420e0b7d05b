"""Draw layout blocks as a DOCX built directly with python-docx (no project template)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from corpus_blocks import Block, P, Style, T
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

FIXED = dt.datetime(2026, 11, 1, 9, 0, 0)


def _paragraph_look(par: Any, block: P) -> None:
    run = par.runs[0] if par.runs else None
    if run is None:
        return
    if block.kind == "title":
        run.bold, run.font.size = True, Pt(14)
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif block.kind in ("heading", "label"):
        run.bold = True
        if block.kind == "heading":
            run.font.size = Pt(12)
    elif block.kind == "note":
        run.italic = True


def _table(doc: Any, block: T, grid: bool) -> None:
    ncols = len(block.widths)
    table = doc.add_table(rows=len(block.rows), cols=ncols)
    table.style = "Table Grid" if grid else "Normal Table"
    table.autofit = False
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = table.cell(r, c)
            if cell.span > 1 or cell.down > 1:
                target = target.merge(table.cell(r + cell.down - 1, c + cell.span - 1))
            lines = cell.text.split("\n")
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
            if cell.bold:
                for par in target.paragraphs:
                    for run in par.runs:
                        run.bold = True
    for c, width in enumerate(block.widths):
        table.columns[c].width = Cm(width)  # the grid LibreOffice lays out by
        for row in table.rows:
            row.cells[c].width = Cm(width)
    doc.add_paragraph()  # Word glues two adjacent tables into one


def render(blocks: list[Block], style: Style) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    normal = doc.styles["Normal"]
    normal.font.name = style.font
    normal.font.size = Pt(10.5)
    for block in blocks:
        if isinstance(block, T):
            _table(doc, block, grid=not style.name.endswith("borderless"))
            continue
        if block.kind == "heading" and style.heading_look in ("h1", "h2"):
            doc.add_heading(block.text, level=1 if style.heading_look == "h1" else 2)
            continue
        par = doc.add_paragraph(block.text)
        _paragraph_look(par, block)
    props = doc.core_properties
    props.author = "Lastekaitse"
    props.last_modified_by = "Lastekaitse"
    props.created = props.modified = FIXED
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same bytes on every run: python-docx stamps zip entries with the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
