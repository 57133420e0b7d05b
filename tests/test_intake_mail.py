"""E-mail intake: .eml and .msg unpacking, forwarded mails, hostile names, limits."""

from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import sys
import zlib
from email.message import EmailMessage
from pathlib import Path

import msgforge
import pytest

from pipeline.config import Limits
from pipeline.errors import ResourceLimit
from pipeline.extract import exit_status, extract_bytes
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.forms_build.pdf import build_pdf
from pipeline.model.referral import Referral
from pipeline.read.base import Format
from pipeline.read.mail import safe_name, unpack

PDF_MIME = ("application", "pdf")
DOCX_MIME = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def png_logo() -> bytes:
    """A real 1×1 PNG (a signature logo beside the form)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def forms() -> tuple[bytes, bytes]:
    from pipeline.samples import sample_referral

    raw = referral_to_raw(sample_referral())
    return fill_pdf(build_pdf(), raw), fill_docx(build_docx(), raw)


def eml(attachments: list[tuple[str, bytes, tuple[str, str]]],
        sender: str = "Küllike Õunapuu <Kyllike.Ounapuu@Example.EE>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "pere.lahendusring@example.ee"
    msg["Subject"] = "Suunamine pere lahendusringi"
    msg.set_content("Tere! Saadan suunamisvormi.\n")
    for name, data, (main, sub) in attachments:
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg


def test_mail_eml_gives_sender_and_every_attachment(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    pdf, docx = forms
    msg = eml([("suunamine.pdf", pdf, PDF_MIME), ("suunamine.docx", docx, DOCX_MIME),
               ("logo.png", png_logo(), ("image", "png"))])
    mail = unpack(msg.as_bytes(), Format.EML, limits)
    assert mail.sender == "kyllike.ounapuu@example.ee"
    assert [(a.name, a.data) for a in mail.attachments] == [
        ("suunamine.pdf", pdf), ("suunamine.docx", docx), ("logo.png", png_logo())
    ]


def test_mail_eml_extract_reads_both_forms_and_skips_the_logo(
    forms: tuple[bytes, bytes], referral: Referral, limits: Limits, today: dt.date
) -> None:
    pdf, docx = forms
    msg = eml([("suunamine.pdf", pdf, PDF_MIME), ("suunamine.docx", docx, DOCX_MIME),
               ("logo.png", png_logo(), ("image", "png"))],
              sender=f"Suunaja <{referral.referrer.email}>")
    out = extract_bytes(msg.as_bytes(), name="kiri.eml", limits=limits, today=today)
    assert [(r.source.attachment, r.source.method) for r in out] == [
        ("suunamine.pdf", "pdf-fields"), ("suunamine.docx", "docx-controls")
    ]
    assert all(r.source.sender == referral.referrer.email for r in out)
    assert all(r.source.format == ("pdf" if r.source.method == "pdf-fields" else "docx")
               for r in out)
    assert not any(i.code == "W06" for r in out for i in r.issues)
    assert exit_status(out) == 0


def test_mail_eml_forwarded_message_attachments_are_found(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    pdf, _ = forms
    inner = eml([("vorm.pdf", pdf, PDF_MIME)], sender="suunaja@example.ee")
    outer = EmailMessage()
    outer["From"] = "Kontor <Kontor@Example.ee>"
    outer["Subject"] = "Fwd: Suunamine"
    outer.set_content("Edastan.")
    outer.add_attachment(inner)  # message/rfc822
    mail = unpack(outer.as_bytes(), Format.EML, limits)
    assert mail.sender == "kontor@example.ee"
    assert [(a.name, a.data) for a in mail.attachments] == [("vorm.pdf", pdf)]


def test_mail_eml_attached_eml_file_is_unpacked_too(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    _, docx = forms
    inner = eml([("vorm.docx", docx, DOCX_MIME)]).as_bytes()
    outer = eml([("edastatud.eml", inner, ("application", "octet-stream"))])
    mail = unpack(outer.as_bytes(), Format.EML, limits)
    assert [a.name for a in mail.attachments] == ["vorm.docx"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\vorm.pdf", "vorm.pdf"),
        ("vorm\x00.pdf\x1b[31m", "vorm.pdf[31m"),
        ("..", "manus-3"),
        ("  .peidus.docx ", "peidus.docx"),
        ("", "manus-3"),
        (None, "manus-3"),
        ("suunamine\u202egpj.pdf", "suunaminegpj.pdf"),
    ],
)
def test_mail_safe_name_never_a_path(name: str | None, expected: str) -> None:
    assert safe_name(name, 2) == expected


def test_mail_safe_name_long_name_keeps_extension() -> None:
    s = safe_name("a" * 400 + ".docx", 0)
    assert len(s) <= 150 and s.endswith(".docx")


def test_mail_eml_hostile_attachment_name_is_reduced(limits: Limits) -> None:
    msg = eml([("../../../../tmp/evil.pdf", b"%PDF-1.4\n", PDF_MIME)])
    (att,) = unpack(msg.as_bytes(), Format.EML, limits).attachments
    assert att.name == "evil.pdf"


def test_mail_eml_too_many_attachments_is_a_limit(limits: Limits) -> None:
    msg = eml([(f"logo{i}.png", png_logo(), ("image", "png")) for i in range(4)])
    with pytest.raises(ResourceLimit) as exc:
        unpack(msg.as_bytes(), Format.EML, limits.model_copy(update={"max_attachments": 3}))
    assert exc.value.code == "too_many_attachments"


def test_mail_eml_without_form_is_no_form_in_mail(limits: Limits, today: dt.date) -> None:
    msg = eml([("logo.png", png_logo(), ("image", "png")),
               ("kutse.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ("text", "calendar"))])
    out = extract_bytes(msg.as_bytes(), name="kiri.eml", limits=limits, today=today)
    assert len(out) == 1 and out[0].error is not None
    assert out[0].error.code == "no_form_in_mail"
    assert exit_status(out) == 2


def test_mail_cli_exit_status_2_for_mail_without_form(tmp_path: Path) -> None:
    path = tmp_path / "kiri.eml"
    path.write_bytes(eml([("logo.png", png_logo(), ("image", "png"))]).as_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(path), "--json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert json.loads(proc.stdout)["error"]["code"] == "no_form_in_mail"
    assert "Traceback" not in proc.stderr


# --- .msg -------------------------------------------------------------------------------


def test_mail_msg_gives_sender_and_attachments(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    pdf, docx = forms
    msg = msgforge.Message(subject="Suunamine", text_body="Tere!",
                           sender=("Kyllike.Ounapuu@Example.EE", "Küllike Õunapuu"),
                           to=["pere.lahendusring@example.ee"], sent=True)
    msg.attach_bytes("suunamine.pdf", pdf)
    msg.attach_bytes("..\\..\\suunamine.docx", docx)
    msg.attach_bytes("logo.png", png_logo())
    mail = unpack(msg.as_bytes(), Format.MSG, limits)
    assert mail.sender == "kyllike.ounapuu@example.ee"
    assert [(a.name, a.data) for a in mail.attachments] == [
        ("suunamine.pdf", pdf), ("suunamine.docx", docx), ("logo.png", png_logo())
    ]


def test_mail_msg_extract_reads_forms(
    forms: tuple[bytes, bytes], referral: Referral, limits: Limits, today: dt.date
) -> None:
    _, docx = forms
    msg = msgforge.Message(subject="Suunamine", text_body="Tere!",
                           sender=referral.referrer.email, sent=True)
    msg.attach_bytes("suunamine.docx", docx)
    msg.attach_bytes("logo.png", png_logo())
    out = extract_bytes(msg.as_bytes(), name="kiri.msg", limits=limits, today=today)
    assert [(r.source.attachment, r.source.method) for r in out] == [
        ("suunamine.docx", "docx-controls")
    ]
    assert out[0].source.sender == referral.referrer.email
    assert exit_status(out) == 0


def test_mail_msg_with_attached_msg_is_unpacked(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    pdf, _ = forms
    inner = msgforge.Message(subject="Suunamine", sender="suunaja@example.ee", sent=True)
    inner.attach_bytes("vorm.pdf", pdf)
    outer = msgforge.Message(subject="FW: Suunamine", sender="kontor@example.ee", sent=True)
    outer.attach_bytes("Suunamine.msg", inner.as_bytes())
    mail = unpack(outer.as_bytes(), Format.MSG, limits)
    assert mail.sender == "kontor@example.ee"
    assert [(a.name, a.data) for a in mail.attachments] == [("vorm.pdf", pdf)]


def test_mail_msg_without_form_is_no_form_in_mail(limits: Limits, today: dt.date) -> None:
    msg = msgforge.Message(subject="Küsimus", text_body="Kas saate aidata?",
                           sender="suunaja@example.ee", sent=True)
    out = extract_bytes(msg.as_bytes(), name="kiri.msg", limits=limits, today=today)
    assert out[0].error is not None and out[0].error.code == "no_form_in_mail"
