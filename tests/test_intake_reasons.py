"""Reasons a person can act on: an e-mail's reason names the attachment that failed; a
PDF with JavaScript or other active content is flagged in the ledger and on the case
summary, and its archived original is kept byte for byte."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from test_intake_hostile import assert_ok, once
from test_intake_mail_shapes import DOCX, mail_with
from test_watch_e2e import form

from pipeline.config import Limits
from pipeline.extract import ACTIVE_CONTENT, extract_bytes


def with_javascript(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('Tere');")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)  # run on open
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_intake_reason_names_the_attachment_that_failed(limits: Limits) -> None:
    broken = form(21)[:3000]  # a DOCX cut off in transit
    data = mail_with("Suunamine Tamm.docx", broken, DOCX)
    (x,) = extract_bytes(data, name="kiri.eml", limits=limits)
    assert x.error is not None
    assert x.error.message.startswith("Manus „Suunamine Tamm.docx“: ")


def test_intake_reason_lists_attachments_that_are_no_form(limits: Limits) -> None:
    data = mail_with("pilt.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, ("image", "png"))
    (x,) = extract_bytes(data, name="kiri.eml", limits=limits)
    assert x.error is not None and x.error.code == "no_form_in_mail"
    assert "„pilt.png“" in x.error.message


def test_intake_pdf_with_javascript_is_flagged_in_ledger_and_case_summary(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    data = with_javascript(form(22, "pdf"))
    (home / "inbox" / "skriptiga.pdf").write_bytes(data)
    assert_ok(once(home))
    con = sqlite3.connect(home / "data" / "plr.sqlite3")
    try:
        ((outcome, codes),) = con.execute("select outcome, codes from intake_ledger")
    finally:
        con.close()
    assert outcome == "registered" and ACTIVE_CONTENT in codes
    (archived,) = (home / "archive").rglob("skriptiga.pdf")
    assert archived.read_bytes() == data  # the evidence as it came
    (summary,) = (home / "outbox").rglob("*ülevaade*.docx")
    with zipfile.ZipFile(summary) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "aktiivne sisu (JavaScript)" in xml
