"""Signed referrals: ASiC-E containers (XAdES, pyasice) and signed PDFs (PAdES, pyHanko).

The tests make their own certification authority and ID-card-shaped signer
certificates (tests/signing.py); the test root is a trust anchor only where a
test adds it, so the same signature is checked once trusted and once not.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pypdf import PdfWriter
from signing import (
    DOCX_MIME,
    SIGNED_AT,
    CertAuthority,
    Party,
    make_ca,
    raw_ecdsa,
    sign_asice,
    sign_pdf,
)
from test_extract_mail_kinds import form_bytes
from test_intake_mail import eml

from pipeline.config import Limits
from pipeline.extract import Extraction, extract_bytes
from pipeline.model import isikukood
from pipeline.read import oscrypto_fix
from pipeline.read.signatures import REVOKED, TAMPERED, UNTRUSTED, verify_raw

TODAY = dt.date(2026, 12, 1)
REFERRER_ID = isikukood.make(dt.date(1980, 1, 1), female=True, serial=1)
OTHER_ID = isikukood.make(dt.date(1975, 6, 15), female=False, serial=2)
PDF_MIME = "application/pdf"


@pytest.fixture(scope="module")
def ca() -> CertAuthority:
    return make_ca()


@pytest.fixture(scope="module")
def referrer(ca: CertAuthority) -> Party:
    # The sample form's referrer is "Küllike Õunapuu-Žukovskaja"; certificates carry capitals.
    return ca.signer("KÜLLIKE", "ÕUNAPUU-ŽUKOVSKAJA", REFERRER_ID)


@pytest.fixture(scope="module")
def stranger(ca: CertAuthority) -> Party:
    return ca.signer("MART", "MAASIKAS", OTHER_ID)


@pytest.fixture
def anchored(ca: CertAuthority, tmp_path: Path) -> Limits:
    """Limits with the test root as the office's extra trust anchor (a folder of PEMs)."""
    folder = tmp_path / "anchors"
    folder.mkdir()
    ca.root.pem_file(folder / "test-root.pem")
    (folder / "LOEMIND.txt").write_text("not a certificate")
    return Limits(trust_anchors=(folder,))


def _one(data: bytes, name: str, limits: Limits) -> Extraction:
    (x,) = extract_bytes(data, name=name, limits=limits, today=TODAY)
    assert x.error is None, x.error
    return x


def _codes(x: Extraction) -> set[str]:
    return {i.code for i in x.issues}


def _rezip(container: bytes, replace: dict[str, bytes]) -> bytes:
    """The container with some members' bytes replaced, order and mimetype kept."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(container)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


# --- oscrypto 1.3.0 against OpenSSL 3 -----------------------------------------------------------


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, env=dict(os.environ), check=False)


def test_oscrypto_fix_makes_pyasice_import_against_openssl3() -> None:
    import re
    import ssl

    fixed = _run("from pipeline.read import oscrypto_fix as f; print(f.libcrypto_version());"
                 "import pyasice")
    assert fixed.returncode == 0, fixed.stderr
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", ssl.OPENSSL_VERSION)
    assert match is not None
    version = tuple(int(g) for g in match.groups())
    assert fixed.stdout.strip() == str(version)
    if version >= (3, 0, 10):
        bare = _run("import pyasice")  # what the patch is for: the unpatched import fails
        assert bare.returncode != 0 and "version of libcrypto" in bare.stderr


# --- ECDSA signature encoding ----------------------------------------------------------------


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()], ids=["p256", "p384"])
def test_verify_raw_accepts_thousands_of_valid_ecdsa_signatures(
    curve: ec.EllipticCurve, ca: CertAuthority
) -> None:
    party = ca.signer("MARI", "MAASIKAS", REFERRER_ID)
    key = ec.generate_private_key(curve)
    cert = party.cert
    if not isinstance(curve, ec.SECP384R1):
        from signing import _cert, _name

        cert = _cert(_name(C="EE", CN="MAASIKAS,MARI"), ca.issuing, key, ca=False)
    else:
        key = party.key
    messages = [f"SignedInfo {n}".encode() for n in range(3000)]
    rejected = [m for m in messages if not verify_raw(cert, raw_ecdsa(key, m), m, "sha256")]
    assert rejected == []
    assert not verify_raw(cert, raw_ecdsa(key, b"one"), b"another", "sha256")


def _pyasice_rejected_signature(key: ec.EllipticCurvePrivateKey, der_cert: bytes
                                ) -> tuple[bytes, bytes]:
    """A valid raw signature that pyasice's own verify rejects (its DER guess misfires)."""
    oscrypto_fix.apply()
    from pyasice.exceptions import SignatureVerificationError
    from pyasice.signature_verifier import verify

    for n in range(200_000):
        message = f"SignedInfo {n}".encode()
        raw = raw_ecdsa(key, message)
        if raw[0] != 0x30:  # only a value starting like a DER SEQUENCE can be mistaken
            continue
        try:
            verify(der_cert, raw, message, "SHA256")
        except SignatureVerificationError:
            return message, raw
    raise AssertionError("no signature that pyasice rejects found")


