"""A test certification authority and ID-card-shaped signers, and signing into
ASiC-E containers (pyasice) and PDFs (pyHanko).

Everything is made here with `cryptography`: a root CA, an intermediate named
like the ID card's issuing CA, and signer certificates whose subject has the
shape of an Estonian ID-card signing certificate (`SERIALNUMBER=PNOEE-…`,
`GN`, `SN`, `CN=SURNAME,GIVEN,PNOEE-…`), with synthetic isikukoods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from pipeline.read import oscrypto_fix

NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
SIGNED_AT = dt.datetime(2026, 12, 1, 8, 15, tzinfo=dt.UTC)  # 10.15 in Tallinn

# Never asked: checking is offline (test_read_signatures listens on one to show it).
OCSP_URL = "http://ocsp.invalid/test-esteid"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Party:
    key: Any  # EC for people and CAs (as ID cards), RSA for the TSA (pyHanko's test TSA)
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def pem_file(self, path: Path) -> Path:
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


def _name(**attrs: str) -> x509.Name:
    oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME,
            "CN": NameOID.COMMON_NAME, "SN": NameOID.SURNAME, "GN": NameOID.GIVEN_NAME,
            "SERIAL": NameOID.SERIAL_NUMBER}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items()])


def _cert(subject: x509.Name, issuer: Party | None, key: Any,
          *, ca: bool, eku: x509.ObjectIdentifier | None = None,
          ocsp_url: str | None = None) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
    )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    if ocsp_url is not None:  # as an ID card's certificate names its OCSP responder
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    return builder.sign((issuer.key if issuer else key), hashes.SHA384())


@dataclass
class CertAuthority:
    root: Party
    issuing: Party

    def tsa(self) -> Party:
        """A time-stamping unit issued by this CA (extended key usage: time stamping)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test
        cert = _cert(_name(C="EE", O="Testkeskus", CN="TEST PLR TSU"), self.issuing, key,
                     ca=False, eku=ExtendedKeyUsageOID.TIME_STAMPING)
        return Party(key, cert)

    def signer(self, given: str, surname: str, id_code: str,
               ocsp_url: str = "") -> Party:
        key = ec.generate_private_key(ec.SECP384R1())
        subject = _name(C="EE", CN=f"{surname},{given},PNOEE-{id_code}", SN=surname,
                        GN=given, SERIAL=f"PNOEE-{id_code}")
        return Party(key, _cert(subject, self.issuing, key, ca=False,
                                ocsp_url=ocsp_url or OCSP_URL))


def make_ca() -> CertAuthority:
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = Party(root_key, _cert(_name(C="EE", O="Testkeskus", CN="TEST PLR ROOT CA"), None,
                                 root_key, ca=True))
    key = ec.generate_private_key(ec.SECP384R1())
    issuing = Party(key, _cert(_name(C="EE", O="Testkeskus", CN="TEST of PLR-ESTEID"), root,
                               key, ca=True))
    return CertAuthority(root, issuing)


def raw_ecdsa(key: ec.EllipticCurvePrivateKey, data: bytes,
              algo: hashes.HashAlgorithm | None = None) -> bytes:
    """An XMLDSig ECDSA value: r‖s, each the curve's width (what an ID card returns)."""
    der = key.sign(data, ec.ECDSA(algo or hashes.SHA256()))
    r, s = decode_dss_signature(der)
    width = (key.curve.key_size + 7) // 8
    return r.to_bytes(width, "big") + s.to_bytes(width, "big")


def timestamp_token(tsa: Party, ca: CertAuthority, message: bytes, at: dt.datetime) -> Any:
    """An RFC 3161 token over `message` from `tsa`, made locally (pyHanko's test TSA)."""
    import asyncio
    import hashlib

    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key_der = tsa.key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    stamper = DummyTimeStamper(
        tsa_cert=ax509.Certificate.load(tsa.der), tsa_key=akeys.PrivateKeyInfo.load(key_der),
        certs_to_embed=[ax509.Certificate.load(ca.issuing.der)], fixed_dt=at,
    )
    return asyncio.run(stamper.async_timestamp(hashlib.sha256(message).digest(), "sha256"))


