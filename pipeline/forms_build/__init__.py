"""The blank official referral form (PDF and DOCX) built from the one form
description, and filling it by key (see `fill`)."""

from __future__ import annotations

from pathlib import Path

PDF_NAME = "suunamisvorm.pdf"
DOCX_NAME = "suunamisvorm.docx"


def write_forms(folder: Path) -> list[Path]:
    """Write both blank forms into `folder` (created if missing)."""
    from pipeline.forms_build.docx import build_docx
    from pipeline.forms_build.pdf import build_pdf

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in ((PDF_NAME, build_pdf()), (DOCX_NAME, build_docx())):
        path = folder / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # never leave a half-written form behind
        written.append(path)
    return written
