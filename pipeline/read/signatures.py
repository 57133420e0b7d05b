"""Digital signatures on a referral: XAdES in ASiC-E containers, PAdES in PDFs.

For each signature we report who signed (name and isikukood from the
certificate's subject, as Estonian ID-card, Mobile-ID and Smart-ID
certificates carry them), when (the signing time the signature claims, or
its timestamp), whether it is mathematically valid for exactly these bytes,
and whether the signer's certificate chains to a trusted certification
authority: the Estonian ones the `esteid-certificates` package ships, plus
any the office lists in `PLR_LIMIT_TRUST_ANCHORS`.

Never reaches the network: certificate paths are built only from the anchors,
the package's intermediate certificates and what the file itself carries;
OCSP responses and timestamps embedded in the file are checked offline, and
revocation data that is missing is not fetched (soft-fail).

Reasons are plain Estonian for the office; none quotes a name or isikukood.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID
from lxml import etree

from pipeline.model.signature import SignatureInfo

__all__ = ["SignatureInfo", "anchors", "changed_after", "verify_pdf", "verify_raw",
           "verify_xades", "verify_xmldsig"]

# pyHanko and certvalidator log every failed path at WARNING with certificate subjects;
# our own result says what matters, without names.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

OK = None  # `reason` of a signature that is valid and trusted

TAMPERED = "Allkiri ei vasta dokumendile: dokumenti on pärast allkirjastamist muudetud."
BROKEN = "Allkirja ei saa kontrollida: allkirja andmed on vigased või puudulikud."
UNTRUSTED = "Allkirjastaja sertifikaati ei ole väljastanud usaldusväärne sertifitseerija."
REVOKED = "Allkirjastaja sertifikaat oli allkirjastamise ajal tühistatud või peatatud."
EXPIRED = "Allkirjastaja sertifikaat ei kehtinud allkirjastamise ajal."


# --- who signed ------------------------------------------------------------------------------


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value).strip() if values else None


def signer_of(cert: x509.Certificate) -> tuple[str | None, str | None]:
    """(name, isikukood) from an Estonian e-identity certificate's subject.

    2018+ certificates: `SERIALNUMBER=PNOEE-48001010008`, `GN=MARI`,
    `SN=MAASIKAS`, `CN=MAASIKAS,MARI,PNOEE-48001010008`; older ones put the bare
    eleven digits in `SERIALNUMBER` and the CN. A foreign (`PNOLV-…`) or
    organisation certificate has no isikukood: `None`.
    """
    subject = cert.subject
    given = _attr(subject, NameOID.GIVEN_NAME)
    surname = _attr(subject, NameOID.SURNAME)
    cn = _attr(subject, NameOID.COMMON_NAME)
    serial = _attr(subject, NameOID.SERIAL_NUMBER) or ""
    if given or surname:
        name: str | None = " ".join(p for p in (given, surname) if p)
    elif cn and cn.count(",") >= 2:
        last, first = cn.split(",")[:2]
        name = f"{first.strip()} {last.strip()}"
    else:
        name = cn
    code = serial.removeprefix("PNOEE-") if serial.startswith("PNOEE-") else serial
    id_code = code if len(code) == 11 and code.isdigit() else None
    return name, id_code


# --- trust anchors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchors:
    roots: tuple[bytes, ...]  # DER
    intermediates: tuple[bytes, ...]


@lru_cache(maxsize=8)
def _loaded(ders: tuple[bytes, ...]) -> tuple[Any, ...]:
    """The anchors as asn1crypto certificates, parsed once per process (in the kept reader
    worker: once for all files). pyHanko's registry hashes each certificate's names, which
    an already-parsed certificate has cached: 100 ms a signature fresh, 5 ms so. Only the
    configured anchors are kept; a file's own certificates are parsed per file."""
    from asn1crypto import x509 as ax509

    return tuple(ax509.Certificate.load(d) for d in ders)


