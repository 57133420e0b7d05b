"""A signed referral end to end: registered with its signatures, shown in the case summary."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO
from pathlib import Path

from signing import DOCX_MIME, make_ca, sign_asice
from test_extract_mail_kinds import form_bytes
from test_process_pipeline import arrive

from pipeline import process
from pipeline.config import Layout, Limits, Settings
from pipeline.model import isikukood
from pipeline.register import cases, db
from pipeline.register.views import case_details

ID = isikukood.make(dt.date(1980, 1, 1), female=True, serial=1)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode()
    return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n"))


def _context(home: Path, anchors: tuple[Path, ...]) -> process.Context:
    settings = Settings(home=home, database_url=None, limits=Limits(trust_anchors=anchors))
    Layout(home).ensure()
    return process.make_context(settings)


def test_signed_case_keeps_signatures_and_summary_states_them(tmp_path: Path) -> None:
    ca = make_ca()
    signer = ca.signer("KÜLLIKE", "ÕUNAPUU-ŽUKOVSKAJA", ID)
    anchor = ca.root.pem_file(tmp_path / "root.pem")
    home = tmp_path / "home"
    home.mkdir()
    ctx = _context(home, (anchor,))
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [signer], ca)
    result = process.run(arrive(ctx, "suunamine.asice", box), ctx)
    assert result.outcome == "registered", result
    (number,) = result.cases
    with db.transaction(ctx.sessions) as s:
        case = cases.get_case(session=s, number=number)
        (sig,) = cases.current_signatures(case)
        details = case_details(case)
        referral = cases.current_referral(case)
    assert (sig.signer, sig.id_code, sig.valid, sig.trusted) == (
        "KÜLLIKE ÕUNAPUU-ŽUKOVSKAJA", ID, True, True)
    assert details["signatures"][0]["id_code"] == ID
    assert referral.referrer.name == "Küllike Õunapuu-Žukovskaja"
    texts = {p.name: _docx_text(p.read_bytes()) for p in ctx.layout.outbox.rglob("*.docx")}
    line = ("Digitaalselt allkirjastanud KÜLLIKE ÕUNAPUU-ŽUKOVSKAJA, 1. detsember 2026 "
            "kell 10.15 — allkiri kehtib")
    assert [n for n, t in texts.items() if line in t] == [
        n for n in texts if "ülevaade" in n] != []


def test_signed_case_encrypted_container_is_quarantined_with_advice(
    ctx: process.Context,
) -> None:
    data = b"CDOC\x02" + bytes(300)
    result = process.run(arrive(ctx, "suunamine.cdoc2", data), ctx)
    assert result.outcome == "quarantined" and result.codes == ["encrypted_container"]
    reasons = list(ctx.layout.quarantine.glob("*.reason.txt"))
    assert len(reasons) == 1
    text = reasons[0].read_text(encoding="utf-8")
    assert "DigiDoc4" in text and "sisendkausta" in text
    assert (ctx.layout.quarantine / "suunamine.cdoc2").read_bytes() == data  # kept untouched
