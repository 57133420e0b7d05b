"""PDF copies through LibreOffice (skipped where LibreOffice is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.render import documents as d
from pipeline.render import pdf
from pipeline.render.samples import sample_case


@pytest.mark.slow
@pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
def test_render_pdf_pool_writes_a_pdf_beside_the_docx(tmp_path: Path) -> None:
    (ack, _) = d.for_registration(sample_case("et"))
    docx = tmp_path / ack.filename
    docx.write_bytes(ack.data)
    with pdf.PdfPool(1) as pool:
        made = pool.submit(docx).result(timeout=180)
    assert made == docx.with_suffix(".pdf")
    assert made.read_bytes().startswith(b"%PDF")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".pdf"]


def test_render_pdf_pool_without_libreoffice_gives_none(tmp_path: Path) -> None:
    pool = pdf.PdfPool(1)
    pool._exe = None  # as on a machine without LibreOffice
    try:
        assert pool.convert(tmp_path / "x.docx") is None
    finally:
        pool.close()
