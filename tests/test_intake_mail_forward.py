"""Forwarded referrals: the form's sender is whoever sent the original, not the office.

W06 compares the form's referrer e-mail with the sender of the form. When office
staff forward a referral instead of exporting it, the sender is taken from the
forwarded message (attached) or from the quoted header block (inline forward).
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import msgforge
import pytest

from pipeline.config import Limits
from pipeline.extract import Extraction, extract_bytes
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.forms_build.pdf import build_pdf
from pipeline.read.base import Format
from pipeline.read.mail import unpack
from pipeline.read.mail_forward import MAX_TEXT, address_in, html_to_text, original_sender
from pipeline.samples import sample_referral

DOCX_MIME = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
PDF_MIME = ("application", "pdf")
OFFICE = "Lastekaitse kontor <Kontor@Example.ee>"
OFFICE_ADDR = "kontor@example.ee"
REFERRER = "kyllike.ounapuu@example.ee"  # the sample form's referrer e-mail (synthetic)
QUOTED = "Küllike Õunapuu <Kyllike.Ounapuu@Example.EE>"
OTHER = "Teine Töötaja <teine.tootaja@example.ee>"


@pytest.fixture(scope="module")
def forms() -> tuple[bytes, bytes]:
    raw = referral_to_raw(sample_referral())
    assert sample_referral().referrer.email == REFERRER
    return fill_docx(build_docx(), raw), fill_pdf(build_pdf(), raw)


def mail(body: str, subject: str, attachments: list[tuple[str, bytes, tuple[str, str]]],
         sender: str = OFFICE, *, html: bool = False) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "pere.lahendusring@example.ee"
    msg["Subject"] = subject
    msg.set_content(body, subtype="html" if html else "plain")
    for name, data, (main, sub) in attachments:
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg


def extract_one(msg: EmailMessage | bytes, limits: Limits, today: dt.date) -> Extraction:
    data = msg if isinstance(msg, bytes) else msg.as_bytes()
    (out,) = extract_bytes(data, name="kiri.eml", limits=limits, today=today)
    assert out.referral is not None, out.error
    return out


def codes(out: Extraction) -> set[str]:
    return {i.code for i in out.issues}


def gmail(quoted: str) -> str:
    return (f"Tere! Edastan suunamise.\n\n---------- Forwarded message ---------\n"
            f"From: {quoted}\nDate: E, 23. nov 2026 kell 10:15\n"
            f"Subject: Suunamine\nTo: <pere.lahendusring@example.ee>\n\nTere! Vorm on lisatud.\n")


STYLES = {
    "gmail": ("Fwd: Suunamine", gmail(QUOTED)),
    "outlook": ("FW: Suunamine", "Edastan.\n\n-----Original Message-----\n"
                f"From: {QUOTED}\nSent: Monday, November 23, 2026 10:15 AM\n"
                "To: pere.lahendusring@example.ee\nSubject: Suunamine\n"),
    "outlook_et": ("Edasi: Suunamine", "Edastan.\n\n-----Algsõnum-----\n"
                   f"Saatja: {QUOTED}\nSaadetud: esmaspäev, 23. november 2026 10:15\n"
                   "Adressaat: pere.lahendusring@example.ee\nTeema: Suunamine\n"),
    "outlook_et_no_separator": (
        "Edasi: Suunamine", "Edastan.\n\n________________________________\n"
        "Saatja: Küllike Õunapuu [mailto:kyllike.ounapuu@example.ee]\n"
        "Saadetud: 23. november 2026 10:15\nTeema: Suunamine\n"),
    "outlook_ru": ("Пересл: Направление", "Пересылаю.\n\n-----Исходное сообщение-----\n"
                   f"От: {QUOTED}\nОтправлено: 23 ноября 2026 г. 10:15\nТема: Suunamine\n"),
    "thunderbird": ("Fwd: Suunamine", "\n\n-------- Forwarded Message --------\n"
                    "Subject: \tSuunamine\nDate: \tMon, 23 Nov 2026 10:15:00 +0200\n"
                    f"From: \t{QUOTED}\nTo: \tpere.lahendusring@example.ee\n"),
    "thunderbird_et": ("Suunamine", "Tere!\n\n-------- Edastatud kiri --------\n"
                       "Teema: \tSuunamine\nKuupäev: \t23.11.2026 10:15\n"
                       f"Saatja: \t{QUOTED}\nAdressaat: \tpere.lahendusring@example.ee\n"),
    "quoted_lines": ("Fwd: Suunamine", "Vaata allpool.\n\n> -----Original Message-----\n"
                     f"> From: {QUOTED}\n> Subject: Suunamine\n"),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_intake_mail_forward_inline_quoted_sender_is_the_form_sender(
    style: str, forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    subject, body = STYLES[style]
    docx, _ = forms
    msg = mail(body, subject, [("suunamine.docx", docx, DOCX_MIME)])
    unpacked = unpack(msg.as_bytes(), Format.EML, limits)
    assert unpacked.sender == REFERRER
    assert [a.sender for a in unpacked.attachments] == [REFERRER]
    out = extract_one(msg, limits, today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


def test_intake_mail_forward_gmail_html_only_body(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    _, pdf = forms
    body = ('<div dir="ltr">Edastan.<br><br><div class="gmail_quote"><div dir="ltr" '
            'class="gmail_attr">---------- Forwarded message ---------<br>From: <strong '
            'class="gmail_sendername" dir="auto">Küllike Õunapuu</strong> <span dir="auto">'
            '&lt;<a href="mailto:kyllike.ounapuu@example.ee">kyllike.ounapuu@example.ee</a>'
            '&gt;</span><br>Date: E, 23. nov 2026</div></div></div>')
    out = extract_one(mail(body, "Fwd: Suunamine", [("vorm.pdf", pdf, PDF_MIME)], html=True),
                      limits, today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


def test_intake_mail_forward_outlook_html_name_only_link_keeps_the_mailto(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    body = ('<html><head><style>p.MsoNormal {margin:0cm;}</style></head><body>'
            '<p class="MsoNormal">Edastan.</p><div style="border:none;border-top:solid #E1E1E1 '
            '1.0pt"><p class="MsoNormal"><b>Saatja:</b> <a href="mailto:Kyllike.Ounapuu@'
            'example.ee?subject=x">Küllike Õunapuu</a><br><b>Saadetud:</b> 23. november 2026'
            '</p></div></body></html>')
    out = extract_one(mail(body, "Edasi: Suunamine", [("v.docx", docx, DOCX_MIME)], html=True),
                      limits, today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


def test_intake_mail_forward_quoted_sender_differs_from_form_still_warns(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    out = extract_one(mail(gmail(OTHER), "Fwd: Suunamine", [("v.docx", docx, DOCX_MIME)]),
                      limits, today)
    assert out.source.sender == "teine.tootaja@example.ee"
    assert ("W06", "referrer.email") in {(i.code, i.field) for i in out.issues}


def test_intake_mail_forward_plain_mail_from_office_still_warns(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    body = f"Tere! Saadan suunamise.\nFrom: {QUOTED}\n"  # a From line, but not a forward
    out = extract_one(mail(body, "Suunamine", [("v.docx", docx, DOCX_MIME)]), limits, today)
    assert out.source.sender == OFFICE_ADDR
    assert "W06" in codes(out)


@pytest.mark.parametrize("subject", ["RE: Suunamine", "Vs: Suunamine", "VS: Suunamine"])
def test_intake_mail_forward_reply_quoting_the_original_keeps_the_outer_sender(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date, subject: str
) -> None:
    # Outlook quotes a replied-to mail with the same separator as a forward; "Vs:" is the
    # Estonian (and Finnish) Outlook's reply prefix.
    docx, _ = forms
    body = f"Parandatud vorm on lisatud.\n\n-----Original Message-----\nFrom: {OTHER}\n"
    out = extract_one(mail(body, subject, [("v.docx", docx, DOCX_MIME)],
                           sender=QUOTED), limits, today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


def test_intake_mail_forward_without_quoted_address_keeps_the_outer_sender(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    # The first quoted header has a name only; the older one further down does not count.
    docx, _ = forms
    body = ("Edastan.\n\n-----Algsõnum-----\nSaatja: Küllike Õunapuu\nTeema: Suunamine\n\n"
            f"-----Algsõnum-----\nSaatja: {OTHER}\n")
    out = extract_one(mail(body, "Edasi: Suunamine", [("v.docx", docx, DOCX_MIME)]),
                      limits, today)
    assert out.source.sender == OFFICE_ADDR
    assert "W06" in codes(out)


def test_intake_mail_forward_as_attachment_sender_is_the_inner_from(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    docx, pdf = forms
    inner = mail("Tere! Vorm on lisatud.", "Suunamine", [("vorm.docx", docx, DOCX_MIME)],
                 sender=QUOTED)
    outer = mail("Edastan.", "Fwd: Suunamine", [("kontori-vorm.pdf", pdf, PDF_MIME)])
    outer.add_attachment(inner)  # message/rfc822
    unpacked = unpack(outer.as_bytes(), Format.EML, limits)
    assert unpacked.sender == OFFICE_ADDR
    assert [(a.name, a.sender) for a in unpacked.attachments] == [
        ("kontori-vorm.pdf", OFFICE_ADDR), ("vorm.docx", REFERRER)
    ]


def test_intake_mail_forward_attached_inline_forward_uses_its_quoted_sender(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    docx, _ = forms
    inner = mail(gmail(QUOTED), "Fwd: Suunamine", [("vorm.docx", docx, DOCX_MIME)],
                 sender=OTHER)
    outer = mail("Edastan.", "Fwd: Fwd: Suunamine", [])
    outer.add_attachment(inner.as_bytes(), maintype="application", subtype="octet-stream",
                         filename="edastatud.eml")  # an .eml file, not message/rfc822
    (att,) = unpack(outer.as_bytes(), Format.EML, limits).attachments
    assert (att.name, att.sender) == ("vorm.docx", REFERRER)


def test_intake_mail_forward_as_attachment_extract_has_no_w06(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    inner = mail("Tere!", "Suunamine", [("vorm.docx", docx, DOCX_MIME)], sender=QUOTED)
    outer = mail("Edastan.", "Fwd: Suunamine", [])
    outer.add_attachment(inner)
    out = extract_one(outer, limits, today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


# --- .msg -------------------------------------------------------------------------------


def test_intake_mail_forward_msg_inline_forward_outlook_et(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    msg = msgforge.Message(subject="Edasi: Suunamine", text_body=STYLES["outlook_et"][1],
                           sender=OFFICE_ADDR, sent=True)
    msg.attach_bytes("suunamine.docx", docx)
    (out,) = extract_bytes(msg.as_bytes(), name="kiri.msg", limits=limits, today=today)
    assert out.source.sender == REFERRER
    assert "W06" not in codes(out)


def test_intake_mail_forward_msg_attached_msg_file_sender_is_the_inner_from(
    forms: tuple[bytes, bytes], limits: Limits
) -> None:
    # msgforge cannot build an embedded message (attach method 5): a .msg file it is.
    docx, _ = forms
    inner = msgforge.Message(subject="Suunamine", sender=REFERRER, sent=True)
    inner.attach_bytes("vorm.docx", docx)
    outer = msgforge.Message(subject="FW: Suunamine", sender=OFFICE_ADDR, sent=True)
    outer.attach_bytes("Suunamine.msg", inner.as_bytes())
    unpacked = unpack(outer.as_bytes(), Format.MSG, limits)
    assert unpacked.sender == OFFICE_ADDR
    assert [(a.name, a.sender) for a in unpacked.attachments] == [("vorm.docx", REFERRER)]


# --- bounded work -----------------------------------------------------------------------


def test_intake_mail_forward_huge_body_keeps_the_outer_sender(
    forms: tuple[bytes, bytes], limits: Limits, today: dt.date
) -> None:
    docx, _ = forms
    line = "Lorem ipsum dolor sit amet, From consectetur <adipiscing elit> --- @@ ---\n"
    filler = line * (MAX_TEXT // len(line) + 1)
    body = filler + gmail(QUOTED) + line * (6 * 1024 * 1024 // len(line))  # header past the cut
    msg = mail(body, "Fwd: Suunamine", [("v.docx", docx, DOCX_MIME)])
    assert unpack(msg.as_bytes(), Format.EML, limits).sender == OFFICE_ADDR
    out = extract_one(msg, limits, today)
    assert out.source.sender == OFFICE_ADDR


@pytest.mark.parametrize(
    "body",
    [
        "<" * 3_000_000,
        "<!--" + "a" * 3_000_000,
        "<a href='mailto:" + "x" * 3_000_000,
        "<a href=mailto:a@b.ee>" * 300_000,
        "<style>" + "<p>" * 1_000_000,
        "&" + "#" * 3_000_000,
    ],
)
def test_intake_mail_forward_hostile_html_is_cut_and_harmless(body: str) -> None:
    assert original_sender("Fwd: x", body, is_html=True) is None
    assert original_sender("Fwd: x", body.replace("<", "\n"), is_html=False) is None


def test_intake_mail_forward_long_header_lines_are_not_scanned_quadratically() -> None:
    value = "x" * 3_000_000  # one huge line: only its start is looked at
    assert original_sender("Fwd: x", "From: " + value + "@example.ee") is None
    assert address_in("a" * 100_000 + " <b@example.ee>") is None


# --- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Küllike Õunapuu <Kyllike.Ounapuu@Example.EE>", REFERRER),
        ("Küllike Õunapuu [mailto:kyllike.ounapuu@example.ee]", REFERRER),
        ("kyllike.ounapuu@example.ee", REFERRER),
        ('"kontor@example.ee" <kyllike.ounapuu@example.ee>', REFERRER),
        ("Küllike Õunapuu", None),
        ("Küllike <ei ole aadress>", None),
        ("a@b", None),
    ],
)
def test_intake_mail_forward_address_in_header_value(value: str, expected: str | None) -> None:
    assert address_in(value) == expected


def test_intake_mail_forward_html_to_text_keeps_lines_and_drops_styles() -> None:
    text = html_to_text("<html><head><title>T</title><style>b{}</style></head><body>"
                        "<!-- <p>peidus</p> -->Üks<br/>Kaks &amp; <b>kolm</b><p>Neli</p>")
    assert [line for line in text.split("\n") if line] == ["Üks", "Kaks & kolm", "Neli"]


@pytest.mark.parametrize(
    "subject", ["Fwd: x", "FW: x", "Fw:x", "VL: x", "Edasi: x", "EDASTATUD: x", "Пересл: x",
                "TR : x"],
)
def test_intake_mail_forward_subject_prefixes(subject: str) -> None:
    assert original_sender(subject, f"Edastan.\nFrom: {QUOTED}\n") == REFERRER
    assert original_sender("Suunamine", f"Edastan.\nFrom: {QUOTED}\n") is None
