"""Mail delivery against a real SMTP server on 127.0.0.1 (aiosmtpd), with the spool."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pipeline.deliver import mail
from pipeline.errors import ConfigError


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpts: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Any:
    handler = Inbox()
    port = free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    yield handler, port
    ctl.stop()


def message(to: str = "suunaja@example.ee") -> EmailMessage:
    return mail.document_message(
        sender="plr@example.ee", to=to, folder="PLR-2026-0007",
        filename="2026-11-24 suunamise kinnitus – Mari Maasikas.docx", data=b"PK\x03\x04docx",
    )


def test_deliver_mail_url_and_credentials_from_environment() -> None:
    t = mail.parse_url("smtp://user:p%40ss@mail.example.ee:587",
                       env={"PLR_SMTP_PASSWORD": "from-env"})
    assert (t.host, t.port, t.tls, t.user, t.password) == (
        "mail.example.ee", 587, "starttls", "user", "from-env")
    assert mail.parse_url("smtps://mail.example.ee", env={}).port == 465
    with pytest.raises(ConfigError):
        mail.parse_url("http://mail.example.ee", env={})


def test_deliver_mail_spooled_message_arrives_with_attachment(tmp_path: Path, smtp: Any) -> None:
    handler, port = smtp
    assert mail.enqueue(tmp_path, "c1-0", message())
    assert not mail.enqueue(tmp_path, "c1-0", message())  # a re-run queues nothing twice
    sent, failed = mail.send_due(tmp_path, mail.parse_url(f"smtp://127.0.0.1:{port}", env={}))
    assert (sent, failed) == (1, 0)
    msg = handler.messages[0]
    assert handler.rcpts == [["suunaja@example.ee"]]
    assert "PLR-2026-0007" in msg["Subject"] and "vastu võetud" in msg["Subject"]
    att = next(msg.iter_attachments())
    assert att.get_filename() == "2026-11-24 suunamise kinnitus – Mari Maasikas.docx"
    assert att.get_content() == b"PK\x03\x04docx"
    assert (tmp_path / "sent" / "c1-0.eml").exists() and mail.pending(tmp_path) == 0


def test_deliver_mail_failed_send_is_kept_and_retried_with_backoff(
    tmp_path: Path, smtp: Any
) -> None:
    handler, port = smtp
    mail.enqueue(tmp_path, "c2-0", message())
    dead = mail.parse_url(f"smtp://127.0.0.1:{free_port()}", env={})
    assert mail.send_due(tmp_path, dead, now=1000.0, timeout=2) == (0, 1)
    assert mail.pending(tmp_path) == 1
    live = mail.parse_url(f"smtp://127.0.0.1:{port}", env={})
    assert mail.send_due(tmp_path, live, now=1001.0) == (0, 0)  # not due yet
    assert mail.send_due(tmp_path, live, now=1000.0 + mail.backoff(1) + 1) == (1, 0)
    assert len(handler.messages) == 1


def test_deliver_mail_backoff_grows_and_is_capped() -> None:
    waits = [mail.backoff(n) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] == mail.BACKOFF_FIRST
    assert waits[-1] == mail.BACKOFF_MAX


@pytest.mark.slow
def test_deliver_mail_watcher_mails_acknowledgement_and_return_letter(
    tmp_path: Path, smtp: Any
) -> None:
    import subprocess
    import sys

    from test_watch_e2e import env, form

    handler, port = smtp
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "hea.docx").write_bytes(form(1))
    (home / "inbox" / "vigane.docx").write_bytes(form(2, bad=True))
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "watch", "--once", "--log-json"],
        env=env(home, PLR_SMTP_URL=f"smtp://127.0.0.1:{port}"),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    to = sorted(r for rs in handler.rcpts for r in rs)
    assert to == ["suunaja1@example.ee"]  # the faulty form has no referrer address
    att = next(handler.messages[0].iter_attachments())
    assert "suunamise kinnitus" in (att.get_filename() or "")
    assert att.get_content()[:2] == b"PK"
