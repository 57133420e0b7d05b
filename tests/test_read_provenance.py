"""Where each value came from: the readers record the label text each raw key was read
under (printed label, PDF field name, content control title), and the register keeps it
with the version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import Limits, Settings
from pipeline.extract import extract_bytes, extract_file
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.forms_build.pdf import build_pdf
from pipeline.register.cases import (
    current_provenance,
    current_referral,
    get_case,
    register_referral,
)
from pipeline.register.db import session_factory, transaction
from pipeline.samples import sample_referral

LAYOUT = Path(__file__).parent / "fixtures" / "layout"


def test_read_provenance_printed_labels_per_key() -> None:
    x = extract_file(LAYOUT / "tables.pdf", Limits())[0]
    assert x.source.method == "pdf-text"
    assert x.labels["referrer.name"] == "Suunaja nimi"  # without the required star
    assert x.labels["children[1].name"] == "Lapse ees-ja perekonnanimi"  # a table header
    assert x.labels["family_language"] == "Pere suhtluskeel"  # the field, not the option
    assert x.labels["factors.parenting.risk"] == "Vanemlus – riskitegurid"  # a grid
    y = extract_file(LAYOUT / "lines.docx", Limits())[0]
    assert y.source.method == "docx-text" and y.labels["grounds"] == "Suunamise alus"


def test_read_provenance_form_fields_and_content_controls() -> None:
    raw = referral_to_raw(sample_referral())
    pdf = extract_bytes(fill_pdf(build_pdf(), raw), name="f.pdf", limits=Limits())[0]
    assert pdf.source.method == "pdf-fields"
    assert pdf.labels["referrer.name"] == "referrer.name"  # a form field: its name
    docx = extract_bytes(fill_docx(build_docx(), raw), name="f.docx", limits=Limits())[0]
    assert docx.source.method == "docx-controls"
    assert docx.labels["referrer.name"] == "Suunaja nimi"  # the control's title


def test_read_provenance_is_kept_with_the_version_not_in_the_form(tmp_path: Path) -> None:
    x = extract_file(LAYOUT / "tables.pdf", Limits())[0]
    assert x.referral is not None
    settings = Settings(home=tmp_path, database_url=None)
    settings.layout.ensure()
    factory = session_factory(settings)
    with transaction(factory) as s:
        number = register_referral(
            session=s, referral=x.referral, warnings=[], source_file="tables.pdf",
            sha256="c" * 64, received_at=dt.datetime(2026, 11, 20, 9),
            provenance=x.provenance()).number
    with transaction(factory) as s:
        case = get_case(session=s, number=number)
        kept = current_provenance(case)
        assert kept["format"] == "pdf" and kept["method"] == "pdf-text"
        assert kept["labels"]["referrer.name"] == "Suunaja nimi"
        assert current_referral(case) == x.referral  # the form itself is unchanged
