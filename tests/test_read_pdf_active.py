"""Active content in a PDF, found by the PDF reader in its child on the objects it has
open; a file whose bytes cannot carry any is not walked object by object (issue 11), and
neither #xx-escaped names nor object streams hide it."""

from __future__ import annotations

import zlib

from test_intake_reasons import with_javascript
from test_watch_e2e import form

from pipeline.config import Limits
from pipeline.read import pdf_reader, safety


def _pdf(objects: dict[int, bytes], root: int, xref_stream: bytes | None = None) -> bytes:
    """A PDF of the given objects with a correct classic xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    if xref_stream is not None:
        return bytes(out) + xref_stream
    start = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start)
    return bytes(out)


def _with_object_stream() -> bytes:
    """The JavaScript action compressed inside an object stream (PDF 1.5), referenced from
    a cross-reference stream: its names are nowhere in the file's plain bytes."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    head = b"4 0 "
    objstm = zlib.compress(head + action)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
           % (len(head), len(objstm)) + objstm + b"\nendstream",
    }
    body = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(body)
        body += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref_at = len(body)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for num in range(1, 7):
        if num == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        elif num == 6:
            rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    body += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
             % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(body)


def _active(data: bytes) -> list[str]:
    return safety.active_content_in(pdf_reader.open_pdf(data), data)


def test_pdf_active_plain_form_is_not_walked_and_has_none() -> None:
    data = form(0, "pdf")
    assert not safety._may_carry_active(pdf_reader.open_pdf(data), data)
    assert _active(data) == [] == safety.pdf_active_content(data)


def test_pdf_active_javascript_found_by_the_reader() -> None:
    data = with_javascript(form(0, "pdf"))
    assert _active(data) == ["JavaScript"]
    assert pdf_reader.PdfReader().read(data, Limits()).active == ["JavaScript"]


def test_pdf_active_escaped_names_are_found() -> None:
    data = _pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        4: b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
    }, root=1)
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert _active(data) == ["JavaScript"]


def test_pdf_active_inside_an_object_stream_is_found() -> None:
    data = _with_object_stream()
    assert b"JavaScript" not in data
    assert _active(data) == ["JavaScript"]