def test_verify_raw_accepts_signatures_pyasice_rejects(referrer: Party) -> None:
    message, raw = _pyasice_rejected_signature(referrer.key, referrer.der)
    assert verify_raw(referrer.cert, raw, message, "sha256")


# --- ASiC-E ------------------------------------------------------------------------------------


def test_asice_reads_the_form_inside_like_the_form_alone(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    docx = form_bytes("controls.docx")
    alone = _one(docx, "vorm.docx", Limits())
    box = sign_asice({"suunamisvorm.docx": (docx, DOCX_MIME)}, [referrer], ca)
    x = _one(box, "suunamisvorm.asice", anchored)
    assert x.referral == alone.referral
    assert x.issues == alone.issues  # signed by the referrer, trusted: nothing to add
    assert (x.source.container, x.source.document, x.source.format, x.source.method) == (
        "asice", "suunamisvorm.docx", "docx", "docx-controls")
    (sig,) = x.source.signatures or []
    assert sig.signer == "KÜLLIKE ÕUNAPUU-ŽUKOVSKAJA"
    assert sig.id_code == REFERRER_ID
    assert sig.signed_at == SIGNED_AT
    assert (sig.valid, sig.trusted, sig.reason, sig.kind) == (True, True, None, "xades")
    out = x.to_json()["source"]["signatures"][0]
    assert set(out) >= {"signer", "id_code", "signed_at", "valid", "trusted", "reason"}
    assert out["signed_at"] == "2026-12-01T08:15:00Z"


def test_asice_without_the_test_anchor_is_valid_but_untrusted(
    ca: CertAuthority, referrer: Party
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [referrer], ca)
    x = _one(box, "vorm.bdoc", Limits())
    (sig,) = x.source.signatures or []
    assert (sig.valid, sig.trusted, sig.reason) == (True, False, UNTRUSTED)
    w11 = [i for i in x.issues if i.code == "W11"]
    assert len(w11) == 1 and w11[0].severity == "warning"
    assert "usaldusväärne sertifitseerija" in w11[0].message
    assert not x.has_errors  # a warning: the case is still registered


def test_asice_changed_after_signing_gives_the_tampering_warning(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    docx = form_bytes("controls.docx")
    box = sign_asice({"vorm.docx": (docx, DOCX_MIME)}, [referrer], ca)
    with zipfile.ZipFile(BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml")
    assert b"+37251234567" in xml
    members = {}
    with zipfile.ZipFile(BytesIO(docx)) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members["word/document.xml"] = xml.replace(b"+37251234567", b"+37259999999")
    changed = BytesIO()
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    x = _one(_rezip(box, {"vorm.docx": changed.getvalue()}), "vorm.asice", anchored)
    assert x.referral is not None and x.referral.referrer.phone == "+37259999999"
    (sig,) = x.source.signatures or []
    assert (sig.valid, sig.reason) == (False, TAMPERED)
    assert "W09" in _codes(x)
    assert "W11" not in _codes(x)  # an invalid signature is not judged for trust


def test_asice_signature_file_edited_gives_the_tampering_warning(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [referrer], ca)
    with zipfile.ZipFile(BytesIO(box)) as zf:
        (sig_name,) = [n for n in zf.namelist() if "signatures" in n]
        xml = zf.read(sig_name)
    edited = xml.replace(b"2026-12-01T08:15:00Z", b"2026-11-30T08:15:00Z")
    assert edited != xml
    x = _one(_rezip(box, {sig_name: edited}), "vorm.asice", anchored)
    assert (x.source.signatures or [])[0].valid is False
    assert "W09" in _codes(x)


def test_asice_timestamp_gives_the_signing_time_and_is_checked(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    tsa = ca.tsa()
    stamped = dt.datetime(2026, 12, 1, 8, 16, 30, tzinfo=dt.UTC)
    files = {"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}
    box = sign_asice(files, [referrer], ca, tsa=tsa, stamped_at=stamped)
    with zipfile.ZipFile(BytesIO(box)) as zf:
        assert b"EncapsulatedTimeStamp" in zf.read("META-INF/signatures1.xml")
    x = _one(box, "vorm.asice", anchored)
    (sig,) = x.source.signatures or []
    assert (sig.valid, sig.trusted, sig.signed_at) == (True, True, stamped)
    assert not {"W09", "W11"} & _codes(x)

    # A token over some other SignatureValue does not vouch for this one.
    other = sign_asice(files, [referrer], ca, tsa=tsa, stamped_at=stamped, stamp_other=True)
    y = _one(other, "vorm.asice", anchored)
    assert (y.source.signatures or [])[0].valid is False
    assert "W09" in _codes(y)


def test_asice_embedded_ocsp_is_checked_offline(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    files = {"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}
    good = _one(sign_asice(files, [referrer], ca, ocsp_status="good"), "vorm.asice", anchored)
    assert [(s.valid, s.trusted) for s in good.source.signatures or []] == [(True, True)]
    revoked = _one(sign_asice(files, [referrer], ca, ocsp_status="revoked"), "vorm.asice",
                   anchored)
    (sig,) = revoked.source.signatures or []
    assert (sig.valid, sig.trusted, sig.reason) == (True, False, REVOKED)
    (w11,) = [i for i in revoked.issues if i.code == "W11"]
    assert "tühistatud" in w11.message


def test_asice_signed_by_someone_else_gives_the_other_signer_warning(
    ca: CertAuthority, stranger: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [stranger], ca)
    x = _one(box, "vorm.asice", anchored)
    (sig,) = x.source.signatures or []
    assert (sig.signer, sig.id_code, sig.valid, sig.trusted) == (
        "MART MAASIKAS", OTHER_ID, True, True)
    (w10,) = [i for i in x.issues if i.code == "W10"]
    assert w10.field == "referrer.name"
    assert "MAASIKAS" not in w10.message.upper()  # messages never name the person


def test_asice_two_signers_one_the_referrer_gives_no_warning(
    ca: CertAuthority, referrer: Party, stranger: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)},
                     [stranger, referrer], ca)
    x = _one(box, "vorm.asice", anchored)
    assert [s.id_code for s in x.source.signatures or []] == [OTHER_ID, REFERRER_ID]
    assert all(s.valid and s.trusted for s in x.source.signatures or [])
    assert not {"W09", "W10", "W11"} & _codes(x)


def test_asice_reads_each_form_and_ignores_other_files(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    pdf = form_bytes("fields.pdf")
    box = sign_asice({"vorm.pdf": (pdf, PDF_MIME), "foto.png": (b"\x89PNG\r\n\x1a\n", "image/png"),
                      "lisa.txt": (b"Lisainfo", "text/plain")}, [referrer], ca)
    (x,) = extract_bytes(box, name="vorm.asice", limits=anchored, today=TODAY)
    alone = _one(pdf, "vorm.pdf", Limits())
    assert x.source.document == "vorm.pdf" and x.source.format == "pdf"
    assert x.referral == alone.referral
    assert [s.valid and s.trusted for s in x.source.signatures or []] == [True]


def test_asice_attached_to_an_email_reads_like_the_container_alone(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [referrer], ca)
    alone = _one(box, "vorm.asice", anchored)
    assert alone.referral is not None
    mail = eml([("vorm.asice", box, ("application", "vnd.etsi.asic-e+zip"))],
               sender=f"<{alone.referral.referrer.email}>")
    (inside,) = extract_bytes(mail.as_bytes(), name="kiri.eml", limits=anchored, today=TODAY)
    assert inside.source.attachment == "vorm.asice"
    assert inside.source.document == "vorm.docx"
    assert inside.referral == alone.referral
    assert inside.source.signatures == alone.source.signatures
    assert inside.issues == alone.issues


def test_asice_with_a_deflated_mimetype_is_still_recognised(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [referrer], ca)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(box)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_DEFLATED)
    x = _one(out.getvalue(), "vorm.zip", anchored)
    assert x.source.container == "asice"
    assert [s.valid and s.trusted for s in x.source.signatures or []] == [True]


def test_asice_without_a_form_is_not_a_referral(ca: CertAuthority, referrer: Party) -> None:
    box = sign_asice({"lisa.txt": (b"Lisainfo", "text/plain")}, [referrer], ca)
    (x,) = extract_bytes(box, name="lisa.asice", limits=Limits(), today=TODAY)
    assert x.error is not None and x.error.code == "no_form_in_container"


def test_asice_with_a_broken_signature_file_is_read_and_flagged(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [referrer], ca)
    with zipfile.ZipFile(BytesIO(box)) as zf:
        (sig_name,) = [n for n in zf.namelist() if "signatures" in n]
    x = _one(_rezip(box, {sig_name: b"<not-xml"}), "vorm.asice", anchored)
    (sig,) = x.source.signatures or []
    assert (sig.valid, sig.trusted) == (False, False) and sig.reason is not None
    assert "W09" in _codes(x)


def test_asice_many_containers_all_verify(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    """Each container's ECDSA value is fresh: none of 150 may be rejected."""
    docx = form_bytes("controls.docx")
    from pipeline.read.asice import open_container

    bad = 0
    for n in range(150):
        box = sign_asice({f"vorm{n}.docx": (docx, DOCX_MIME)}, [referrer], ca)
        (doc,) = open_container(box, anchored, anchored.trust_anchors)
        bad += sum(not s.valid for s in doc.signatures)
    assert bad == 0


# --- signed PDFs -----------------------------------------------------------------------------


def test_pdf_signed_by_the_referrer_reads_values_and_signature(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    pdf = form_bytes("fields.pdf")
    alone = _one(pdf, "vorm.pdf", Limits())
    assert alone.source.signatures is None and "signatures" not in alone.to_json()["source"]
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signed = sign_pdf(pdf, referrer, ca)
    after = dt.datetime.now(dt.UTC)
    x = _one(signed, "vorm.pdf", anchored)
    assert x.referral == alone.referral and x.issues == alone.issues
    (sig,) = x.source.signatures or []
    assert (sig.signer, sig.id_code, sig.kind) == ("KÜLLIKE ÕUNAPUU-ŽUKOVSKAJA", REFERRER_ID,
                                                   "pades")
    assert sig.signed_at is not None and before <= sig.signed_at <= after
    assert (sig.valid, sig.trusted, sig.reason) == (True, True, None)

    untrusted = _one(signed, "vorm.pdf", Limits())
    (sig,) = untrusted.source.signatures or []
    assert (sig.valid, sig.trusted) == (True, False)
    assert "W11" in _codes(untrusted)


def test_pdf_filled_in_after_signing_gives_the_tampering_warning(
    ca: CertAuthority, referrer: Party, anchored: Limits
) -> None:
    signed = sign_pdf(form_bytes("fields.pdf"), referrer, ca)
    writer = PdfWriter(BytesIO(signed), incremental=True)
    writer.update_page_form_field_values(writer.pages[0], {"referrer.phone": "+37259999999"},
                                         auto_regenerate=False)
    out = BytesIO()
    writer.write(out)
    x = _one(out.getvalue(), "vorm.pdf", anchored)
    assert x.referral is not None and x.referral.referrer.phone == "+37259999999"
    (sig,) = x.source.signatures or []
    assert (sig.valid, sig.reason) == (False, TAMPERED)
    assert "W09" in _codes(x)


def test_pdf_signed_twice_keeps_both_signatures_valid(
    ca: CertAuthority, referrer: Party, stranger: Party, anchored: Limits
) -> None:
    once = sign_pdf(form_bytes("fields.pdf"), referrer, ca, field="Allkiri1")
    twice = sign_pdf(once, stranger, ca, field="Allkiri2")
    x = _one(twice, "vorm.pdf", anchored)
    assert [(s.id_code, s.valid, s.trusted) for s in x.source.signatures or []] == [
        (REFERRER_ID, True, True), (OTHER_ID, True, True)]
    assert not {"W09", "W10", "W11"} & _codes(x)


def test_pdf_signed_by_someone_else_gives_the_other_signer_warning(
    ca: CertAuthority, stranger: Party, anchored: Limits
) -> None:
    x = _one(sign_pdf(form_bytes("fields.pdf"), stranger, ca), "vorm.pdf", anchored)
    assert "W10" in _codes(x)


def test_signature_checking_never_reaches_the_network(
    ca: CertAuthority, anchored: Limits
) -> None:
    """The signer's certificate names an OCSP responder that listens here: nobody calls."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        party = ca.signer("KÜLLIKE", "ÕUNAPUU-ŽUKOVSKAJA", REFERRER_ID,
                          ocsp_url=f"http://127.0.0.1:{port}/ocsp")
        box = sign_asice({"vorm.docx": (form_bytes("controls.docx"), DOCX_MIME)}, [party], ca)
        pdf = sign_pdf(form_bytes("fields.pdf"), party, ca)
        for data, name in ((box, "vorm.asice"), (pdf, "vorm.pdf")):
            x = _one(data, name, anchored)
            assert [(s.valid, s.trusted) for s in x.source.signatures or []] == [(True, True)]
        with pytest.raises(TimeoutError):
            listener.accept()


# --- encrypted containers ----------------------------------------------------------------------

CDOC1 = (b'<?xml version="1.0" encoding="UTF-8"?>\n<denc:EncryptedData '
         b'xmlns:denc="http://www.w3.org/2001/04/xmlenc#" MimeType="http://www.isi.edu/in-noes/'
         b'iana/assignments/media-types/application/zip"><denc:EncryptionMethod Algorithm='
         b'"http://www.w3.org/2009/xmlenc11#aes256-gcm"/></denc:EncryptedData>\n')
CDOC2 = b"CDOC\x02" + bytes(200)


@pytest.mark.parametrize("data", [CDOC1, CDOC2], ids=["cdoc", "cdoc2"])
def test_cdoc_is_quarantined_with_the_digidoc4_advice(data: bytes) -> None:
    (x,) = extract_bytes(data, name="vorm.cdoc", limits=Limits(), today=TODAY)
    assert x.error is not None and x.error.code == "encrypted_container"
    assert "DigiDoc4" in x.error.message and "sisendkausta" in x.error.message
    mail = eml([("vorm.cdoc", data, ("application", "x-cdoc"))])
    (inside,) = extract_bytes(mail.as_bytes(), name="kiri.eml", limits=Limits(), today=TODAY)
    assert inside.error is not None and inside.error.code == "encrypted_container"
    assert inside.source.attachment == "vorm.cdoc"


def test_signature_of_another_key_does_not_verify(referrer: Party) -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    raw = raw_ecdsa(other, b"data", hashes.SHA256())
    assert not verify_raw(referrer.cert, raw, b"data", "sha256")


def test_asice_member_inflating_past_the_budget_is_refused_as_a_bomb() -> None:
    import io
    import zipfile

    from pipeline.extract import extract_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.etsi.asic-e+zip",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("vorm.docx", b"0" * 200_000, compress_type=zipfile.ZIP_DEFLATED)
    (x,) = extract_bytes(buf.getvalue(), name="vorm.asice",
                         limits=Limits(max_zip_uncompressed=50_000))
    assert x.error is not None and x.error.code == "zip_bomb"
    assert "konteineri sisu lahtipakituna" in x.error.message