def _load_certs(data: bytes) -> list[bytes]:
    """DER of every certificate in a PEM bundle or a single DER file."""
    if b"-----BEGIN" in data:
        return [
            c.public_bytes(_der())
            for c in x509.load_pem_x509_certificates(data)
        ]
    return [x509.load_der_x509_certificate(data).public_bytes(_der())]


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


@lru_cache(maxsize=8)
def anchors(extra: tuple[Path, ...] = ()) -> Anchors:
    """The Estonian CAs (live, not test) plus the office's own anchors (files or folders)."""
    import esteid_certificates as ec_pkg
    from esteid_certificates.constants import LIVE_CERTS

    roots: list[bytes] = []
    for blob in ec_pkg.get_root_certificates():
        roots += _load_certs(blob)
    inter: list[bytes] = []
    for path in LIVE_CERTS.values():
        for der in _load_certs(path.read_bytes()):
            if der not in roots:
                inter.append(der)
    for item in extra:
        files = sorted(p for p in item.iterdir() if p.is_file()) if item.is_dir() else [item]
        for f in files:
            try:
                roots += _load_certs(f.read_bytes())
            except (OSError, ValueError):
                continue  # not a certificate: the setting's other files still count
    return Anchors(tuple(roots), tuple(inter))


def _trust(
    cert_der: bytes,
    extra_certs: Iterable[bytes],
    moment: dt.datetime | None,
    ocsps: Iterable[bytes],
    anchor_set: Anchors,
) -> str | None:
    """None when the certificate chains to an anchor, else the reason (offline only)."""
    from asn1crypto import x509 as ax509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    load = ax509.Certificate.load
    vc = ValidationContext(
        trust_roots=list(_loaded(anchor_set.roots)),
        other_certs=[*_loaded(anchor_set.intermediates), *(load(c) for c in extra_certs)],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        ocsps=list(ocsps),
        # DigiDoc asks for the OCSP response just after signing, so it is always a little
        # younger than the signing time it vouches for.
        retroactive_revinfo=True,
    )
    validator = CertificateValidator(load(cert_der), validation_context=vc)
    try:
        asyncio.run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except RevokedError:
        return REVOKED
    except ExpiredError:
        return EXPIRED
    except (PathBuildingError, PathValidationError):
        return UNTRUSTED
    except Exception:  # a malformed certificate is not trusted, whatever broke
        return UNTRUSTED
    return None


