"""The blank action plan comes back filled: case number and agreements read exactly."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from test_render_helpers import fill_sdts

from pipeline.errors import NotAReferral, UnreadableFile
from pipeline.render import documents as d
from pipeline.render.plan_reader import read_plan
from pipeline.render.samples import sample_case

FILLED = {
    "agreements[0].what": 'Jüri läheb kell 7.40 kooli & vanaema saadab ta <bussini>.',
    "agreements[0].who": "Ööbik Šmidt",
    "agreements[0].by_when": "iga koolipäev",
    "agreements[0].checks": "Helju Tamm",
    "agreements[2].what": "Onu võtab lapsed laupäeviti enda juurde.",
    "agreements[2].who": "Toomas Tamm",
    "agreements[2].by_when": "alates 5.12.2026",
    "agreements[2].checks": "Kadri Lepik",
    "contingency": "Kui Jüri puudub üle kahe päeva,\nhelistab ema klassijuhatajale.",
    "bottom_lines_met": "Tülide ajal on lapsed onu juures.",
}


@pytest.fixture(scope="module")
def blank() -> bytes:
    docs = d.for_schedule(sample_case("et"))
    return next(x.data for x in docs if x.kind == "blank_plan")


def test_plan_reader_reads_filled_agreements_exactly(blank: bytes) -> None:
    number, plan = read_plan(fill_sdts(blank, FILLED))
    assert number == "PLR-2026-0042"
    assert [(a.what, a.who, a.by_when, a.checks) for a in plan.agreements] == [
        (FILLED["agreements[0].what"], "Ööbik Šmidt", "iga koolipäev", "Helju Tamm"),
        (FILLED["agreements[2].what"], "Toomas Tamm", "alates 5.12.2026", "Kadri Lepik"),
    ]
    assert plan.contingency == FILLED["contingency"]
    assert plan.bottom_lines_met == FILLED["bottom_lines_met"]
    assert plan.notes is None


def test_plan_reader_reads_a_row_the_coordinator_added(blank: bytes) -> None:
    _, plan = read_plan(fill_sdts(blank, FILLED, copy_last_row=True))
    assert plan.agreements[-1].what == "Lisarida"
    assert plan.agreements[-1].checks == "Helju"


def test_plan_reader_blank_plan_without_agreements_is_refused(blank: bytes) -> None:
    with pytest.raises(NotAReferral) as err:
        read_plan(blank)
    assert err.value.code == "plan_empty"
    assert "PLR-2026-0042" in err.value.message


def test_plan_reader_case_number_from_the_footer_when_the_field_is_gone(blank: bytes) -> None:
    data = fill_sdts(blank, {**FILLED, "case_number": "kustutatud"})
    assert read_plan(data)[0] == "PLR-2026-0042"


def test_plan_reader_other_documents_are_not_plans() -> None:
    doc = Document()
    doc.add_paragraph("Lihtsalt üks kiri.")
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(NotAReferral) as err:
        read_plan(buf.getvalue())
    assert err.value.code == "not_a_plan"
    assert "juhtumi numbrit" in err.value.message


def test_plan_reader_garbage_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="DOCX"):
        read_plan(b"%PDF-1.7 not a docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(UnreadableFile):
        read_plan(buf.getvalue())


def _rewrite_sections(data: bytes) -> bytes:
    """What a coordinator may do in Word: replace the contingency box's content (the
    control goes with it), delete the bottom-lines box and type paragraphs under its
    heading instead, and leave the notes control as it was."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    zin = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zin.read("word/document.xml"))
    body = root.find(f"{w}body")
    assert body is not None

    def para(text: str) -> etree._Element:
        p = etree.Element(f"{w}p")
        r = etree.SubElement(p, f"{w}r")
        etree.SubElement(r, f"{w}t").text = text
        return p

    def box_after(heading: str) -> etree._Element:
        items = list(body)
        for i, el in enumerate(items):
            if el.tag == f"{w}p" and "".join(el.itertext()).strip() == heading:
                return items[i + 1]
        raise AssertionError(heading)

    cell = box_after("Kui plaan ei toimi").find(f".//{w}tc")
    assert cell is not None
    for child in list(cell):
        if child.tag != f"{w}tcPr":
            cell.remove(child)
    cell.append(para("Kui Jüri puudub, helistab ema kohe koordinaatorile."))
    box = box_after("Kuidas plaan tagab suunaja tingimused")
    box.addprevious(para("Tülide ajal on lapsed onu juures."))
    box.addprevious(para("Jüri käib iga päev koolis."))
    body.remove(box)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            blob = (etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    if item.filename == "word/document.xml" else zin.read(item.filename))
            zout.writestr(item, blob)
    return out.getvalue()


def test_plan_reader_keeps_sections_whose_control_was_replaced(blank: bytes) -> None:
    filled = fill_sdts(blank, {**FILLED, "notes": "Koordinaator helistab emale 15.12."})
    _, plan = read_plan(_rewrite_sections(filled))
    assert plan.contingency == "Kui Jüri puudub, helistab ema kohe koordinaatorile."
    assert plan.bottom_lines_met == "Tülide ajal on lapsed onu juures.\nJüri käib iga päev koolis."
    assert plan.notes == "Koordinaator helistab emale 15.12."


def test_plan_reader_names_the_empty_sections(blank: bytes) -> None:
    from pipeline.render.plan_reader import empty_sections

    _, plan = read_plan(fill_sdts(blank, {"agreements[0].what": "Jüri käib koolis.",
                                          "agreements[0].who": "Jüri"}))
    assert plan.contingency is None and plan.bottom_lines_met is None
    assert empty_sections(plan) == ["Kuidas plaan tagab suunaja tingimused",
                                    "Kui plaan ei toimi"]
