"""The PDF layout reader on retyped forms printed to PDF by LibreOffice (fixtures/layout)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from layout_fixtures import LAYOUT, make
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.config import Limits
from pipeline.errors import ResourceLimit, UnreadableFile
from pipeline.model.assemble import assemble
from pipeline.read.base import Line, Table
from pipeline.read.labels import parse_blocks
from pipeline.read.pdf_layout import pdf_blocks


@pytest.mark.parametrize(
    "name", ["tables", "tables-variant", "lines", "lines-variant", "official"]
)
def test_pdf_blocks_printed_layouts_read_exactly(name: str, limits: Limits) -> None:
    data = (LAYOUT / f"{name}.pdf").read_bytes()
    got = assemble(parse_blocks(pdf_blocks(data, limits))).referral
    assert got.model_dump() == make.expected(name).model_dump()


def test_pdf_blocks_join_wrapped_cells_by_the_characters_at_the_break(limits: Limits) -> None:
    blocks = pdf_blocks((LAYOUT / "tables.pdf").read_bytes(), limits)
    cells = [c for b in blocks if isinstance(b, Table) for row in b.rows for c in row]
    # Printed over two lines each in the narrow columns of the fixture:
    assert "helju.tamm@example.ee" in cells  # e-mail cut inside a word: no space
    assert "Kyllike.Ounapuu@Example.ee" in cells  # cut after the @: no space
    assert "+37255512345" in cells  # a phone number cut: no space
    assert "61811230128" in cells  # an isikukood cut: no space
    assert "Pärna tn 3–5, Türi" in cells  # ordinary words: a space
    assert "Küllike Õunapuu-Žukovskaja" in cells  # a name cut at its hyphen


def test_pdf_blocks_drop_the_repeating_footer_and_keep_glyphs(limits: Limits) -> None:
    blocks = pdf_blocks((LAYOUT / "tables.pdf").read_bytes(), limits)
    lines = [b.text for b in blocks if isinstance(b, Line)]
    assert not any("PLR-2026.1" in ln or "lk " in ln for ln in lines)
    assert "☒ Perekonflikt" in lines and "☐ Muu" in lines


def _scan_image() -> Any:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (200, 300), 235)
    for x in range(20, 180):
        for y in range(40, 260, 12):
            img.putpixel((x, y), 30)  # lines of "print"
    return ImageReader(img)


def _pdf(draw_text: bool, pages: int = 1) -> bytes:
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        c.drawImage(_scan_image(), 50, 50, 400, 600)  # a scanned page is only a picture
        if draw_text:
            c.drawString(60, 700, "Suunaja nimi: Mari Maasikas")
        c.showPage()
    c.save()
    return out.getvalue()


def test_pdf_blocks_scan_without_text_layer_is_unreadable(limits: Limits) -> None:
    with pytest.raises(UnreadableFile) as info:
        pdf_blocks(_pdf(draw_text=False), limits)
    assert "skannitud" in info.value.message
    assert info.value.code == "unreadable"


def test_pdf_blocks_respect_the_page_limit() -> None:
    with pytest.raises(ResourceLimit):
        pdf_blocks(_pdf(draw_text=True, pages=3), Limits(max_pdf_pages=2))
    assert pdf_blocks(_pdf(draw_text=True, pages=2), Limits(max_pdf_pages=2))


def test_pdf_blocks_broken_file_is_unreadable(limits: Limits) -> None:
    with pytest.raises(UnreadableFile):
        pdf_blocks(b"%PDF-1.7\n garbage", limits)


@pytest.mark.parametrize(("on", "off"), [("[X]", "[  ]"), ("X", ""), ("x", "")])
def test_pdf_blocks_printed_official_form_with_only_the_chosen_boxes_marked(
    on: str, off: str, limits: Limits
) -> None:
    """The official form printed so that only ticked boxes leave a mark: every choice reads
    as on the filled form, none of the unmarked options counts as chosen."""
    from pathlib import Path

    from printed import printed

    from pipeline.extract import extract_bytes
    from pipeline.forms_build.fill import fill_pdf, referral_to_raw
    from pipeline.samples import sample_referral

    blank = (Path(__file__).resolve().parents[1] / "forms" / "suunamisvorm.pdf").read_bytes()
    filled = fill_pdf(blank, referral_to_raw(sample_referral()))
    (want,) = extract_bytes(filled, name="a.pdf", limits=limits)
    (got,) = extract_bytes(printed(filled, on=on, off=off), name="b.pdf", limits=limits)
    assert got.source.method == "pdf-text"
    assert got.referral == want.referral
    assert [i.code for i in got.issues] == [i.code for i in want.issues]


def _drawn_pdf(text: str = "", vector: bool = True) -> bytes:
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    if vector:
        for y in range(100, 700, 20):
            c.line(60, y, 500, y)  # a drawing, outlined text: shapes, no glyphs, no images
    if text:
        c.drawString(60, 750, text)
    c.showPage()
    c.save()
    return out.getvalue()


def _fake_bold_pdf() -> bytes:
    """A heading printed twice, 0.3 pt apart (how some tools fake bold), and a ruled
    two-cell table below it."""
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for dx in (0.0, 0.3):
        c.drawString(60 + dx, 760, "A. Suunaja andmed")
    c.drawString(60, 740, "Suunaja nimi: Mari Maasikas")
    c.grid([50, 200, 450], [600, 640, 680])
    c.drawString(55, 655, "Telefon")
    c.drawString(205, 655, "+372 5551 2345")
    c.drawString(55, 615, "E-post")
    c.drawString(205, 615, "mari.maasikas@example.ee")
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.mark.parametrize(("data", "says"), [
    (_drawn_pdf(), "ei ole loetavat teksti ega pilte"),
    (_drawn_pdf("Arve 12"), "ainult 6 tähemärki"),
], ids=["no-text", "six-letters"])  # the PDFs carry their time: not an id every worker shares
def test_pdf_blocks_text_poor_pdf_is_not_called_scanned(
        data: bytes, says: str, limits: Limits) -> None:
    with pytest.raises(UnreadableFile) as info:
        pdf_blocks(data, limits)
    assert "skannitud" not in info.value.message
    assert says in info.value.message


def test_pdf_blocks_fake_bold_glyph_printed_twice_is_read_once(limits: Limits) -> None:
    blocks = pdf_blocks(_fake_bold_pdf(), limits)
    lines = [b.text for b in blocks if isinstance(b, Line)]
    assert "A. Suunaja andmed" in lines
    assert "Suunaja nimi: Mari Maasikas" in lines


def test_pdf_blocks_glyphs_go_to_their_own_cell_and_not_outside(limits: Limits) -> None:
    blocks = pdf_blocks(_fake_bold_pdf(), limits)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert [t.rows for t in tables] == [
        [["Telefon", "+372 5551 2345"], ["E-post", "mari.maasikas@example.ee"]]
    ]
    assert not any("Telefon" in b.text for b in blocks if isinstance(b, Line))


def test_pdf_layout_doubles_check_never_misses_a_glyph_dedupe_would_drop() -> None:
    import pdfplumber
    from pdfplumber.utils.text import dedupe_chars

    from pipeline.read.pdf_layout import _may_have_doubles

    with pdfplumber.open(BytesIO(_fake_bold_pdf())) as pdf:
        chars = pdf.pages[0].chars
    assert len(dedupe_chars(chars)) < len(chars) and _may_have_doubles(chars)
    single = dedupe_chars(chars)
    assert not _may_have_doubles(single)
    with pdfplumber.open(LAYOUT / "tables.pdf") as pdf:
        for page in pdf.pages:
            assert _may_have_doubles(page.chars) == (len(dedupe_chars(page.chars))
                                                     < len(page.chars))
