"""The blank referral form as a fillable PDF (reportlab AcroForm).

Field names are the spec keys exactly (`referrer.name`,
`children[0].id_code`, `grounds.kinship_care`); each field's tooltip is its
printed label. The page is drawn as ruled label | value tables so that a
printed copy can be filled in by hand and read back by its labels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from pipeline.forms_build import layout
from pipeline.model.referral import Kind
from pipeline.model.spec import FieldSpec, GroupSpec

PAGE_W, PAGE_H = A4
MARGIN_X = 48.0
TOP = PAGE_H - 50.0
BOTTOM = 56.0
WIDTH = PAGE_W - 2 * MARGIN_X
LABEL_W = 185.0

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
SHADE = Color(0.90, 0.92, 0.95)
HEAD_SHADE = Color(0.17, 0.29, 0.45)
RULE = Color(0.45, 0.45, 0.45)
GREY = Color(0.35, 0.35, 0.35)

ROW_H = 19.0
CHECK = 10.0
LINE_H = 11.5


@dataclass
class _Page:
    """A cursor over the pages; `total` is known on the second pass."""

    c: Canvas
    total: int
    number: int = 1
    y: float = TOP
    fields: list[str] = field(default_factory=list)

    def ensure(self, height: float) -> bool:
        """Start a new page unless `height` still fits; True when it broke."""
        if self.y - height >= BOTTOM:
            return False
        self.footer()
        self.c.showPage()
        self.number += 1
        self.y = TOP
        self.c.setFont(FONT, 8)
        self.c.setFillColor(GREY)
        self.c.drawString(MARGIN_X, PAGE_H - 34, layout.TITLE)
        self.c.setFillColor(black)
        return True

    def footer(self) -> None:
        c = self.c
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(MARGIN_X, BOTTOM - 14, PAGE_W - MARGIN_X, BOTTOM - 14)
        c.setFont(FONT, 8)
        c.setFillColor(GREY)
        c.drawString(MARGIN_X, BOTTOM - 26, layout.FOOTER)
        c.drawRightString(PAGE_W - MARGIN_X, BOTTOM - 26, f"Lk {self.number} / {self.total}")
        c.setFillColor(black)


def build_pdf() -> bytes:
    """The blank form. Two passes: the first only counts the pages."""
    pages = _render(total=0)[1]
    return _render(total=pages)[0]


def _render(total: int) -> tuple[bytes, int]:
    buf = io.BytesIO()
    # invariant: fixed dates and ids, so the committed form only changes
    # when the form itself does.
    c = Canvas(buf, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(layout.TITLE)
    c.setSubject(layout.FOOTER)
    c.setAuthor("Pere lahendusring")
    c.setCreator("plr forms build")
    page = _Page(c, total)
    _title(page)
    for block in layout.blocks():
        _draw(page, block)
    page.footer()
    c.showPage()
    c.save()
    return buf.getvalue(), page.number


def _title(p: _Page) -> None:
    c = p.c
    c.setFont(BOLD, 15)
    c.drawString(MARGIN_X, p.y - 6, layout.TITLE)
    c.setFont(FONT, 8.5)
    c.setFillColor(GREY)
    c.drawString(MARGIN_X, p.y - 22, layout.INTRO)
    c.drawRightString(PAGE_W - MARGIN_X, p.y + 12, layout.VERSION)
    c.setFillColor(black)
    p.y -= 34


def _draw(p: _Page, block: layout.Block) -> None:
    if isinstance(block, layout.Heading):
        _heading(p, block)
    elif isinstance(block, layout.Scalars):
        for f in block.fields:
            _scalar_row(p, f)
    elif isinstance(block, layout.Check):
        _check(p, block.field.key, block.field.label, MARGIN_X + 4, bold=False)
    elif isinstance(block, layout.Multi):
        _multi(p, block.field)
    elif isinstance(block, layout.Long):
        _long(p, block.field)
    else:
        _table(p, block.group)


def _heading(p: _Page, h: layout.Heading) -> None:
    # Keep a heading with at least a few rows of its section.
    p.ensure(18 + 10 + 3 * ROW_H)
    p.y -= 10
    c = p.c
    c.setFillColor(HEAD_SHADE)
    c.rect(MARGIN_X, p.y - 18, WIDTH, 18, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(BOLD, 10.5)
    c.drawString(MARGIN_X + 6, p.y - 13, h.text)
    c.setFillColor(black)
    p.y -= 18


def _cell(c: Canvas, x: float, y: float, w: float, h: float, shade: Color | None) -> None:
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    if shade is not None:
        c.setFillColor(shade)
    c.rect(x, y, w, h, stroke=1, fill=1 if shade is not None else 0)
    c.setFillColor(black)


def _text_lines(c: Canvas, lines: list[str], x: float, top: float, font: str, size: float) -> None:
    c.setFont(font, size)
    for i, line in enumerate(lines):
        c.drawString(x, top - size - i * (size + 2), line)


def _scalar_row(p: _Page, f: FieldSpec) -> None:
    lines = simpleSplit(f.label, FONT, 9, LABEL_W - 10)
    h = max(ROW_H, len(lines) * 11 + 8)
    p.ensure(h)
    y = p.y - h
    c = p.c
    _cell(c, MARGIN_X, y, LABEL_W, h, SHADE)
    _cell(c, MARGIN_X + LABEL_W, y, WIDTH - LABEL_W, h, None)
    _text_lines(c, lines, MARGIN_X + 5, p.y - 4, FONT, 9)
    x, w = MARGIN_X + LABEL_W + 1, WIDTH - LABEL_W - 2
    if f.kind is Kind.CHOICE:
        c.setFont(FONT, 7)
        c.setFillColor(GREY)
        c.drawRightString(MARGIN_X + WIDTH - 4, y + 6, layout.choice_hint(f))
        c.setFillColor(black)
        c.acroForm.choice(
            name=f.key, tooltip=f.label, value=layout.choice_default(f),
            options=layout.choice_labels(f),
            x=x, y=y + 2, width=120, height=h - 4, fontName=FONT, fontSize=9,
            borderWidth=0, fillColor=white, fieldFlags="combo",
        )
        p.fields.append(f.key)
    else:
        if f.kind is Kind.DATE:
            c.setFont(FONT, 7)
            c.setFillColor(GREY)
            c.drawRightString(MARGIN_X + WIDTH - 4, y + 4, layout.DATE_HINT)
            c.setFillColor(black)
            w -= 48
        _textfield(p, f.key, f.label, x, y + 1, w, h - 2)
    p.y = y


def _textfield(
    p: _Page, name: str, tooltip: str, x: float, y: float, w: float, h: float,
    multiline: bool = False,
) -> None:
    p.c.acroForm.textfield(
        name=name, tooltip=tooltip, value="", x=x, y=y, width=w, height=h,
        fontName=FONT, fontSize=9, borderWidth=0, fillColor=white,
        textColor=black, maxlen=0, fieldFlags="multiline" if multiline else "",
    )
    p.fields.append(name)


def _check(p: _Page, name: str, label: str, x: float, *, bold: bool) -> None:
    lines = simpleSplit(label, BOLD if bold else FONT, 9, WIDTH - (x - MARGIN_X) - 20)
    h = max(16.0, len(lines) * 11 + 5)
    p.ensure(h)
    c = p.c
    top = p.y
    c.acroForm.checkbox(
        name=name, tooltip=label, checked=False, buttonStyle="cross", size=CHECK,
        x=x, y=top - 3 - CHECK, borderWidth=0.8, borderColor=black, fillColor=white,
        textColor=black, fieldFlags="", forceBorder=True,
    )
    p.fields.append(name)
    _text_lines(c, lines, x + CHECK + 6, top - 3.5, BOLD if bold else FONT, 9)
    p.y -= h


def _caption(p: _Page, text: str, keep: float) -> None:
    p.ensure(16 + keep)
    p.y -= 6
    p.c.setFont(BOLD, 9)
    p.c.drawString(MARGIN_X, p.y - 9, text)
    p.y -= 14


def _multi(p: _Page, f: FieldSpec) -> None:
    _caption(p, f.label, 2 * 16)
    for code, label in f.options:
        _check(p, f.option_key(code), label, MARGIN_X + 10, bold=False)


def _long(p: _Page, f: FieldSpec) -> None:
    h = layout.long_lines(f) * LINE_H + 6
    _caption(p, f.label, h)
    y = p.y - h
    _cell(p.c, MARGIN_X, y, WIDTH, h, None)
    _textfield(p, f.key, f.label, MARGIN_X + 1, y + 1, WIDTH - 2, h - 2, multiline=True)
    p.y = y


def _table_header(p: _Page, cols: tuple[FieldSpec, ...], widths: list[float]) -> None:
    splits = [simpleSplit(col.label, BOLD, 8, w - 6) for col, w in zip(cols, widths, strict=True)]
    h = max(len(s) for s in splits) * 10 + 6
    p.ensure(h + 2 * ROW_H)
    y, x = p.y - h, MARGIN_X
    for lines, w in zip(splits, widths, strict=True):
        _cell(p.c, x, y, w, h, SHADE)
        _text_lines(p.c, lines, x + 3, p.y - 2, BOLD, 8)
        x += w
    p.y = y


def _table(p: _Page, g: GroupSpec) -> None:
    widths = layout.column_widths(g, WIDTH)
    # A table is kept on one page: a referrer who deletes rows or retypes the
    # form should see the whole group at once.
    _caption(p, g.label, 24 + g.rows * ROW_H)
    _table_header(p, g.columns, widths)
    for row in range(g.rows):
        if p.ensure(ROW_H):
            _table_header(p, g.columns, widths)
        y, x = p.y - ROW_H, MARGIN_X
        for col, w in zip(g.columns, widths, strict=True):
            _cell(p.c, x, y, w, ROW_H, None)
            _textfield(p, col.key_at(row), f"{col.label} ({row + 1})", x + 1, y + 1, w - 2,
                       ROW_H - 2)
            x += w
        p.y = y