def ocsp_response(party: Party, ca: CertAuthority, status: str, at: dt.datetime) -> bytes:
    """A basic OCSP response for `party`'s certificate ("good" or "revoked"), signed by the
    issuing CA itself as responder (RFC 6960 allows it), as DigiDoc embeds one."""
    from asn1crypto import core, ocsp
    from asn1crypto import x509 as ax509

    cert = ax509.Certificate.load(party.der)
    issuer = ax509.Certificate.load(ca.issuing.der)
    cert_id = ocsp.CertId({
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": issuer.subject.sha1,
        "issuer_key_hash": issuer.public_key.sha1,
        "serial_number": cert.serial_number,
    })
    if status == "good":
        cert_status = ocsp.CertStatus(name="good", value=core.Null())
    else:
        cert_status = ocsp.CertStatus(name="revoked", value=ocsp.RevokedInfo(
            {"revocation_time": at - dt.timedelta(days=1), "revocation_reason": "key_compromise"}))
    data = ocsp.ResponseData({
        "responder_id": ocsp.ResponderId(name="by_key", value=issuer.public_key.sha1),
        "produced_at": at,
        "responses": [{"cert_id": cert_id, "cert_status": cert_status, "this_update": at}],
    })
    signature = ca.issuing.key.sign(data.dump(), ec.ECDSA(hashes.SHA256()))
    basic = ocsp.BasicOCSPResponse({
        "tbs_response_data": data,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
        "certs": [issuer],
    })
    return bytes(ocsp.OCSPResponse({
        "response_status": "successful",
        "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
    }).dump())


def sign_asice(files: dict[str, tuple[bytes, str]], signers: list[Party],
               ca: CertAuthority | None = None, signed_at: dt.datetime = SIGNED_AT,
               tsa: Party | None = None, stamped_at: dt.datetime | None = None,
               stamp_other: bool = False, ocsp_status: str | None = None) -> bytes:
    """An ASiC-E container of `files` (name -> (bytes, mime)), signed by each signer."""
    oscrypto_fix.apply()
    from pyasice import Container

    container = Container()
    for name, (data, mime) in files.items():
        container.add_file(name, data, mime)
    for party in signers:
        xml_sig = container.prepare_signature(party.der)
        # pyasice stamps "now"; set the signing time the test asserts, then re-digest.
        xml_sig._get_signing_time_node().text = signed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        xml_sig._calc_signed_properties_hash(update=True)
        xml_sig.set_signature_value(raw_ecdsa(party.key, xml_sig.signed_data()))
        if ca is not None:  # DigiDoc embeds the issuer's certificate too
            xml_sig.add_cert(ca.issuing.der, {"Id": "S1-ISSUER-CERT"})
        if tsa is not None and ca is not None:  # LT profile: a timestamp over SignatureValue
            # The node first (it names the c14n method the token's message is made with).
            xml_sig.set_timestamp_response(SimpleNamespace(dump=lambda: b""))
            message = xml_sig.get_timestamped_message() + (b"x" if stamp_other else b"")
            token = timestamp_token(tsa, ca, message, stamped_at or signed_at)
            xml_sig.set_timestamp_response(token)
        if ocsp_status is not None and ca is not None:
            blob = ocsp_response(party, ca, ocsp_status, signed_at + dt.timedelta(seconds=5))
            xml_sig.set_ocsp_response(
                SimpleNamespace(get_encapsulated_response=lambda blob=blob: blob))
        container.add_signature(xml_sig)
    return bytes(container.finalize().getvalue())


def sign_pdf(data: bytes, party: Party, ca: CertAuthority, field: str = "Allkiri1") -> bytes:
    """`data` with a PAdES signature by `party` added as an incremental update."""
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = party.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=ax509.Certificate.load(party.der),
        signing_key=akeys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [ax509.Certificate.load(ca.issuing.der)]),
    )
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    out = BytesIO()
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    # pyHanko stamps the signing time itself (now); tests compare against the clock.
    signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=out)
    return out.getvalue()
