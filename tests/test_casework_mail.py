"""Coordinators get each step's documents in one e-mail, through the spool, from a real
SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_deliver_mail import smtp  # noqa: F401  (the aiosmtpd fixture)
from test_process_pipeline import arrive, good_docx

from pipeline import casework, process
from pipeline.config import Layout
from pipeline.deliver import mail


def test_casework_mail_summary_on_assign_and_documents_on_schedule(
    ctx: process.Context, smtp: Any  # noqa: F811
) -> None:
    inbox, port = smtp
    settings = ctx.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    (number,) = process.run(arrive(ctx, "suunamine.docx", good_docx()), ctx).cases
    casework.add_coordinator(settings, name="Kadri Lepik", email="kadri.lepik@example.ee",
                             phone=None, languages=["et"], capacity=5)
    casework.assign_case(settings, number, "Kadri Lepik")
    at = (dt.date.today() + dt.timedelta(days=10)).isoformat() + " 17:00"
    done = casework.schedule_conference(settings, number, at=at, place="Türi Perekeskus",
                                        force=True)  # any day will do here
    spool = Layout(settings.home).mail_spool
    assert mail.pending(spool) == 2
    sent, failed = mail.send_due(spool, mail.parse_url(settings.smtp_url or "", env={}))
    assert (sent, failed) == (2, 0)
    assert all(r == ["kadri.lepik@example.ee"] for r in inbox.rcpts)
    # The spool sends in key order, not in queueing order: tell them by their size.
    summary, step = sorted(inbox.messages, key=lambda m: len(list(m.iter_attachments())))
    assert number in summary["Subject"]
    assert [a.get_filename() for a in summary.iter_attachments()] == [
        p.name for p in (settings.outbox / number).glob("*juhtumi ülevaade*.docx")]
    attached = {a.get_filename(): a.get_content() for a in step.iter_attachments()}
    assert set(attached) == {p.name for p in done.files}
    ics = next(v for k, v in attached.items() if k.endswith(".ics"))
    assert "BEGIN:VCALENDAR" in (ics if isinstance(ics, str) else ics.decode())
    docx = next(p for p in done.files if p.suffix == ".docx")
    assert attached[docx.name] == docx.read_bytes()


def test_casework_mail_repeated_step_is_not_queued_twice(
    ctx: process.Context, smtp: Any  # noqa: F811
) -> None:
    _, port = smtp
    settings = ctx.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    spool = Layout(settings.home).mail_spool
    file = settings.home / "a.docx"
    file.write_bytes(b"PK\x03\x04 test")
    assert casework.mail_to_coordinator(settings, "PLR-2026-0001", "k@example.ee", "X", [file])
    assert not casework.mail_to_coordinator(settings, "PLR-2026-0001", "k@example.ee", "X",
                                            [file])
    assert mail.pending(spool) == 1


def test_casework_mail_off_without_smtp_url(ctx: process.Context) -> None:
    file = ctx.settings.home / "a.docx"
    file.write_bytes(b"PK")
    assert not casework.mail_to_coordinator(ctx.settings, "PLR-2026-0001", "k@example.ee",
                                            "X", [file])
