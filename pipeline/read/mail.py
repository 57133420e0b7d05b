"""Unpack an exported e-mail (.eml, Outlook .msg) into its sender and attachments.

Office staff drop whole e-mails into the inbox; the form is one of the
attachments, possibly inside a forwarded message. Each attachment carries the
address of whoever sent it: the From of the (possibly attached, forwarded)
message it came in, or the quoted original sender when that message is an
inline forward (see `mail_forward`). Attachment names come from
whoever sent the mail, so they are reduced to a bare, printable file name and
never used as a path. Counts and sizes are capped by `Limits`.

A mail is a container format like ASiC-E: unpacking it is reading, so it lives
in `pipeline.read` (intake only watches the inbox and claims files).
"""

from __future__ import annotations

import contextlib
import email
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

from pipeline.config import Limits
from pipeline.errors import ResourceLimit, UnreadableFile
from pipeline.read.base import Format
from pipeline.read.mail_forward import MAX_RAW, original_sender
from pipeline.read.registry import sniff

_MAX_DEPTH = 8  # forwarded inside forwarded…; deeper is an attack, not a referral
_MAX_NAME = 150


@dataclass
class Attachment:
    name: str
    data: bytes
    sender: str | None = None  # who sent this file (the forwarded original's sender, if known)


@dataclass
class Mail:
    sender: str | None = None  # who sent the mail's own attachments (see `unpack`)
    attachments: list[Attachment] = field(default_factory=list)


