"""Filling the blank form by key: any system can pre-fill it, and tests build
filled fixtures with it.

`referral_to_raw` flattens a `Referral` into form keys; `fill_pdf` and
`fill_docx` put such values into the blank PDF / DOCX. Values are set through
pypdf and lxml, never by pasting strings into markup, so `&`, `<`, quotes and
Estonian letters go in and come back out unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import threading
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from pipeline.errors import PipelineError
from pipeline.model import normalize
from pipeline.model.referral import Kind, Referral
from pipeline.model.spec import FieldSpec, fields, groups

FormValue = str | bool
FormValues = Mapping[str, FormValue]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}
CHECKED_GLYPH = "☒"
UNCHECKED_GLYPH = "☐"


class FillError(PipelineError):
    """A value names a field the form does not have, or does not fit it."""

    code = "fill"


def date_text(value: dt.date) -> str:
    """Dates as the form asks for them: `dd.mm.yyyy`."""
    return value.strftime("%d.%m.%Y")


def _text(spec: FieldSpec, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return date_text(value)
    if spec.kind is Kind.CHOICE:
        return next((label for code, label in spec.options if code == value), str(value))
    return str(value)


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def referral_to_raw(referral: Referral) -> dict[str, str | bool]:
    """Every form key with its value as a referrer would type or tick it.

    Bools and multi options are always present (False when not ticked);
    empty texts are left out. The choice field gets its printed label.
    """
    out: dict[str, str | bool] = {}
    for spec in fields():
        if spec.group:
            continue
        value = _get(referral, spec.key)
        if spec.kind is Kind.BOOL:
            out[spec.key] = bool(value)
        elif spec.kind is Kind.MULTI:
            for code, _ in spec.options:
                out[spec.option_key(code)] = code in value
        else:
            text = _text(spec, value)
            if text:
                out[spec.key] = text
    for key, group in groups().items():
        entries = getattr(referral, key)
        if len(entries) > group.rows:
            raise FillError(
                f"Vormil on {group.rows} rida, andmetes on {len(entries)}.", field=key
            )
        for row, entry in enumerate(entries):
            for col in group.columns:
                text = _text(col, getattr(entry, col.column))
                if text:
                    out[col.key_at(row)] = text
    return out


def _ticked(value: FormValue) -> bool:
    return normalize.boolean(value)


def _check_known(known: set[str], values: FormValues) -> None:
    unknown = sorted(set(values) - known)
    if unknown:
        raise FillError(
            f"Vormil ei ole välja {unknown[0]} (kokku {len(unknown)} tundmatut võtit).",
            field=unknown[0],
        )


# --- PDF -------------------------------------------------------------------


def fill_pdf(blank: bytes, values: FormValues, *, strict: bool = True) -> bytes:
    """The blank PDF with `values` set by field name; viewers redraw the fields.

    A checkbox gets its own on-state (`/Yes` in our form) or `/Off`. With
    `strict`, a key the form does not have raises `FillError`.
    """
    reader, form = _parsed_blank(blank)
    if strict:
        _check_known(set(form), values)
    with _CLONING:
        writer = PdfWriter(clone_from=reader)
    update: dict[str, str] = {}
    for key, value in values.items():
        f = form.get(key)
        if f is None:
            continue
        if f.get("/FT") == "/Btn":
            on = next((s for s in f.get("/_States_", []) if s != "/Off"), "/Yes")
            update[key] = str(on) if _ticked(value) else "/Off"
        else:
            update[key] = ("X" if value else "") if isinstance(value, bool) else value
    _checkbox_font(writer)
    writer.update_page_form_field_values(None, update, auto_regenerate=True)
    # NeedAppearances asks viewers to redraw every field from its value, so
    # that a value pypdf could not draw well (line breaks, rare letters)
    # still shows.
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Parsing the blank and resolving its objects was two thirds of a fill (tests fill hundreds
# of forms from the same blank). The clone copies every object, so the kept reader is
# never changed; its lazy reads from one stream are not thread-safe, hence the lock.
_CLONING = threading.Lock()


@functools.lru_cache(maxsize=4)
def _parsed_blank(blank: bytes) -> tuple[PdfReader, dict[str, Any]]:
    reader = PdfReader(io.BytesIO(blank))
    return reader, dict(reader.get_fields() or {})


def _checkbox_font(writer: PdfWriter) -> None:
    """Give check boxes the ZapfDingbats font a viewer redraws them with.

    With NeedAppearances set, viewers redraw check boxes from /MK /CA in the
    font /ZaDb; reportlab does not declare it, so poppler draws a tiny mark.
    """
    acro = writer.root_object["/AcroForm"].get_object()
    assert isinstance(acro, DictionaryObject)
    dr = acro.setdefault(NameObject("/DR"), DictionaryObject()).get_object()
    fonts = dr.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    if "/ZaDb" not in fonts:
        zadb = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/ZapfDingbats"),
                NameObject("/Name"): NameObject("/ZaDb"),
            }
        )
        fonts[NameObject("/ZaDb")] = writer._add_object(zadb)
    for page in writer.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a.get("/FT") == "/Btn" and "/DA" not in a:
                a[NameObject("/DA")] = TextStringObject("/ZaDb 8 Tf 0 g")


def read_pdf_values(data: bytes) -> dict[str, str | bool]:
    """Field values of a filled PDF by key (checkbox -> bool); for tests and checks."""
    out: dict[str, str | bool] = {}
    for key, f in (PdfReader(io.BytesIO(data)).get_fields() or {}).items():
        v = f.get("/V")
        if f.get("/FT") == "/Btn":
            out[key] = v is not None and str(v) != "/Off"
        else:
            out[key] = "" if v is None else str(v)
    return out


# --- DOCX ------------------------------------------------------------------


def _w(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def content_controls(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(tag, w:sdt) of every tagged content control in a part."""
    for sdt in root.iter(_w("w:sdt")):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        if tag is not None:
            yield tag.get(_w("w:val"), ""), sdt


