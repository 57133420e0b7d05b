"""E-mail delivery through a persistent spool, so that sending never blocks or loses a case.

The pipeline only *enqueues*: each message is written atomically as
`<spool>/<key>.eml` (a key per claimed file and document, so a re-run after a
crash enqueues nothing twice) with a small `.json` beside it holding the
attempts and the time of the next try. A sender (a thread in the watcher)
takes due messages one at a time by renaming them into `sending/`, sends them,
and moves them to `sent/` — or back to the queue with a longer wait
(backoff), and after `MAX_ATTEMPTS` into `failed/` for a person to look at.
Nothing is deleted.

`PLR_SMTP_URL`: `smtp://host:587` (STARTTLS, required when the server offers
it or credentials are used), `smtps://host:465` (TLS from the start).
User and password come from the URL or from `PLR_SMTP_USER` /
`PLR_SMTP_PASSWORD`, so that the secret need not sit in a unit file.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import logging as log
from pipeline.errors import ConfigError

MAX_ATTEMPTS = 12
BACKOFF_FIRST = 30.0
BACKOFF_MAX = 3600.0
STALE_SENDING = 600.0
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_SUBJECTS = (
    ("kinnitus", "Suunamine on vastu võetud"),
    ("tagastamine", "Suunamine tagastatakse parandamiseks"),
    ("ülevaade", "Uus juhtum"),
)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # "starttls" | "ssl"
    user: str | None
    password: str | None


def parse_url(url: str, env: Mapping[str, str] | None = None) -> SmtpTarget:
    env = os.environ if env is None else env
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError.of("err.smtp_url", code="smtp_url")
    tls = "ssl" if parts.scheme == "smtps" else "starttls"
    port = parts.port or (465 if tls == "ssl" else 587)
    user = env.get("PLR_SMTP_USER") or (unquote(parts.username) if parts.username else None)
    password = env.get("PLR_SMTP_PASSWORD") or (
        unquote(parts.password) if parts.password else None)
    return SmtpTarget(parts.hostname, port, tls, user, password)


def backoff(attempts: int) -> float:
    return float(min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1)))


def document_message(*, sender: str, to: str, folder: str, filename: str,
                     data: bytes) -> EmailMessage:
    """One document as an e-mail attachment, with a short Estonian cover note."""
    what = next((s for key, s in _SUBJECTS if key in filename), "Pere lahendusringi dokument")
    return documents_message(sender=sender, to=to, folder=folder, subject=what,
                             files=[(filename, data)])


def documents_message(*, sender: str, to: str, folder: str, subject: str,
                      files: list[tuple[str, bytes]]) -> EmailMessage:
    """Documents of one step as attachments of one e-mail (a coordinator gets one
    message per step, not one per participant's copy)."""
    case = folder if re.fullmatch(r"PLR-\d{4}-\d+", folder) else None
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"{subject}: pere lahendusring" + (f" ({case})" if case else "")
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    names = "\n".join(f"  – {name}" for name, _ in files)
    msg.set_content(
        "Tere!\n\n"
        + ("Manuses on dokument:\n" if len(files) == 1 else "Manuses on dokumendid:\n")
        + names + "\n"
        + (f"Juhtumi number: {case}.\n" if case else "")
        + "\nKüsimuste korral vastake palun sellele kirjale.\n\n"
        "Lugupidamisega\nPere lahendusringi meeskond\n"
    )
    for filename, data in files:
        maintype, subtype = DOCX.split("/", 1)
        if filename.endswith(".ics"):
            maintype, subtype = "text", "calendar"
        elif filename.endswith(".pdf"):
            maintype, subtype = "application", "pdf"
        elif not filename.endswith(".docx"):
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def enqueue(spool: Path, key: str, msg: EmailMessage) -> bool:
    """Put one message in the queue; False when this key was queued before (a re-run)."""
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    for sub in ("", "sending", "sent", "failed"):
        if (spool / sub / f"{key}.eml").exists():
            return False
    _write_atomic(spool / f"{key}.json", json.dumps({"attempts": 0, "next_at": 0}).encode())
    _write_atomic(spool / f"{key}.eml", bytes(msg))
    return True


def _meta(spool: Path, key: str) -> dict[str, float]:
    try:
        data: dict[str, float] = json.loads((spool / f"{key}.json").read_bytes())
        return data
    except (OSError, ValueError):
        return {"attempts": 0, "next_at": 0}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def send_one(target: SmtpTarget, raw: bytes, timeout: float = 30.0) -> None:
    from email import message_from_bytes, policy

    msg = message_from_bytes(raw, policy=policy.default)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if target.tls == "ssl":
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if target.tls == "starttls":
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif target.user and not _is_loopback(target.host):
                raise smtplib.SMTPException("server offers no STARTTLS; not sending a password")
        if target.user:
            smtp.login(target.user, target.password or "")
        smtp.send_message(msg)


def send_due(spool: Path, target: SmtpTarget, *, now: float | None = None,
             timeout: float = 30.0) -> tuple[int, int]:
    """Send every message whose time has come; returns (sent, failed attempts)."""
    now = time.time() if now is None else now
    for sub in ("sending", "sent", "failed"):
        (spool / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    _requeue_stale(spool, now)
    sent = failed = 0
    for eml in sorted(spool.glob("*.eml")):
        key = eml.stem
        meta = _meta(spool, key)
        if meta.get("next_at", 0) > now:
            continue
        taken = spool / "sending" / eml.name
        try:
            os.rename(eml, taken)  # another watcher's sender may want the same message
        except FileNotFoundError:
            continue
        try:
            send_one(target, taken.read_bytes(), timeout)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            attempts = int(meta.get("attempts", 0)) + 1
            meta = {"attempts": attempts, "next_at": now + backoff(attempts)}
            _write_atomic(spool / f"{key}.json", json.dumps(meta).encode())
            dest = spool / ("failed" if attempts >= MAX_ATTEMPTS else "") / eml.name
            os.rename(taken, dest)
            log.warn("mail_failed", message_id=key, attempt=attempts,
                     next_in=backoff(attempts), error=type(exc).__name__)
            continue
        os.rename(taken, spool / "sent" / eml.name)
        with contextlib.suppress(OSError):
            os.rename(spool / f"{key}.json", spool / "sent" / f"{key}.json")
        sent += 1
        log.event("mail_sent", message_id=key)
    return sent, failed


def _requeue_stale(spool: Path, now: float) -> None:
    """A message left in sending/ by a watcher that died goes back in the queue."""
    for eml in (spool / "sending").glob("*.eml"):
        with contextlib.suppress(OSError):
            if now - eml.stat().st_mtime > STALE_SENDING:
                os.rename(eml, spool / eml.name)


def pending(spool: Path) -> int:
    return len(list(spool.glob("*.eml"))) if spool.is_dir() else 0


class Sender:
    """The watcher's background sender: a daemon thread that drains the spool."""

    def __init__(self, spool: Path, target: SmtpTarget, interval: float = 2.0) -> None:
        self.spool, self.target, self.interval = spool, target, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="plr-mail", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                send_due(self.spool, self.target)
            except OSError as exc:  # the spool folder itself is gone (share unmounted)
                log.error("mail_spool_error", error=type(exc).__name__)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(35)
