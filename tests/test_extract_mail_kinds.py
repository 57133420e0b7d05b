"""An exported e-mail carrying each kind of form reads exactly like the form alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgforge
import pytest
from layout_fixtures import LAYOUT
from test_intake_mail import DOCX_MIME, PDF_MIME, eml, png_logo

from pipeline.config import Limits
from pipeline.extract import extract_bytes
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.samples import sample_referral

TODAY = dt.date(2026, 11, 24)

FORMS = Path(__file__).parent.parent / "forms"

KINDS = [
    ("fields.pdf", PDF_MIME, "pdf-fields"),
    ("official.pdf", PDF_MIME, "pdf-text"),
    ("tables.pdf", PDF_MIME, "pdf-text"),
    ("controls.docx", DOCX_MIME, "docx-controls"),
    ("tables.docx", DOCX_MIME, "docx-text"),
    ("lines.docx", DOCX_MIME, "docx-text"),
]


def form_bytes(name: str) -> bytes:
    """The official forms filled by key; the rest are committed retyped/printed fixtures."""
    raw = referral_to_raw(sample_referral())
    if name == "fields.pdf":
        return fill_pdf((FORMS / "suunamisvorm.pdf").read_bytes(), raw)
    if name == "controls.docx":
        return fill_docx((FORMS / "suunamisvorm.docx").read_bytes(), raw)
    return (LAYOUT / name).read_bytes()


@pytest.mark.parametrize(("name", "mime", "method"), KINDS)
def test_extract_mail_each_form_kind_reads_as_the_form_alone(
    name: str, mime: tuple[str, str], method: str, limits: Limits
) -> None:
    data = form_bytes(name)
    (alone,) = extract_bytes(data, name=name, limits=limits, today=TODAY)
    assert alone.referral is not None and alone.source.method == method
    sender = f"<{alone.referral.referrer.email}>"
    mail = eml([("logo.png", png_logo(), ("image", "png")), (name, data, mime)], sender=sender)
    (inside,) = extract_bytes(mail.as_bytes(), name="kiri.eml", limits=limits, today=TODAY)
    assert inside.source.format == name.rsplit(".", 1)[1]
    assert inside.source.attachment == name
    assert inside.source.sender == alone.referral.referrer.email
    assert inside.referral == alone.referral
    assert inside.issues == alone.issues


def test_extract_mail_other_sender_adds_w06(limits: Limits) -> None:
    data = form_bytes("controls.docx")
    mail = eml([("vorm.docx", data, DOCX_MIME)], sender="Kontor <kontor@example.ee>")
    (inside,) = extract_bytes(mail.as_bytes(), name="kiri.eml", limits=limits, today=TODAY)
    assert inside.source.sender == "kontor@example.ee"
    assert ("W06", "referrer.email") in {(i.code, i.field) for i in inside.issues}


@pytest.mark.parametrize("name", ["tables.pdf", "lines.docx"])
def test_extract_mail_msg_carrying_a_retyped_form(name: str, limits: Limits) -> None:
    data = (LAYOUT / name).read_bytes()
    (alone,) = extract_bytes(data, name=name, limits=limits, today=TODAY)
    assert alone.referral is not None
    msg = msgforge.Message(
        subject="Suunamine", text_body="Tere!", sender=alone.referral.referrer.email, sent=True
    )
    msg.attach_bytes(name, data)
    (inside,) = extract_bytes(msg.as_bytes(), name="kiri.msg", limits=limits, today=TODAY)
    assert inside.source.attachment == name
    assert inside.referral == alone.referral
