"""The PDF reader on fillable forms: fields by key, checkbox states, passwords, XFA."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from expected import as_extracted
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from pipeline.config import Limits
from pipeline.errors import UnreadableFile
from pipeline.extract import extract_bytes
from pipeline.forms_build.fill import fill_pdf, referral_to_raw
from pipeline.forms_build.pdf import build_pdf
from pipeline.model.assemble import assemble
from pipeline.model.referral import Referral
from pipeline.read.pdf_reader import PdfReader as FormPdfReader


@pytest.fixture(scope="module")
def blank() -> bytes:
    return build_pdf()


def _filled(blank: bytes, referral: Referral) -> bytes:
    return fill_pdf(blank, referral_to_raw(referral))



def _edit(data: bytes, key: str, change: Callable[[DictionaryObject], None]) -> bytes:
    """The PDF with the field named `key` changed in place (field and widget are one dict)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    acro: Any = writer._root_object["/AcroForm"]
    for ref in acro["/Fields"]:
        obj = ref.get_object()
        if obj.get("/T") == key:
            change(obj)
            break
    else:
        raise AssertionError(f"no field {key}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_fields_round_trip_of_the_official_form(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    result = FormPdfReader().read(_filled(blank, referral), limits)
    assert result.method == "pdf-fields"
    assembled = assemble(result.raw)
    assert assembled.unreadable == {}
    assert assembled.referral.model_dump(mode="json") == as_extracted(referral)


def test_pdf_fields_extract_bytes_reports_method_and_no_issues(
    blank: bytes, referral: Referral, limits: Limits, today: dt.date
) -> None:
    (out,) = extract_bytes(_filled(blank, referral), name="vorm.pdf", limits=limits, today=today)
    assert out.error is None
    assert out.source.method == "pdf-fields"
    assert out.source.format == "pdf"
    assert [i.code for i in out.issues if i.is_error] == []


@pytest.mark.parametrize("state", ["/On", "/1", "/Jah", "/Kinship"])
def test_pdf_fields_checkbox_ticked_whatever_its_export_value(
    blank: bytes, referral: Referral, limits: Limits, state: str
) -> None:
    def tick(obj: DictionaryObject) -> None:
        obj[NameObject("/V")] = NameObject(state)
        obj[NameObject("/AS")] = NameObject(state)

    data = _edit(_filled(blank, referral), "grounds.kinship_care", tick)
    raw = FormPdfReader().read(data, limits).raw
    assert raw["grounds.kinship_care"] is True
    assert raw["grounds.birth_parent_contact"] is False


def test_pdf_fields_checkbox_off_is_not_ticked(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    def untick(obj: DictionaryObject) -> None:
        obj[NameObject("/V")] = NameObject("/Off")
        obj[NameObject("/AS")] = NameObject("/Off")

    data = _edit(_filled(blank, referral), "consent.given", untick)
    assert FormPdfReader().read(data, limits).raw["consent.given"] is False


@pytest.mark.parametrize(("appearance", "expected"), [("/Yes", True), ("/Off", False)])
def test_pdf_fields_checkbox_without_value_falls_back_to_appearance(
    blank: bytes, referral: Referral, limits: Limits, appearance: str, expected: bool
) -> None:
    def only_widget(obj: DictionaryObject) -> None:
        del obj["/V"]
        obj[NameObject("/AS")] = NameObject(appearance)

    data = _edit(_filled(blank, referral), "consent.given", only_widget)
    assert FormPdfReader().read(data, limits).raw["consent.given"] is expected


def test_pdf_fields_multiline_text_keeps_line_breaks(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    def crlf(obj: DictionaryObject) -> None:
        obj[NameObject("/V")] = TextStringObject("Esimene rida\rTeine rida\r\nKolmas")

    data = _edit(_filled(blank, referral), "situation", crlf)
    raw = FormPdfReader().read(data, limits).raw
    assert raw["situation"] == "Esimene rida\nTeine rida\nKolmas"


def test_pdf_fields_hierarchical_names_join_with_dots(limits: Limits) -> None:
    """A tool that nests fields (`referrer` → `name`) still gives the spec key."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    page = writer.pages[0]
    parent = DictionaryObject({NameObject("/T"): TextStringObject("referrer")})
    parent_ref = writer._add_object(parent)
    kid = DictionaryObject({
        NameObject("/T"): TextStringObject("name"),
        NameObject("/FT"): NameObject("/Tx"),
        NameObject("/V"): TextStringObject("Mari Maasikas"),
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        NameObject("/Parent"): parent_ref,
    })
    kid_ref = writer._add_object(kid)
    parent[NameObject("/Kids")] = ArrayObject([kid_ref])
    page[NameObject("/Annots")] = ArrayObject([kid_ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([parent_ref])}
    )
    out = io.BytesIO()
    writer.write(out)
    result = FormPdfReader().read(out.getvalue(), limits)
    assert result.method == "pdf-fields"
    assert result.raw == {"referrer.name": "Mari Maasikas"}


def _encrypted(data: bytes, user: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password="omaniku-parool", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_fields_empty_user_password_is_read(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    data = _encrypted(_filled(blank, referral), "")
    result = FormPdfReader().read(data, limits)
    assert result.method == "pdf-fields"
    assert result.raw["referrer.email"] == referral.referrer.email


def test_pdf_fields_real_password_is_a_clear_error(
    blank: bytes, referral: Referral, limits: Limits, today: dt.date
) -> None:
    data = _encrypted(_filled(blank, referral), "salajane")
    with pytest.raises(UnreadableFile) as exc:
        FormPdfReader().read(data, limits)
    assert exc.value.code == "encrypted"
    assert "parool" in exc.value.message
    (out,) = extract_bytes(data, name="vorm.pdf", limits=limits, today=today)
    assert out.error is not None and out.error.code == "encrypted"


def _xfa_only() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    xfa = StreamObject()
    xfa.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): writer._add_object(xfa),
    })
    writer._root_object[NameObject("/NeedsRendering")] = NameObject("/true")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_fields_xfa_only_form_is_a_clear_error(limits: Limits, today: dt.date) -> None:
    data = _xfa_only()
    with pytest.raises(UnreadableFile) as exc:
        FormPdfReader().read(data, limits)
    assert exc.value.code == "xfa"
    assert "XFA" in exc.value.message
    (out,) = extract_bytes(data, name="xfa.pdf", limits=limits, today=today)
    assert out.error is not None and out.error.code == "xfa"


def test_pdf_fields_fields_with_other_names_are_ignored(limits: Limits) -> None:
    from pipeline.read.pdf_reader import spec_fields

    raw = spec_fields({"referrer.name": "A", "Text1": "B", "grounds.nonsense": True,
                       "grounds.kinship_care": True, " consent.given ": True})
    assert raw == {"referrer.name": "A", "grounds.kinship_care": True, "consent.given": True}


def test_pdf_fields_radio_group_gives_the_chosen_export_name(
    blank: bytes, referral: Referral, limits: Limits
) -> None:
    """Another tool may make the language a radio group (`/ru`) instead of a list."""

    def radio(obj: DictionaryObject) -> None:
        obj[NameObject("/FT")] = NameObject("/Btn")
        obj[NameObject("/Ff")] = NumberObject(1 << 15)
        obj[NameObject("/V")] = NameObject("/ru")

    data = _edit(_filled(blank, referral), "family_language", radio)
    raw = FormPdfReader().read(data, limits).raw
    assert raw["family_language"] == "ru"
    assert assemble(raw).referral.family_language == "ru"
