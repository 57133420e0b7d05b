"""Real exported e-mails are recognised from their content: mbox exports, Exchange and
Microsoft 365 exports with tens of KB of Received/ARC/DKIM headers before the From,
Content-Type as the first header, CRLF or LF, and Outlook rich-text mail whose
attachments are inside winmail.dat (TNEF)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import struct
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from pipeline import process
from pipeline.config import Limits
from pipeline.extract import extract_bytes
from pipeline.forms_build.fill import fill_docx, referral_to_raw
from pipeline.intake import claim
from pipeline.read.base import Format
from pipeline.read.registry import sniff
from pipeline.samples import sample_referral

TODAY = dt.date(2026, 11, 24)
FORMS = Path(__file__).parent.parent / "forms"
SENDER = "kyllike.ounapuu@example.ee"


def form_docx() -> bytes:
    return fill_docx((FORMS / "suunamisvorm.docx").read_bytes(),
                     referral_to_raw(sample_referral()))


def mail_with(name: str, data: bytes, ctype: tuple[str, str], *, linesep: str = "\n") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Küllike Õunapuu <{SENDER}>"
    msg["To"] = "pere.lahendusring@example.ee"
    msg["Subject"] = "Suunamine perelahendusringi"
    msg["Date"] = "Tue, 24 Nov 2026 09:12:44 +0200"
    msg["Message-ID"] = "<AM0PR07MB1234.eurprd07.prod.outlook.com>"
    msg.set_content("Tere!\n\nSaadan suunamise manuses.\n")
    msg.add_attachment(data, maintype=ctype[0], subtype=ctype[1], filename=name)
    return msg.as_bytes(policy=SMTP.clone(linesep=linesep))


DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def exchange_headers(size: int, linesep: str, top: str = "") -> bytes:
    """The trace Exchange Online writes on top of a message: ARC sets, hops, DKIM."""
    blob = base64.b64encode(bytes(range(256)) * 4).decode()
    out: list[str] = [top] if top else []
    n = 0
    while sum(len(x) for x in out) < size:
        n += 1
        out += [
            f"ARC-Seal: i={n}; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=pass;",
            f" b={blob[:70]}",
            f" {blob[70:140]}",
            f"ARC-Message-Signature: i={n}; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com;",
            " h=From:Date:Subject:Message-ID:Content-Type:MIME-Version;",
            f" bh={blob[140:184]}=;",
            f" b={blob[200:270]}",
            f"Received: from AM0PR07MB{n:04d}.eurprd07.prod.outlook.com (2603:10a6:208:{n}::1)",
            f" by DB9PR07MB{n:04d}.eurprd07.prod.outlook.com with HTTPS; Tue, 24 Nov 2026 "
            f"07:12:{n % 60:02d} +0000",
            f"ARC-Authentication-Results: i={n}; mx.microsoft.com 1; spf=pass",
            " smtp.mailfrom=example.ee; dmarc=pass action=none header.from=example.ee;",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.ee; s=selector1;",
            f" h=From:Date:Subject:Message-ID; bh={blob[300:344]}=;",
            f" b={blob[400:470]}",
            f"X-MS-Exchange-CrossTenant-Network-Message-Id: 5f0c{n:04d}-aaaa-bbbb-cccc-1234",
            f"X-Microsoft-Antispam-Message-Info: {blob[500:570]}",
        ]
    return (linesep.join(out) + linesep).encode()


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A winmail.dat as Outlook writes it: signature, key, version, code page, message
    class, then per attachment its rendering data, title and data (TNEF attributes:
    level, id, type, length, data, checksum)."""

    def attr(level: int, name: int, kind: int, data: bytes) -> bytes:
        return (struct.pack("<BHHI", level, name, kind, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))

    out = struct.pack("<IH", 0x223E9F78, 0x0A2B)
    out += attr(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attr(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += attr(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, struct.pack("<HIIHI", 1, 0xFFFFFFFF, 0, 0, 0))
        out += attr(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")  # attAttachTitle
        out += attr(2, 0x800F, 0x0006, data)  # attAttachData
    return out


def read(data: bytes, limits: Limits) -> list[object]:
    got = extract_bytes(data, name="kiri", limits=limits, today=TODAY)
    assert all(x.error is None for x in got), [x.error for x in got]
    return [x.referral for x in got]


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_intake_mail_mbox_export_with_two_messages(linesep: str, limits: Limits) -> None:
    one = mail_with("suunamine.docx", form_docx(), DOCX, linesep=linesep)
    two = mail_with("teine suunamine.docx", form_docx(), DOCX, linesep=linesep)
    sep = linesep.encode()
    mbox = (b"From 1785234234234567890@xxx Tue Nov 24 07:12:44 +0000 2026" + sep
            + b"X-GM-THRID: 1785234234234567890" + sep + b"X-Gmail-Labels: Inbox" + sep
            + one + sep + b"From " + SENDER.encode() + b" Tue Nov 24 08:00:00 2026" + sep
            + two + sep)
    assert sniff(mbox) is Format.EML
    refs = read(mbox, limits)
    assert len(refs) == 2 and all(r is not None for r in refs)


@pytest.mark.parametrize(("size", "linesep", "top"), [
    (2_000, "\r\n", ""),
    (24_000, "\n", "Authentication-Results: spf=pass (sender IP is 192.0.2.10)"),
    (64_000, "\r\n", "DKIM-Signature: v=1; a=rsa-sha256; d=example.ee; s=s1;"),
])
def test_intake_mail_exchange_export_with_long_trace_headers(
        size: int, linesep: str, top: str, limits: Limits) -> None:
    body = mail_with("Suunamine.docx", form_docx(), DOCX, linesep=linesep)
    data = exchange_headers(size, linesep, top) + body
    assert data.index(b"\nFrom:") > size
    assert sniff(data) is Format.EML
    (x,) = extract_bytes(data, name="kiri.eml", limits=limits, today=TODAY)
    assert x.error is None and x.referral is not None
    assert x.source.sender == SENDER and x.source.attachment == "Suunamine.docx"


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_intake_mail_content_type_first_header(linesep: str, limits: Limits) -> None:
    body = mail_with("suunamine.docx", form_docx(), DOCX, linesep=linesep)
    sep = linesep.encode()
    headers, _, rest = body.partition(sep + sep)
    lines = headers.split(sep)
    # Move the Content-Type field (with its folded lines) to the top, as some clients do.
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(b"content-type:"))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    lines = lines[start:end] + lines[:start] + lines[end:]
    data = sep.join(lines) + sep + sep + rest
    assert data.lower().startswith(b"content-type: multipart/mixed")
    assert sniff(data) is Format.EML
    (ref,) = read(data, limits)
    assert ref is not None


def test_intake_mail_outlook_winmail_dat_attachments_are_read(limits: Limits) -> None:
    dat = tnef([("Suunamine.docx", form_docx()), ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)])
    data = mail_with("winmail.dat", dat, ("application", "ms-tnef"), linesep="\r\n")
    (x,) = extract_bytes(data, name="kiri.eml", limits=limits, today=TODAY)
    assert x.error is None and x.referral is not None
    assert x.source.attachment == "Suunamine.docx" and x.source.sender == SENDER


def test_intake_mail_damaged_winmail_dat_is_named_in_the_reason(limits: Limits) -> None:
    dat = tnef([("Suunamine.docx", form_docx())])[:40] + b"\xff" * 7
    data = mail_with("winmail.dat", dat, ("application", "ms-tnef"))
    (x,) = extract_bytes(data, name="kiri.eml", limits=limits, today=TODAY)
    assert x.error is not None and x.error.code == "corrupt_tnef"
    assert "winmail.dat" in x.error.message


@pytest.mark.parametrize("data", [
    b"Tere: kohtume homme\nkell 10 majas\n",
    b"name;value\nx;y\n",
    b"Subject only\n",
    b"\x00\x01binary: no\n",
])
def test_intake_mail_sniff_is_not_fooled_by_text(data: bytes) -> None:
    assert sniff(data) is None


# --- a winmail.dat saved on its own (issue 8) ------------------------------------------------

OUTLOOK_DAT = Path(__file__).parent / "fixtures" / "tnef" / "two-files.winmail.dat"


def test_intake_mail_bare_winmail_dat_is_recognised_from_its_content(limits: Limits) -> None:
    dat = tnef([("Suunamine.docx", form_docx()), ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)])
    assert sniff(dat) is Format.TNEF and sniff(OUTLOOK_DAT.read_bytes()) is Format.TNEF
    (x,) = extract_bytes(dat, name="teade.bin", limits=limits, today=TODAY)  # name says nothing
    assert x.error is None and x.referral is not None
    assert x.source.attachment == "Suunamine.docx" and x.source.format == "docx"


