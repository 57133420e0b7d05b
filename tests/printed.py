"""A filled fields-PDF as it comes back printed ("Print to PDF"): the field values are
drawn into the page, the widgets and the form are gone, and each check box leaves only
the mark it was printed with (`on` for a ticked box, `off` for an empty one; "" for none).

Shared by the layout-reader tests and the benchmarks that feed printed forms."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from pipeline.forms_build.fill import read_pdf_values


def printed(data: bytes, *, on: str = "[X]", off: str = "[  ]") -> bytes:
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    values = {k: v for k, v in read_pdf_values(data).items() if isinstance(v, str)}
    for page in w.pages:
        boxes = [(a["/Rect"], a["/AS"] != "/Off") for a in
                 (x.get_object() for x in page.get("/Annots", [])) if "/AS" in a]
        w.update_page_form_field_values(page, values, auto_regenerate=False, flatten=True)
        marks = io.BytesIO()
        canvas = Canvas(marks, pagesize=(float(page.mediabox.width),
                                         float(page.mediabox.height)))
        for rect, ticked in boxes:
            x0, y0, _, y1 = (float(v) for v in rect)
            if mark := (on if ticked else off):
                canvas.setFont("Helvetica", (y1 - y0) * 0.8)
                canvas.drawString(x0 - 2, y0 + 1.5, mark)
        canvas.save()
        drawn = PdfReader(marks).pages
        if len(drawn):  # reportlab writes no page when nothing was drawn on it
            page.merge_page(drawn[0])
    w.remove_annotations(subtypes="/Widget")
    if "/AcroForm" in w._root_object:
        del w._root_object["/AcroForm"]
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