# --- raw signature values --------------------------------------------------------------------

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def verify_raw(cert: x509.Certificate, signature: bytes, data: bytes, hash_name: str) -> bool:
    """Is `signature` (XMLDSig encoding) a valid signature of `data` by `cert`'s key?

    XMLDSig ECDSA values are always the fixed-width concatenation r‖s (RFC 4050,
    XMLDSig 1.1 §6.4.3). pyasice's verifier first tries to parse the value as DER and
    uses it as DER when that succeeds; about one raw value in several hundred
    happens to parse as DER, and then a valid signature is rejected. Here a
    value of exactly twice the curve's width is always r‖s; only a value of
    another length is tried as DER (some old services wrote DER).
    """
    algo_cls = _HASHES.get(hash_name.lower())
    if algo_cls is None:
        return False
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            width = (key.curve.key_size + 7) // 8
            if len(signature) == 2 * width:
                r = int.from_bytes(signature[:width], "big")
                s = int.from_bytes(signature[width:], "big")
                der = encode_dss_signature(r, s)
            else:
                der = signature
            key.verify(der, data, ec.ECDSA(algo_cls()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algo_cls())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


# --- XAdES (ASiC-E) --------------------------------------------------------------------------

_DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass
class XadesResult:
    info: SignatureInfo
    files: set[str]  # the container's data files this signature covers


NS = {
    "asic": "http://uri.etsi.org/02918/v1.2.1#",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
}
_PROPS = "./ds:Object/xades:QualifyingProperties/xades:SignedProperties"
_UNSIGNED = "./ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/" \
    "xades:UnsignedSignatureProperties"


def _c14n(node: Any, method: str | None) -> bytes:
    """Canonical bytes of `node`: exclusive when the method says so, else inclusive
    (lxml's C14N 1.0; C14N 1.1 differs from it only for xml:id/xml:base, which
    signatures in containers do not carry)."""
    exclusive = bool(method) and "exc-c14n" in str(method)
    return bytes(etree.tostring(node, method="c14n", exclusive=exclusive))


def _text(node: Any) -> str:
    return "".join((node.text or "").split()) if node is not None else ""


def _parse_xades(xml: bytes) -> Any:
    """The `ds:Signature` of a container's signature file (no entities, DTD or network)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    sig = root if root.tag == f"{{{NS['ds']}}}Signature" else root.find("./ds:Signature", NS)
    if sig is None:
        raise ValueError("no ds:Signature")
    return sig


def verify_xades(
    xml: bytes, files: Mapping[str, bytes], anchor_set: Anchors
) -> XadesResult:
    """One `META-INF/signatures*.xml` checked against the container's data files.

    Read with lxml directly rather than pyasice's `XmlSignature`: pyasice caps lxml
    below 5 (the project runs lxml 6), hashes SignedProperties always with SHA-256
    and mis-decodes about one ECDSA value in several hundred (see `verify_raw`).
    What is checked: every data file's digest, the SignedProperties digest (signing
    time and certificate), the certificate the SignedProperties name, the
    SignatureValue over the canonical SignedInfo, and an embedded timestamp.
    """
    info = SignatureInfo(kind="xades")
    try:
        sig = _parse_xades(xml)
        signed_info = sig.find("./ds:SignedInfo", NS)
        cert_der = base64.b64decode(_text(sig.find("./ds:KeyInfo/ds:X509Data/ds:X509Certificate",
                                                   NS)))
        if signed_info is None or not cert_der:
            info.reason = BROKEN
            return XadesResult(info, set())
        cert = x509.load_der_x509_certificate(cert_der)
        info.signer, info.id_code = signer_of(cert)
        props = sig.find(_PROPS, NS)
        info.signed_at = _parse_time(_text(props.find(
            "./xades:SignedSignatureProperties/xades:SigningTime", NS)) if props is not None
            else None)
        covered: set[str] = set()
        digests_ok = True
        props_ok = False
        for ref in signed_info.findall("./ds:Reference", NS):
            kind = ref.get("Type") or ""
            if kind.endswith("#SignedProperties"):
                props_ok = _reference_ok(ref, props, cert_der)
                continue
            if kind:
                continue  # some other signed object: not a data file
            name = urllib.parse.unquote(ref.get("URI") or "")
            covered.add(name)
            body = files.get(name)
            if body is None or not _digest_ok(ref, body):
                digests_ok = False
        method = sig.find("./ds:SignedInfo/ds:CanonicalizationMethod", NS)
        canonical = _c14n(signed_info, method.get("Algorithm") if method is not None else None)
        algo = sig.find("./ds:SignedInfo/ds:SignatureMethod", NS)
        value_ok = verify_xmldsig(cert, base64.b64decode(_text(sig.find("./ds:SignatureValue",
                                                                        NS))),
                                  canonical, algo.get("Algorithm", "") if algo is not None else "")
        stamp_ok, stamped_at = _check_timestamp(sig, anchor_set)
        if stamped_at is not None:
            info.signed_at = stamped_at
        info.valid = bool(covered) and digests_ok and props_ok and value_ok and stamp_ok
        extra = [base64.b64decode(_text(n))
                 for n in sig.findall(".//xades:EncapsulatedX509Certificate", NS) if _text(n)]
        ocsp = [base64.b64decode(_text(n))
                for n in sig.findall(".//xades:EncapsulatedOCSPValue", NS) if _text(n)]
    except Exception:  # any malformed XML or value: the signature cannot be trusted
        info.valid = False
        info.reason = BROKEN
        return XadesResult(info, set())
    moment = info.signed_at or dt.datetime.now(dt.UTC)
    trust = _trust(cert_der, extra, moment, ocsp, anchor_set)
    info.trusted = trust is None
    info.reason = TAMPERED if not info.valid else trust
    return XadesResult(info, covered)


def _digest_ok(ref: Any, body: bytes) -> bool:
    method = ref.find("./ds:DigestMethod", NS)
    algo = _DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
    expected = _text(ref.find("./ds:DigestValue", NS))
    if algo is None or not expected:
        return False
    return hashlib.new(algo, body).digest() == base64.b64decode(expected)


def _reference_ok(ref: Any, props: Any, cert_der: bytes) -> bool:
    """The SignedProperties are what SignedInfo digested, by the reference's own
    DigestMethod (pyasice assumes SHA-256), and name the certificate in KeyInfo."""
    if props is None or (ref.get("URI") or "").lstrip("#") != props.get("Id"):
        return False
    transform = ref.find("./ds:Transforms/ds:Transform", NS)
    canonical = _c14n(props, transform.get("Algorithm") if transform is not None else None)
    if not _digest_ok(ref, canonical):
        return False
    certs = props.findall(".//xades:SigningCertificate/xades:Cert/xades:CertDigest", NS) + \
        props.findall(".//xades:SigningCertificateV2/xades:Cert/xades:CertDigest", NS)
    return any(_digest_ok(c, cert_der) for c in certs)


_XMLDSIG_ALGOS = {
    # https://www.w3.org/TR/xmldsig-core1/#sec-AlgID and RFC 6931
    "ecdsa-sha224": ("ecdsa", "sha224"), "ecdsa-sha256": ("ecdsa", "sha256"),
    "ecdsa-sha384": ("ecdsa", "sha384"), "ecdsa-sha512": ("ecdsa", "sha512"),
    "rsa-sha224": ("rsa", "sha224"), "rsa-sha256": ("rsa", "sha256"),
    "rsa-sha384": ("rsa", "sha384"), "rsa-sha512": ("rsa", "sha512"),
    "sha256-rsa-MGF1": ("pss", "sha256"), "sha384-rsa-MGF1": ("pss", "sha384"),
    "sha512-rsa-MGF1": ("pss", "sha512"),
}


def verify_xmldsig(cert: x509.Certificate, signature: bytes, data: bytes, algorithm: str) -> bool:
    """A SignatureValue checked by its SignatureMethod URI (ECDSA, RSA, RSA-PSS)."""
    kind, hash_name = _XMLDSIG_ALGOS.get(algorithm.rsplit("#", 1)[-1], ("", ""))
    if kind == "pss":
        key = cert.public_key()
        algo = _HASHES[hash_name]()
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        try:
            key.verify(signature, data, padding.PSS(padding.MGF1(algo), algo.digest_size), algo)
        except (InvalidSignature, ValueError):
            return False
        return True
    if not kind:
        return False
    key_is_ec = isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    if key_is_ec != (kind == "ecdsa"):
        return False
    return verify_raw(cert, signature, data, hash_name)


def _check_timestamp(sig: Any, anchor_set: Anchors) -> tuple[bool, dt.datetime | None]:
    """An embedded signature timestamp (LT profile) must cover this SignatureValue.

    Checked offline with pyHanko's token validation: the token's own signature and its
    message imprint against the canonical SignatureValue, hashed with the token's
    algorithm. A token whose imprint or signature does not match makes the signature
    invalid; a token we cannot parse at all is ignored (the signing time then comes
    from the signature's SigningTime), so an unusual TSA never condemns a good signature.
    """
    from asn1crypto import cms, tsp
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    stamp = sig.find(f"{_UNSIGNED}/xades:SignatureTimeStamp", NS)
    token = base64.b64decode(_text(stamp.find("./xades:EncapsulatedTimeStamp", NS))) \
        if stamp is not None else b""
    if not token:
        return True, None
    try:
        signed_data = cms.ContentInfo.load(token)["content"]
        tst_info = signed_data["encap_content_info"]["content"].parsed
        if not isinstance(tst_info, tsp.TSTInfo):
            return True, None
        method = stamp.find("./ds:CanonicalizationMethod", NS)
        stamped = _c14n(sig.find("./ds:SignatureValue", NS),
                        method.get("Algorithm") if method is not None else None)
        def expected(name: str) -> bytes:  # the token names the hash the imprint uses
            return hashlib.new(name, stamped).digest()

        vc = ValidationContext(
            trust_roots=[_asn1_cert(r) for r in anchor_set.roots],
            other_certs=[_asn1_cert(c) for c in anchor_set.intermediates],
            allow_fetching=False, revocation_mode="soft-fail",
        )
        status = asyncio.run(validate_tst_signed_data(signed_data, vc, expected))
    except Exception:
        return True, None
    ok = bool(status.get("intact")) and bool(status.get("valid"))
    return ok, tst_info["gen_time"].native if ok else None


def _asn1_cert(der: bytes) -> Any:
    from asn1crypto import x509 as ax509

    return ax509.Certificate.load(der)


# --- PAdES (PDF) -----------------------------------------------------------------------------


@dataclass
class PdfSignature:
    info: SignatureInfo
    # Where the file goes on past the signature (a later signature, or a change): the length
    # of the signed revision, whose form the caller must read the same as the whole file's.
    revision_end: int | None = None


def verify_pdf(data: bytes, anchor_set: Anchors) -> list[PdfSignature]:
    """Every signature embedded in a PDF; [] for an unsigned one (not an error).

    pyHanko's difference analysis is skipped: it refuses field names with
    periods, which the official form's keys have by design. Instead a
    signature that covers only an earlier revision is judged by what we read:
    the caller reads the signed revision and the whole file, and the
    signature holds only where both give the same form.
    """
    if b"/ByteRange" not in data:
        return []  # cheap: no signature dictionary at all
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return [PdfSignature(SignatureInfo(kind="pades", reason=BROKEN))]
    out: list[PdfSignature] = []
    for emb in embedded:
        info = SignatureInfo(kind="pades")
        try:
            cert_der = emb.signer_cert.dump()
            info.signer, info.id_code = signer_of(x509.load_der_x509_certificate(cert_der))
            info.signed_at = emb.self_reported_timestamp
            vc = ValidationContext(
                trust_roots=list(_loaded(anchor_set.roots)),
                other_certs=list(_loaded(anchor_set.intermediates)),
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            status = asyncio.run(
                async_validate_pdf_signature(
                    emb, signer_validation_context=vc, skip_diff=True,
                    key_usage_settings=KeyUsageConstraints(key_usage=set()),
                )
            )
            _, _len1, start2, len2 = (int(v) for v in emb.byte_range)
        except Exception:
            info.reason = BROKEN
            out.append(PdfSignature(info))
            continue
        if status.timestamp_validity is not None:
            info.signed_at = status.timestamp_validity.timestamp
        if info.signed_at is None:
            info.signed_at = status.signer_reported_dt
        coverage = status.coverage
        info.valid = bool(status.intact and status.valid) and coverage in (
            SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)
        end = start2 + len2
        partial = info.valid and coverage != SignatureCoverageLevel.ENTIRE_FILE
        moment = info.signed_at or dt.datetime.now(dt.UTC)
        trust = _trust(cert_der, [c.dump() for c in emb.other_embedded_certs], moment, [],
                       anchor_set)
        info.trusted = trust is None
        info.reason = TAMPERED if not info.valid else trust
        out.append(PdfSignature(info, end if partial and end < len(data) else None))
    return out


def changed_after(info: SignatureInfo) -> SignatureInfo:
    """`info` judged tampered: the file as read differs from the revision it signed."""
    return info.model_copy(update={"valid": False, "reason": TAMPERED})