def test_intake_mail_bare_outlook_winmail_dat_names_its_attachments(limits: Limits) -> None:
    # Written by Outlook (tnefparse's example): two text files, no form.
    (x,) = extract_bytes(OUTLOOK_DAT.read_bytes(), name="winmail.dat", limits=limits,
                         today=TODAY)
    assert x.error is not None and x.error.code == "no_form_in_mail"
    assert "„AUTHORS“" in x.error.message and "„README“" in x.error.message


def test_intake_mail_bare_damaged_winmail_dat_is_corrupt_tnef(limits: Limits) -> None:
    dat = tnef([("Suunamine.docx", form_docx())])
    (x,) = extract_bytes(dat[: len(dat) // 2], name="winmail.dat", limits=limits, today=TODAY)
    assert x.error is not None and x.error.code == "corrupt_tnef"


def test_intake_mail_bare_winmail_dat_in_the_inbox_registers_its_form(
        ctx: process.Context) -> None:
    dat = tnef([("Suunamine.docx", form_docx())])
    src = ctx.layout.inbox / "winmail.dat"
    src.write_bytes(dat[:-100])  # a copy still under way is not taken
    assert not claim.looks_complete(src)
    src.write_bytes(dat)
    assert claim.looks_complete(src) and claim.looks_complete(OUTLOOK_DAT)
    claimed = claim.Owner(ctx.layout).claim(src)
    assert claimed is not None
    result = process.run(process.record_claimed(ctx, claimed, hashlib.sha256(dat).hexdigest()),
                         ctx)
    assert result.outcome == "registered" and len(result.cases) == 1, result
    assert (ctx.layout.archive / result.cases[0] / "winmail.dat").read_bytes() == dat