def _set_checkbox(sdt: etree._Element, ticked: bool) -> None:
    pr = sdt.find("w:sdtPr", NS)
    assert pr is not None
    checked = pr.find("w14:checkbox/w14:checked", NS)
    if checked is not None:
        checked.set(_w("w14:val"), "1" if ticked else "0")
    pr_ph = pr.find("w:showingPlcHdr", NS)
    if pr_ph is not None:
        pr.remove(pr_ph)
    texts = sdt.findall("w:sdtContent//w:t", NS)
    if texts:
        texts[0].text = CHECKED_GLYPH if ticked else UNCHECKED_GLYPH
        for t in texts[1:]:
            t.text = ""


def _typed_rpr(content: etree._Element) -> etree._Element | None:
    """The first run's formatting without the placeholder's look (grey, its style)."""
    rpr = content.find(".//w:r/w:rPr", NS)
    if rpr is None:
        return None
    rpr = copy.deepcopy(rpr)
    for el in rpr.findall("w:rStyle", NS) + rpr.findall("w:color", NS):
        rpr.remove(el)
    return rpr


def _run(rpr: etree._Element | None, lines: list[str]) -> etree._Element:
    r = etree.Element(_w("w:r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for i, line in enumerate(lines):
        if i:
            etree.SubElement(r, _w("w:br"))
        t = etree.SubElement(r, _w("w:t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _set_text(sdt: etree._Element, value: str) -> None:
    """Replace the control's content by `value`, in the formatting of its first run.

    A control holding paragraphs (the long texts) gets one paragraph per line:
    LibreOffice drops a `w:br` inside a content control when it prints. An
    inline control can only hold runs, so there lines are `w:br`.
    """
    pr = sdt.find("w:sdtPr", NS)
    content = sdt.find("w:sdtContent", NS)
    assert pr is not None and content is not None
    ph = pr.find("w:showingPlcHdr", NS)
    if ph is not None:
        pr.remove(ph)
    rpr = _typed_rpr(content)
    paragraphs = content.findall("w:p", NS)
    if paragraphs:
        ppr = paragraphs[0].find("w:pPr", NS)
        for line in value.split("\n"):
            p = etree.Element(_w("w:p"))
            if ppr is not None:
                p.append(copy.deepcopy(ppr))
            p.append(_run(rpr, [line]))
            paragraphs[0].addprevious(p)
        old = paragraphs
    else:
        old = content.findall(".//w:r", NS)
        if not old:
            raise FillError("Sisukontrollil puudub tekstilõik.")
        old[0].addprevious(_run(rpr, value.split("\n")))
    for el in old:
        parent = el.getparent()
        assert parent is not None
        parent.remove(el)


def _is_checkbox(sdt: etree._Element) -> bool:
    return sdt.find("w:sdtPr/w14:checkbox", NS) is not None


def fill_document_xml(xml: bytes, values: FormValues, *, strict: bool = True) -> bytes:
    root = etree.fromstring(xml)
    controls: dict[str, list[etree._Element]] = {}
    for tag, sdt in content_controls(root):
        controls.setdefault(tag, []).append(sdt)
    if strict:
        _check_known(set(controls), values)
    for key, value in values.items():
        for sdt in controls.get(key, []):
            if _is_checkbox(sdt):
                _set_checkbox(sdt, _ticked(value))
            elif isinstance(value, bool):
                _set_text(sdt, "X" if value else "")
            else:
                _set_text(sdt, value)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def fill_docx(blank: bytes, values: FormValues, *, strict: bool = True) -> bytes:
    """The blank DOCX with content controls (by `w:tag`) set to `values`."""
    src = zipfile.ZipFile(io.BytesIO(blank))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = fill_document_xml(data, values, strict=strict)
            dst.writestr(info, data)
    return out.getvalue()


def read_docx_values(data: bytes) -> dict[str, str | bool]:
    """Content-control values by tag (checkbox -> bool; placeholder -> ""); for tests."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out: dict[str, str | bool] = {}
    for tag, sdt in content_controls(root):
        checked = sdt.find("w:sdtPr/w14:checkbox/w14:checked", NS)
        if checked is not None:
            out[tag] = checked.get(_w("w14:val")) in ("1", "true")
        elif sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None:
            out[tag] = ""
        else:
            out[tag] = _sdt_text(sdt)
    return out


def _sdt_text(sdt: etree._Element) -> str:
    parts: list[str] = []
    content = sdt.find("w:sdtContent", NS)
    assert content is not None
    for el in content.iter(_w("w:t"), _w("w:br"), _w("w:tab"), _w("w:p")):
        if el.tag == _w("w:t"):
            parts.append(el.text or "")
        elif el.tag == _w("w:br"):
            parts.append("\n")
        elif el.tag == _w("w:tab"):
            parts.append("\t")
        elif parts:
            parts.append("\n")
    return "".join(parts).strip("\n")