def safe_name(name: str | None, index: int) -> str:
    """A bare file name: no directories, no control characters, never empty or hidden."""
    s = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    s = "".join(c for c in s if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    s = re.sub(r"\s+", " ", s).strip().lstrip(".").strip()
    if len(s) > _MAX_NAME:
        stem, dot, ext = s.rpartition(".")
        s = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else s[
            :_MAX_NAME
        ]
    return s or f"manus-{index + 1}"


def _address(header: str | None) -> str | None:
    """The first address of a From header, lower-case, without the display name."""
    if not header:
        return None
    for _, addr in getaddresses([str(header)]):
        addr = addr.strip().lower()
        if "@" in addr:
            return addr
    return None


class _Collector:
    """Adds attachments while keeping count and total size within the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.mail = Mail()
        self.total = 0

    def add(self, name: str | None, data: bytes, depth: int, sender: str | None) -> None:
        if data.startswith(TNEF_MAGIC) and depth < _MAX_DEPTH:
            # Outlook rich-text mail: the real attachments are inside winmail.dat.
            _unpack_tnef(data, self, depth + 1, sender)
            return
        fmt = sniff(data) if data else None
        if fmt in (Format.EML, Format.MSG) and depth < _MAX_DEPTH:
            # A forwarded mail attached as a file: its attachments are ours too, each
            # with that mail's own sender.
            try:
                _unpack_into(data, fmt, self, depth + 1)
                return
            except UnreadableFile as exc:
                if isinstance(exc, ResourceLimit):
                    raise
                # Not really a mail (an encrypted Office file is OLE too): keep it as a file.
        if len(self.mail.attachments) >= self.limits.max_attachments:
            raise ResourceLimit(
                f"E-kirjas on liiga palju manuseid (lubatud {self.limits.max_attachments}).",
                code="too_many_attachments",
            )
        self.total += len(data)
        if self.total > self.limits.max_file_bytes:
            raise ResourceLimit(
                "E-kirja manused on kokku liiga suured "
                f"(lubatud {self.limits.max_file_bytes} baiti).",
                code="too_large",
            )
        index = len(self.mail.attachments)
        self.mail.attachments.append(Attachment(safe_name(name, index), data, sender))


# --- .eml -----------------------------------------------------------------------------------


def _eml_body(msg: Message) -> tuple[str, bool]:
    """The start of the text body (plain preferred, else HTML) and whether it is HTML."""
    part = msg.get_body(preferencelist=("plain", "html")) if isinstance(msg, EmailMessage) else None
    raw = part.get_payload(decode=True) if part is not None else None
    if part is None or not isinstance(raw, bytes):
        return "", False
    charset = part.get_content_charset() or "utf-8"
    try:
        text = raw[:MAX_RAW].decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        text = raw[:MAX_RAW].decode("utf-8", errors="replace")
    return text, part.get_content_subtype() == "html"


def _eml_sender(msg: Message) -> str | None:
    """The From address, or the quoted original sender when the mail is an inline forward."""
    own = _address(msg.get("From"))
    try:
        body, is_html = _eml_body(msg)
        quoted = original_sender(str(msg.get("Subject") or ""), body, is_html=is_html)
    except Exception:  # a broken body or header: the From still holds
        quoted = None
    return quoted or own


def _eml_parts(msg: Message, col: _Collector, depth: int, sender: str | None) -> None:
    if depth > _MAX_DEPTH:
        raise ResourceLimit("E-kiri on liiga sügavalt pesastatud.", code="mail_depth")
    ctype = msg.get_content_type()
    if ctype == "message/rfc822":  # forwarded as an attachment: its own sender
        inner = msg.get_payload()
        for sub in inner if isinstance(inner, list) else [inner]:
            if isinstance(sub, Message):
                _eml_parts(sub, col, depth + 1, _eml_sender(sub))
        return
    if msg.is_multipart():
        for part in msg.get_payload():
            if isinstance(part, Message):
                _eml_parts(part, col, depth + 1, sender)
        return
    filename = msg.get_filename()
    if filename is None and (ctype.startswith("text/") or ctype.startswith("multipart/")):
        return  # the body itself, not an attachment
    data = msg.get_payload(decode=True)
    if isinstance(data, bytes) and data:
        col.add(filename, data, depth, sender)


def _unpack_eml(data: bytes, col: _Collector, depth: int) -> str | None:
    sender: str | None = None
    try:
        for i, one in enumerate(mbox_messages(data)):
            msg = email.message_from_bytes(one, policy=policy.default)
            if not isinstance(msg, EmailMessage):  # pragma: no cover — policy.default does
                raise TypeError
            own = _eml_sender(msg)
            sender = own if i == 0 else sender
            _eml_parts(msg, col, depth, own)
    except (ResourceLimit, UnreadableFile):
        raise
    except RecursionError as exc:
        raise ResourceLimit("E-kiri on liiga sügavalt pesastatud.", code="mail_depth") from exc
    except Exception as exc:  # the stdlib parser on broken headers
        raise UnreadableFile("E-kiri on katki ja seda ei saa lugeda.", code="corrupt") from exc
    return sender


# --- .msg -----------------------------------------------------------------------------------


def _is_encrypted_office(data: bytes) -> bool:
    """A password-protected DOCX/XLSX is an OLE file with an EncryptedPackage stream."""
    try:
        import olefile  # type: ignore[import-untyped]

        with olefile.OleFileIO(data) as ole:
            return bool(ole.exists("EncryptedPackage"))
    except Exception:
        return False


def _msg_sender(msg: Any) -> str | None:
    for stream in ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065"):
        try:
            value = msg.getStringStream(stream)
        except Exception:
            value = None
        addr = _address(value) if value and "@" in value else None
        if addr:
            return addr
    return _address(getattr(msg, "sender", None))


def _msg_forward_sender(msg: Any) -> str | None:
    """The From of a .msg, or the quoted original sender when it is an inline forward."""
    own = _msg_sender(msg)
    try:
        body, is_html = msg.body, False
        if not body:
            html = msg.getStream("__substg1.0_10130102")  # the HTML body, never derived
            body, is_html = (html or b"")[:MAX_RAW].decode("utf-8", errors="replace"), True
        quoted = original_sender(msg.subject, str(body or ""), is_html=is_html)
    except Exception:  # extract_msg raises many types on odd bodies: the From still holds
        quoted = None
    return quoted or own


def _msg_attachments(msg: Any, col: _Collector, depth: int, sender: str | None) -> None:
    if depth > _MAX_DEPTH:
        raise ResourceLimit("E-kiri on liiga sügavalt pesastatud.", code="mail_depth")
    for att in msg.attachments:
        payload = att.data
        if isinstance(payload, bytes | bytearray):
            name = att.longFilename or att.shortFilename or getattr(att, "displayName", None)
            col.add(name, bytes(payload), depth, sender)
        elif payload is not None and hasattr(payload, "attachments"):
            # An embedded (forwarded) message: its attachments come from its own sender.
            _msg_attachments(payload, col, depth + 1, _msg_forward_sender(payload))


def _unpack_msg(data: bytes, col: _Collector, depth: int) -> str | None:
    if _is_encrypted_office(data):
        raise UnreadableFile(
            "Fail on parooliga kaitstud Office'i dokument. Palun saatke vorm ilma paroolita.",
            code="encrypted",
        )
    import extract_msg

    try:
        msg = extract_msg.openMsg(data, delayAttachments=False)
    except Exception as exc:  # extract_msg raises many types on bad input
        raise UnreadableFile(
            "Outlooki kiri (.msg) on katki ja seda ei saa lugeda.", code="corrupt"
        ) from exc
    try:
        sender = _msg_forward_sender(msg)
        _msg_attachments(msg, col, depth, sender)
    except (ResourceLimit, UnreadableFile):
        raise
    except Exception as exc:
        raise UnreadableFile(
            "Outlooki kirja (.msg) manuseid ei saa lugeda.", code="corrupt"
        ) from exc
    finally:
        with contextlib.suppress(Exception):
            msg.close()
    return sender


def _unpack_into(data: bytes, fmt: Format, col: _Collector, depth: int) -> str | None:
    if fmt is Format.EML:
        return _unpack_eml(data, col, depth)
    if fmt is Format.MSG:
        return _unpack_msg(data, col, depth)
    if fmt is Format.TNEF:  # a winmail.dat on its own: no mail around it, no sender
        _unpack_tnef(data, col, depth + 1, None)
        return None
    raise UnreadableFile("See fail ei ole e-kiri.", code="unsupported_format")


def unpack(data: bytes, fmt: Format, limits: Limits) -> Mail:
    """The sender and the attachments (forwarded mails' attachments included).

    `Mail.sender` is who sent the mail's own attachments: the From address, or the
    quoted original sender of an inline forward. Attachments of a mail forwarded as
    an attachment carry that mail's sender in `Attachment.sender` instead.
    """
    col = _Collector(limits)
    col.mail.sender = _unpack_into(data, fmt, col, 0)
    return col.mail


# --- mbox exports and Outlook's winmail.dat (issue 8) -----------------------------------------

TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
# A new message of an mbox starts with a `From ` line after an empty line (a `From ` in a
# body is written `>From `); the first line of the file is one too.
_MBOX_SPLIT = re.compile(rb"\r?\n\r?\n(?=From [^\r\n]*\r?\n)")


def mbox_messages(data: bytes) -> list[bytes]:
    """The messages of an mbox export (each without its `From ` line), or the one mail."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data.startswith(b"From "):
        return [data]
    out = []
    for chunk in _MBOX_SPLIT.split(data):
        first, _, rest = chunk.partition(b"\n")
        out.append(rest if first.startswith(b"From ") else chunk)
    return [m for m in out if m.strip()]


def _unpack_tnef(data: bytes, col: _Collector, depth: int, sender: str | None) -> None:
    """The attachments inside a TNEF stream (winmail.dat), each added like a mail's own."""
    from tnefparse import TNEF  # type: ignore[import-untyped]

    try:
        if not _tnef_whole(data):
            raise ValueError("cut off")  # tnefparse itself reads a cut stream as empty
        tnef = TNEF(data, do_checksum=False)
        files = [(att.long_filename() or att.name, bytes(att.data))
                 for att in tnef.attachments]
    except Exception as exc:  # tnefparse raises many types on a damaged stream
        raise UnreadableFile(
            "Outlooki kirja manuste pakk (winmail.dat) on katki ja seda ei saa lugeda.",
            code="corrupt_tnef",
        ) from exc
    for name, payload in files:
        if payload:
            col.add(name if isinstance(name, str) else None, payload, depth, sender)


def _tnef_whole(data: bytes) -> bool:
    """Whether every TNEF attribute (level, id, type, 4-byte length, data, checksum) ends
    inside the stream: a winmail.dat cut short in transit is damaged, not empty."""
    offset = 6
    while offset < len(data):
        if offset + 11 > len(data):
            return False
        offset += 11 + int.from_bytes(data[offset + 5:offset + 9], "little")
    return offset == len(data)
