"""The blank official form (PDF, DOCX) and filling it by key."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Limits
from pipeline.extract import extract_bytes
from pipeline.forms_build import DOCX_NAME, PDF_NAME, fill
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.pdf import build_pdf
from pipeline.model import spec
from pipeline.model.assemble import assemble
from pipeline.model.referral import FORM_VERSION, Kind, Referral
from pipeline.read.label_vocabulary import PLACEHOLDER

REPO = Path(__file__).resolve().parents[1]
SPECIAL = 'Tamm & Poeg <OÜ> "x" õäöüšž ÕÄÖÜŠŽ'
MULTILINE = "Esimene rida & <teine>.\nTeine rida: õäöü.\n\nKolmas lõik."


@pytest.fixture(scope="module")
def blank_pdf() -> bytes:
    return build_pdf()


@pytest.fixture(scope="module")
def blank_docx() -> bytes:
    return build_docx()


def _checkbox_keys() -> set[str]:
    out: set[str] = set()
    for f in spec.fields():
        if f.kind is Kind.BOOL:
            out.add(f.key)
        elif f.kind is Kind.MULTI:
            out.update(f.option_key(code) for code, _ in f.options)
    return out


def _labels() -> set[str]:
    out = {f.label for f in spec.fields()}
    for f in spec.fields():
        out.update(label for _, label in f.options)
    out.update(g.label for g in spec.groups().values())
    out.update(spec.section_title(letter) for letter, _, _ in spec.sections())
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _document_xml(data: bytes, part: str = "word/document.xml") -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def _text_of(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{fill.W}}}t"))


def _docx_text(data: bytes) -> str:
    root = _document_xml(data)
    return "\n".join(
        "".join(t.text or "" for t in p.iter(f"{{{fill.W}}}t"))
        for p in root.iter(f"{{{fill.W}}}p")
    )


# --- PDF --------------------------------------------------------------------


def test_pdf_has_every_spec_key_as_field(blank_pdf: bytes) -> None:
    fields = pypdf.PdfReader(io.BytesIO(blank_pdf)).get_fields() or {}
    assert set(fields) == set(spec.all_form_keys())


def test_pdf_checkboxes_are_real_checkboxes(blank_pdf: bytes) -> None:
    fields = pypdf.PdfReader(io.BytesIO(blank_pdf)).get_fields() or {}
    boxes = {k for k, f in fields.items() if f.get("/FT") == "/Btn"}
    assert boxes == _checkbox_keys()
    for key in boxes:
        assert "/Yes" in fields[key]["/_States_"]
        assert fields[key]["/V"] == "/Off"


def test_pdf_text_fields_take_long_values(blank_pdf: bytes) -> None:
    fields = pypdf.PdfReader(io.BytesIO(blank_pdf)).get_fields() or {}
    texts = [f for f in fields.values() if f.get("/FT") == "/Tx"]
    assert texts and all("/MaxLen" not in f for f in texts)
    multiline = {k for k, f in fields.items() if f.get("/FT") == "/Tx" and f["/Ff"] & 4096}
    assert multiline == {f.key for f in spec.fields() if f.kind is Kind.LONGTEXT}


def test_pdf_family_language_is_a_combo_box_of_labels(blank_pdf: bytes) -> None:
    f = (pypdf.PdfReader(io.BytesIO(blank_pdf)).get_fields() or {})["family_language"]
    assert f["/FT"] == "/Ch"
    assert f["/Ff"] & 131072  # combo
    assert list(f["/Opt"]) == ["eesti", "vene", "inglise", "muu"]
    assert f["/V"] == "eesti"


def test_pdf_labels_appear_exactly(blank_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(blank_pdf))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    missing = [label for label in _labels() if label not in text]
    assert missing == []


def test_pdf_footer_has_version_and_page_numbers(blank_pdf: bytes) -> None:
    pages = pypdf.PdfReader(io.BytesIO(blank_pdf)).pages
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        text = page.extract_text()
        assert f"Vormi versioon {FORM_VERSION}" in text
        assert f"Lk {n} / {len(pages)}" in text


def test_pdf_build_is_reproducible(blank_pdf: bytes) -> None:
    assert build_pdf() == blank_pdf


# --- DOCX -------------------------------------------------------------------


def _controls(data: bytes) -> dict[str, etree._Element]:
    return dict(fill.content_controls(_document_xml(data)))


def test_docx_has_every_spec_key_as_tag_once(blank_docx: bytes) -> None:
    tags = [tag for tag, _ in fill.content_controls(_document_xml(blank_docx))]
    assert sorted(tags) == sorted(spec.all_form_keys())


def test_docx_aliases_are_the_labels(blank_docx: bytes) -> None:
    controls = _controls(blank_docx)
    for f in spec.fields():
        if f.group or f.kind is Kind.MULTI:
            continue
        alias = controls[f.key].find("w:sdtPr/w:alias", fill.NS)
        assert alias is not None and alias.get(f"{{{fill.W}}}val") == f.label
    grounds = spec.by_key()["grounds"]
    code, label = grounds.options[1]
    alias = controls[grounds.option_key(code)].find("w:sdtPr/w:alias", fill.NS)
    assert alias is not None and alias.get(f"{{{fill.W}}}val") == label


def test_docx_checkboxes_are_checkbox_controls(blank_docx: bytes) -> None:
    controls = _controls(blank_docx)
    boxes = {k for k, sdt in controls.items() if sdt.find("w:sdtPr/w14:checkbox", fill.NS)
             is not None}
    assert boxes == _checkbox_keys()
    for key in boxes:
        assert _text_of(controls[key]) == fill.UNCHECKED_GLYPH


def test_docx_text_controls_show_placeholders(blank_docx: bytes) -> None:
    controls = _controls(blank_docx)
    for f in spec.fields():
        if f.kind in (Kind.BOOL, Kind.MULTI, Kind.CHOICE) or f.group:
            continue
        pr = controls[f.key].find("w:sdtPr", fill.NS)
        assert pr is not None and pr.find("w:showingPlcHdr", fill.NS) is not None
        # Long texts are rich text (no w:text) holding paragraphs; the rest plain text.
        rich = pr.find("w:text", fill.NS) is None
        assert rich == (f.kind is Kind.LONGTEXT)
        paragraphs = controls[f.key].findall("w:sdtContent/w:p", fill.NS)
        assert len(paragraphs) == (1 if rich else 0)
        if rich:
            assert _text_of(paragraphs[0]) == PLACEHOLDER


def test_docx_family_language_is_a_dropdown(blank_docx: bytes) -> None:
    sdt = _controls(blank_docx)["family_language"]
    items = sdt.findall("w:sdtPr/w:dropDownList/w:listItem", fill.NS)
    assert [i.get(f"{{{fill.W}}}value") for i in items] == ["eesti", "vene", "inglise", "muu"]


def test_docx_labels_appear_exactly(blank_docx: bytes) -> None:
    text = _docx_text(blank_docx)
    lines = set(text.split("\n"))
    missing = [label for label in _labels() if label not in text]
    assert missing == []
    # Scalar labels sit alone in their (shaded) label cell.
    assert "Suunaja nimi" in lines and "Nõusoleku kuupäev" in lines


def test_docx_footer_has_version_and_page_fields(blank_docx: bytes) -> None:
    names = zipfile.ZipFile(io.BytesIO(blank_docx)).namelist()
    footers = [n for n in names if re.fullmatch(r"word/footer\d*\.xml", n)]
    assert footers
    xml = b"".join(zipfile.ZipFile(io.BytesIO(blank_docx)).read(n) for n in footers)
    assert f"Vormi versioon {FORM_VERSION}".encode() in xml
    assert b"NUMPAGES" in xml and b" PAGE " in xml


def test_docx_build_is_reproducible(blank_docx: bytes) -> None:
    assert build_docx() == blank_docx


# --- filling ----------------------------------------------------------------


def test_referral_to_raw_writes_form_values(referral: Referral) -> None:
    raw = fill.referral_to_raw(referral)
    assert raw["referral_date"] == "02.11.2026"
    assert raw["children[1].birth_date"] == "05.03.2015"
    assert raw["grounds.prevent_separation"] is True
    assert raw["grounds.kinship_care"] is False
    assert raw["family_language"] == "eesti"
    assert "\n" in str(raw["child_views"])
    assert "children[2].name" not in raw
    assert set(raw) <= set(spec.all_form_keys())


def test_referral_to_raw_refuses_more_rows_than_the_form(referral: Referral) -> None:
    many = referral.model_copy(update={"children": referral.children * 3})
    with pytest.raises(fill.FillError):
        fill.referral_to_raw(many)


def _values(referral: Referral) -> dict[str, str | bool]:
    raw = fill.referral_to_raw(referral)
    raw["referrer.organisation"] = SPECIAL
    raw["network[7].name"] = SPECIAL
    raw["situation"] = MULTILINE
    raw["interpreter_needed"] = True
    return raw


def _filled_only(values: dict[str, str | bool]) -> dict[str, str | bool]:
    return {k: v for k, v in values.items() if v not in ("", False)}


def test_fill_pdf_reads_back_the_same_values(blank_pdf: bytes, referral: Referral) -> None:
    values = _values(referral)
    back = fill.read_pdf_values(fill.fill_pdf(blank_pdf, values))
    assert {k: back[k] for k in values} == values
    assert _filled_only(back) == _filled_only(values) | {"family_language": "eesti"}


def test_fill_pdf_ticks_checkbox_on_state(blank_pdf: bytes) -> None:
    out = fill.fill_pdf(blank_pdf, {"grounds.kinship_care": True, "consent.given": "X"})
    fields = pypdf.PdfReader(io.BytesIO(out)).get_fields() or {}
    assert fields["grounds.kinship_care"]["/V"] == "/Yes"
    assert fields["consent.given"]["/V"] == "/Yes"
    assert fields["grounds.prevent_separation"]["/V"] == "/Off"
    acroform = pypdf.PdfReader(io.BytesIO(out)).root_object["/AcroForm"].get_object()
    assert isinstance(acroform, pypdf.generic.DictionaryObject)
    assert bool(acroform["/NeedAppearances"]) is True


def test_fill_docx_reads_back_the_same_values(blank_docx: bytes, referral: Referral) -> None:
    values = _values(referral)
    back = fill.read_docx_values(fill.fill_docx(blank_docx, values))
    assert {k: back[k] for k in values} == values
    assert _filled_only(back) == _filled_only(values) | {"family_language": "eesti"}


def test_fill_docx_marks_values_as_typed(blank_docx: bytes) -> None:
    out = fill.fill_docx(blank_docx, {"situation": MULTILINE, "acute_danger": True})
    controls = _controls(out)
    sit = controls["situation"]
    assert sit.find("w:sdtPr/w:showingPlcHdr", fill.NS) is None
    # One paragraph per line, blank lines too; no w:br (LibreOffice drops it in print).
    paragraphs = sit.findall("w:sdtContent/w:p", fill.NS)
    assert [_text_of(p) for p in paragraphs] == MULTILINE.split("\n")
    assert sit.find("w:sdtContent//w:br", fill.NS) is None
    assert sit.find("w:sdtContent//w:color", fill.NS) is None  # not grey any more
    box = controls["acute_danger"]
    checked = box.find("w:sdtPr/w14:checkbox/w14:checked", fill.NS)
    assert checked is not None and checked.get(f"{{{fill.W14}}}val") == "1"
    assert _text_of(box) == fill.CHECKED_GLYPH
    # Untouched controls keep their placeholder.
    assert controls["question"].find("w:sdtPr/w:showingPlcHdr", fill.NS) is not None


def _print_with_libreoffice(docx: bytes, folder: Path) -> bytes:
    src = folder / "taidetud.docx"
    src.write_bytes(docx)
    # A profile of its own: another soffice running on the machine must not lock it.
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                   check=True, capture_output=True, timeout=180)
    return (folder / "taidetud.pdf").read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_fill_docx_printed_by_libreoffice_keeps_long_text_paragraphs(
    blank_docx: bytes, referral: Referral, tmp_path: Path, limits: Limits
) -> None:
    raw = fill.referral_to_raw(referral)
    raw["question"] = "Esimene lõik & <teine>.\nTeine lõik: õäöü.\nKolmas lõik."
    printed = _print_with_libreoffice(fill.fill_docx(blank_docx, raw), tmp_path)
    (got,) = extract_bytes(printed, name="taidetud.pdf", limits=limits)
    assert got.source.method == "pdf-text" and got.referral is not None
    for key in ("child_views", "situation", "bottom_lines"):
        assert "\n" in getattr(referral, key)
        assert getattr(got.referral, key) == getattr(referral, key)
    assert got.referral.question == raw["question"]


def test_fill_docx_escapes_markup(blank_docx: bytes) -> None:
    out = fill.fill_docx(blank_docx, {"referrer.name": SPECIAL})
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode("utf-8")
    assert "Tamm &amp; Poeg &lt;OÜ&gt;" in xml
    assert fill.read_docx_values(out)["referrer.name"] == SPECIAL


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_fill_refuses_unknown_keys(blank_pdf: bytes, blank_docx: bytes, which: str) -> None:
    fn, blank = (fill.fill_pdf, blank_pdf) if which == "pdf" else (fill.fill_docx, blank_docx)
    with pytest.raises(fill.FillError) as err:
        fn(blank, {"referrer.nmae": "x"})
    assert err.value.field == "referrer.nmae"
    assert fn(blank, {"referrer.nmae": "x"}, strict=False)


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_fill_then_assemble_gives_the_referral_back(
    blank_pdf: bytes, blank_docx: bytes, referral: Referral, which: str
) -> None:
    raw = fill.referral_to_raw(referral)
    if which == "pdf":
        back = fill.read_pdf_values(fill.fill_pdf(blank_pdf, raw))
    else:
        back = fill.read_docx_values(fill.fill_docx(blank_docx, raw))
    # Multi codes come back in the form's order (the sample lists them otherwise).
    order = [code for code, _ in spec.by_key()["problem_areas"].options]
    expected = referral.model_copy(
        update={"problem_areas": [c for c in order if c in referral.problem_areas]}
    )
    assert assemble(back).referral == expected


# --- command and committed files ----------------------------------------------


def test_cli_forms_build_writes_both_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["forms", "build", "--out", str(tmp_path / "f")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "f" / PDF_NAME).read_bytes()[:5] == b"%PDF-"
    assert zipfile.is_zipfile(tmp_path / "f" / DOCX_NAME)


def test_cli_forms_build_defaults_to_home_forms(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["forms", "build", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == [DOCX_NAME, PDF_NAME]


def test_committed_forms_are_up_to_date(blank_pdf: bytes, blank_docx: bytes) -> None:
    """`plr forms build --out forms` was run after the last change to the form."""
    assert (REPO / "forms" / PDF_NAME).read_bytes() == blank_pdf
    assert (REPO / "forms" / DOCX_NAME).read_bytes() == blank_docx
