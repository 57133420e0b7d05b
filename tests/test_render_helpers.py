"""Helpers for the render tests: all visible text of a DOCX, filling a blank plan."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cells(table: object) -> list[str]:
    out: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        for cell in row.cells:
            out.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                out.extend(_cells(inner))
    return out


def docx_parts(data: bytes) -> dict[str, str]:
    """Body (paragraphs and tables), headers and footers as text, via python-docx."""
    doc = Document(io.BytesIO(data))
    body = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        body.extend(_cells(t))
    heads, foots = [], []
    for s in doc.sections:
        heads.extend(p.text for p in s.header.paragraphs)
        foots.extend(p.text for p in s.footer.paragraphs)
    return {"body": "\n".join(body), "header": "\n".join(heads), "footer": "\n".join(foots)}


def docx_text(data: bytes) -> str:
    return "\n".join(docx_parts(data).values())


def fill_sdts(data: bytes, values: dict[str, str], copy_last_row: bool = False) -> bytes:
    """What a coordinator does in Word: type into the content controls (by tag)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zin.read("word/document.xml"))
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        key = None if tag is None else tag.get(f"{W}val")
        if key not in values:
            continue
        content = sdt.find(f"{W}sdtContent")
        assert content is not None
        ts = list(content.iter(f"{W}t"))
        first, *rest = ts
        lines = values[key].split("\n")
        first.text = lines[0]
        first.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run = first.getparent()
        for line in lines[1:]:
            run.append(etree.Element(f"{W}br"))
            t = etree.SubElement(run, f"{W}t")
            t.text = line
        for t in rest:
            t.text = ""
    if copy_last_row:
        for tbl in root.iter(f"{W}tbl"):
            if any((s.get(f"{W}val") or "").startswith("agreements[")
                   for s in tbl.iter(f"{W}tag")):
                rows = tbl.findall(f"{W}tr")
                import copy
                extra = copy.deepcopy(rows[1])
                ts = list(extra.iter(f"{W}t"))
                for t, v in zip(ts[1:], ("Lisarida", "Toomas", "mai", "Helju"), strict=False):
                    t.text = v
                tbl.append(extra)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            payload = zin.read(item.filename)
            if item.filename == "word/document.xml":
                payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)
            zout.writestr(item, payload)
    return out.getvalue()


def test_render_helpers_read_header_footer_and_tables() -> None:
    doc = Document()
    doc.add_paragraph("keha")
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "lahter"
    doc.sections[0].footer.paragraphs[0].text = "jalus"
    buf = io.BytesIO()
    doc.save(buf)
    parts = docx_parts(buf.getvalue())
    assert "keha" in parts["body"] and "lahter" in parts["body"]
    assert parts["footer"] == "jalus"
