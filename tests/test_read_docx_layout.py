"""The DOCX layout reader on retyped forms built with python-docx (tests/fixtures/layout)."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from layout_fixtures import LAYOUT, make

from pipeline.config import Limits
from pipeline.errors import UnreadableFile
from pipeline.model.assemble import assemble
from pipeline.read.base import Line, Table
from pipeline.read.docx_layout import docx_blocks
from pipeline.read.labels import parse_blocks


@pytest.mark.parametrize("name", ["tables", "tables-variant", "lines", "lines-variant"])
def test_docx_blocks_retyped_layouts_read_exactly(name: str, limits: Limits) -> None:
    data = make.LAYOUTS[name][0](make.LAYOUTS[name][1]())  # built fresh, not the cached file
    got = assemble(parse_blocks(docx_blocks(data, limits))).referral
    assert got.model_dump() == make.expected(name).model_dump()


def test_docx_blocks_committed_fixture_matches_builder(limits: Limits) -> None:
    data = (LAYOUT / "tables.docx").read_bytes()
    got = assemble(parse_blocks(docx_blocks(data, limits))).referral
    assert got.model_dump() == make.expected("tables").model_dump()


def test_docx_blocks_word_checkboxes_textbox_nested_table(limits: Limits) -> None:
    blocks = docx_blocks((LAYOUT / "controls.docx").read_bytes(), limits)
    text = "\n".join(b.text for b in blocks if isinstance(b, Line))
    assert "Vana Nimi" not in text  # deleted text
    assert "Klõpsake siia" not in str([b for b in blocks if isinstance(b, Table)])
    # The w14 check boxes carry a stale glyph on purpose: the checked state wins.
    assert "☒ Vajab tõlki" not in text and "☐ Vajab tõlki" in text
    r = assemble(parse_blocks(blocks)).referral
    sample = make.expected("controls")
    assert r.referrer.model_dump() == sample.referrer.model_dump()  # nested table, merged cell
    assert r.referral_date == sample.referral_date  # value after a line break
    assert r.guardianship_agreement is False  # legacy FORMCHECKBOX, unticked
    assert r.grounds == ["prevent_separation"]  # legacy FORMCHECKBOX, ticked
    assert r.child_views == sample.child_views  # inside a text box
    assert r.family_language == "et"
    assert r.consent.given is True
    assert [(c.name, c.birth_date) for c in r.children] == [
        (c.name, c.birth_date) for c in sample.children
    ]


def test_docx_blocks_keep_document_order_and_deduplicate_merged_cells(limits: Limits) -> None:
    document = docx.Document()
    document.add_paragraph("Enne")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Pealkiri üle kolme veeru"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Kahe rea silt"
    table.cell(1, 1).text = "a & b"
    table.cell(1, 2).paragraphs[0].text = "esimene"
    table.cell(1, 2).add_paragraph("teine")
    document.add_paragraph("Pärast")
    out = BytesIO()
    document.save(out)
    blocks = docx_blocks(out.getvalue(), limits)
    assert blocks == [
        Line("Enne"),
        Table([["Pealkiri üle kolme veeru"], ["Kahe rea silt", "a & b", "esimene\nteine"],
               ["", "", ""]]),
        Line("Pärast"),
    ]


def test_docx_blocks_broken_file_is_unreadable(limits: Limits) -> None:
    with pytest.raises(UnreadableFile) as info:
        docx_blocks(b"PK\x03\x04 not really a zip", limits)
    assert info.value.code == "unreadable"
