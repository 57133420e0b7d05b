"""The DOCX reader on content controls: tags as keys, placeholders, checkboxes, breaks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from expected import as_extracted

from pipeline.config import Limits
from pipeline.extract import extract_bytes
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.fill import fill_docx, referral_to_raw
from pipeline.model.assemble import assemble
from pipeline.model.referral import Referral
from pipeline.read.docx_reader import DocxReader

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
)


def docx_with_body(body: str) -> bytes:
    """A minimal valid DOCX whose body is `body` (WordprocessingML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}'
            "</w:body></w:document>",
        )
    return out.getvalue()


def sdt(key: str, content: str, pr: str = "") -> str:
    return (f'<w:sdt><w:sdtPr><w:tag w:val="{key}"/>{pr}</w:sdtPr>'
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>")


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*inner: str) -> str:
    return "<w:p>" + "".join(inner) + "</w:p>"


def read(body: str, limits: Limits) -> dict[str, Any]:
    result = DocxReader().read(docx_with_body(body), limits)
    assert result.method == "docx-controls"
    return dict(result.raw)



@pytest.fixture(scope="module")
def blank() -> bytes:
    return build_docx()


def test_docx_controls_round_trip_of_the_official_form(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    result = DocxReader().read(fill_docx(blank, referral_to_raw(referral)), limits)
    assert result.method == "docx-controls"
    assembled = assemble(result.raw)
    assert assembled.unreadable == {}
    assert assembled.referral.model_dump(mode="json") == as_extracted(referral)


def test_docx_controls_blank_form_has_no_text_values(blank: bytes, limits: Limits) -> None:
    raw = DocxReader().read(blank, limits).raw
    texts = {k: v for k, v in raw.items() if isinstance(v, str) and k != "family_language"}
    assert texts == {}  # placeholders ("Klõpsake…") are not answers
    assert raw["consent.given"] is False
    assert raw["referrer.name"] is None


def test_docx_controls_extract_bytes_reports_method(
    blank: bytes, referral: Referral, limits: Limits, today: dt.date
) -> None:
    data = fill_docx(blank, referral_to_raw(referral))
    (out,) = extract_bytes(data, name="vorm.docx", limits=limits, today=today)
    assert out.error is None
    assert out.source.method == "docx-controls"
    assert out.referral is not None and out.referral.referrer.name == referral.referrer.name


def test_docx_controls_placeholder_is_skipped(limits: Limits) -> None:
    body = para(sdt("referrer.name", run("Klõpsake siia teksti sisestamiseks."),
                    "<w:showingPlcHdr/>"))
    assert read(body, limits) == {"referrer.name": None}


@pytest.mark.parametrize(("val", "expected"), [("1", True), ("true", True), ("0", False)])
def test_docx_controls_w14_checkbox_state(limits: Limits, val: str, expected: bool) -> None:
    box = f'<w14:checkbox><w14:checked w14:val="{val}"/></w14:checkbox>'
    body = para(sdt("consent.given", run("☐"), box))  # the glyph may be stale; the state wins
    assert read(body, limits)["consent.given"] is expected


@pytest.mark.parametrize(
    ("ffdata", "expected"),
    [
        ('<w:checkBox><w:default w:val="1"/></w:checkBox>', True),
        ('<w:checkBox><w:default w:val="0"/></w:checkBox>', False),
        ('<w:checkBox><w:default w:val="1"/><w:checked w:val="0"/></w:checkBox>', False),
        ('<w:checkBox><w:default w:val="0"/><w:checked/></w:checkBox>', True),
    ],
)
def test_docx_controls_legacy_formcheckbox(limits: Limits, ffdata: str, expected: bool) -> None:
    field = (f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
             f"{ffdata}</w:ffData></w:fldChar></w:r>"
             '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    body = para(sdt("grounds.kinship_care", field))
    assert read(body, limits)["grounds.kinship_care"] is expected


def test_docx_controls_legacy_checkbox_named_by_key(limits: Limits) -> None:
    body = para(
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="consent.given"/>'
        '<w:checkBox><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r>',
        sdt("referrer.name", run("Mari")),
    )
    assert read(body, limits) == {"referrer.name": "Mari", "consent.given": True}


def test_docx_controls_breaks_and_paragraphs_become_newlines(limits: Limits) -> None:
    inline = sdt("situation", '<w:r><w:t>Esimene</w:t><w:br/><w:t>teine</w:t></w:r>')
    block = sdt("question", para(run("Üks")) + para(run("Kaks"), run(" ja kolm")) + para())
    body = para(inline) + block
    raw = read(body, limits)
    assert raw["situation"] == "Esimene\nteine"
    assert raw["question"] == "Üks\nKaks ja kolm"


def test_docx_controls_blank_line_between_paragraphs_is_kept(limits: Limits) -> None:
    block = sdt("situation", para(run("Esimene lõik.")) + para() + para(run("Teine lõik.")))
    assert read(block, limits)["situation"] == "Esimene lõik.\n\nTeine lõik."


def test_docx_controls_markup_characters_come_back_unchanged(limits: Limits) -> None:
    body = para(sdt("child_views", run('Ütleb: "kool &amp; sõbrad" &lt;väga&gt;')))
    assert read(body, limits)["child_views"] == 'Ütleb: "kool & sõbrad" <väga>'


def test_docx_controls_duplicate_tag_first_answer_wins(limits: Limits) -> None:
    body = para(sdt("referrer.name", "", "<w:showingPlcHdr/>")) + para(
        sdt("referrer.name", run("Mari Maasikas"))
    ) + para(sdt("referrer.name", run("Teine")))
    assert read(body, limits)["referrer.name"] == "Mari Maasikas"


def test_docx_controls_merged_cell_continuation_is_not_read_twice(limits: Limits) -> None:
    cell = '<w:tc><w:tcPr>{merge}</w:tcPr>{p}</w:tc>'
    table = (
        "<w:tbl><w:tr>"
        + cell.format(merge='<w:vMerge w:val="restart"/>',
                      p=para(sdt("children[0].name", run("Säde Tamm"))))
        + "</w:tr><w:tr>"
        + cell.format(merge="<w:vMerge/>", p=para(sdt("children[1].name", run("Säde Tamm"))))
        + "</w:tr></w:tbl>"
    )
    raw = read(table + para(), limits)
    assert raw == {"children[0].name": "Säde Tamm"}


def test_docx_controls_dropdown_gives_the_item_value(limits: Limits) -> None:
    items = ('<w:dropDownList><w:listItem w:displayText="eesti" w:value="et"/>'
             '<w:listItem w:displayText="vene" w:value="ru"/></w:dropDownList>')
    raw = read(para(sdt("family_language", run("vene"), items)), limits)
    assert raw["family_language"] == "ru"
    assert assemble(raw).referral.family_language == "ru"


def test_docx_controls_dropdown_with_typed_text_keeps_the_text(limits: Limits) -> None:
    combo = '<w:comboBox><w:listItem w:displayText="eesti" w:value="et"/></w:comboBox>'
    raw = read(para(sdt("family_language", run("ukraina"), combo)), limits)
    assert raw["family_language"] == "ukraina"


def test_docx_controls_unknown_tags_are_ignored(limits: Limits) -> None:
    body = para(sdt("Pealkiri", run("x")), sdt("referrer.nimi", run("y")),
                sdt("referrer.email", run("mari@example.ee")))
    assert read(body, limits) == {"referrer.email": "mari@example.ee"}
