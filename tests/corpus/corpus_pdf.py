"""Draw layout blocks straight into a PDF with reportlab (ruled tables, no Word at all)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from corpus_blocks import Block, P, Style
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
_FONTS = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
          "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf"}


def _fonts() -> None:
    for name, file in _FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, FONT_DIR + file))


def _markup(text: str, wrap_email: bool) -> str:
    out = escape(text).replace("\n", "<br/>")
    if wrap_email and "@" in text and " " not in text.strip():
        out = out.replace("@", "@<br/>")  # a narrow cell: the address runs over two lines
    return out


def render(blocks: list[Block], style: Style) -> bytes:
    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9.5, leading=12)
    looks = {
        "title": ParagraphStyle("title", parent=body, fontName="DejaVuSans-Bold",
                                fontSize=14, leading=18, alignment=1, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=body, fontName="DejaVuSans-Bold",
                                  fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4),
        "label": ParagraphStyle("label", parent=body, fontName="DejaVuSans-Bold",
                                spaceBefore=4),
        "note": ParagraphStyle("note", parent=body, fontName="DejaVuSans-Oblique"),
        "para": body,
    }
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    story: list[object] = []
    for block in blocks:
        if isinstance(block, P):
            story.append(Paragraph(_markup(block.text, False), looks.get(block.kind, body)))
            continue
        data = [[Paragraph(_markup(c.text, style.wrap_email), bold if c.bold else body)
                 if c is not None else "" for c in row] for row in block.rows]
        commands: list[tuple[object, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                if cell is not None and (cell.span > 1 or cell.down > 1):
                    commands.append(("SPAN", (c, r), (c + cell.span - 1, r + cell.down - 1)))
        story.append(Table(data, colWidths=[w * cm for w in block.widths],
                           style=TableStyle(commands), hAlign="LEFT"))
        story.append(Spacer(1, 6))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm, invariant=1,
                            title="Suunamine", author="Lastekaitse")
    doc.build(story)
    return buf.getvalue()
