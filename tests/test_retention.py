"""`plr purge` after the retention period: cases, and the files that made no case
(returned with their letters, quarantined, duplicates), on real files and a real register."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update
from test_process_pipeline import ROOT, arrive, bad_docx, entries, good_docx

from pipeline import process, retention
from pipeline.config import Layout, Settings
from pipeline.forms_build.fill import fill_docx, referral_to_raw
from pipeline.register import db, ledger, lifecycle
from pipeline.register.tables import Case, IntakeEntry
from pipeline.samples import sample_referral

LONG_AGO = dt.datetime(2019, 3, 1, 9, 0)


@pytest.fixture
def ctx(tmp_path: Path, db_url: str) -> process.Context:
    """The pipeline on a fresh home, on SQLite and (when configured) on PostgreSQL."""
    Layout(tmp_path).ensure()
    return process.make_context(Settings(home=tmp_path, database_url=db_url))


def age(ctx: process.Context, entry_ids: list[int]) -> None:
    """Make these ledger entries (and any case they registered) look decided in 2019."""
    with db.transaction(ctx.sessions) as s:
        s.execute(update(IntakeEntry).where(IntakeEntry.id.in_(entry_ids))
                  .values(closed_at=LONG_AGO))


def spooled(ctx: process.Context, job: process.Job) -> Path:
    """A sent e-mail copy of this file's letter, as the mail stage keys it (by claim)."""
    sent = ctx.layout.mail_spool / "sent"
    sent.mkdir(parents=True, exist_ok=True)
    mail = sent / f"{Path(job.path).name.split('__')[0]}-0.eml"
    mail.write_bytes(b"Subject: tagastamine\n\nkiri")
    return mail


def other_bad_docx() -> bytes:
    raw = dict(referral_to_raw(sample_referral()))
    raw["referrer.email"] = ""
    raw["children[0].name"] = "Laps Teine"
    return fill_docx((ROOT / "forms" / "suunamisvorm.docx").read_bytes(), raw)


def purge(ctx: process.Context) -> retention.Report:
    return retention.purge_old(ctx.settings, older_than="5y", dry_run=False,
                               confirm=lambda _cases, _files: True)


def test_retention_old_returned_quarantined_and_duplicate_files_go(
    ctx: process.Context,
) -> None:
    returned = arrive(ctx, "Tamm suunamine.docx", bad_docx())
    returned_mail = spooled(ctx, returned)
    r1 = process.run(returned, ctx)
    broken = arrive(ctx, "katki.pdf", b"%PDF-1.4 broken %%EOF")
    r2 = process.run(broken, ctx)
    first = arrive(ctx, "suunamine.docx", good_docx())
    process.run(first, ctx)
    dup = arrive(ctx, "suunamine uuesti.docx", good_docx())
    r4 = process.run(dup, ctx)
    assert [r1.outcome, r2.outcome, r4.outcome] == ["returned", "quarantined", "duplicate"]
    letters = list((ctx.layout.outbox / "tagastatud").iterdir())
    assert len(letters) == 1
    letter_pdf = letters[0].with_suffix(".pdf")  # as `plr watch --pdf` makes it
    letter_pdf.write_bytes(b"%PDF-1.4 tagastuskiri %%EOF")
    reason = Path(r2.placed + ".reason.txt")  # type: ignore[operator]
    assert Path(r1.placed).exists() and reason.exists()  # type: ignore[arg-type]
    # A recent returned referral stays; the old ones and the duplicate of a purged case go.
    recent = arrive(ctx, "värske.docx", other_bad_docx())
    assert process.run(recent, ctx).outcome == "returned"
    age(ctx, [returned.entry_id, broken.entry_id, dup.entry_id, first.entry_id])
    number = entries(ctx)[-3].cases[0]
    with db.transaction(ctx.sessions) as s:
        lifecycle.close(session=s, number=number, reason="moved_away", actor="k", note="")
        s.execute(update(Case).where(Case.number == number).values(closed_at=LONG_AGO))

    dry = retention.purge_old(ctx.settings, older_than="5y", dry_run=True,
                              confirm=lambda _c, _f: True)
    assert dry.cases == [number] and dry.files == 2 and dry.removed == 0
    assert Path(r1.placed).exists()  # type: ignore[arg-type]

    report = purge(ctx)
    assert report.purged == [number] and report.purged_files == 2
    for gone in (Path(r1.placed), Path(r2.placed), reason, Path(r4.placed),  # type: ignore[arg-type]
                 letters[0], letter_pdf, returned_mail, ctx.layout.archive / number,
                 ctx.layout.outbox / number):
        assert not gone.exists(), gone
    assert report.removed >= 6
    by_id = {e.id: e for e in entries(ctx)}
    for entry_id in (returned.entry_id, broken.entry_id, dup.entry_id, first.entry_id):
        e = by_id[entry_id]
        assert e.file_name is None and e.reason is None and e.placed is None
        assert e.sha256 and e.outcome and e.closed_at  # statistics stay
    assert by_id[recent.entry_id].file_name is not None
    kept = by_id[recent.entry_id].placed
    assert kept is not None and (ctx.layout.home / kept).exists()
    assert purge(ctx).purged_files == 0  # nothing twice


def test_retention_leaves_another_file_in_a_freed_quarantine_slot(
    ctx: process.Context,
) -> None:
    """A quarantined file put back in the inbox frees its name; a later file there is not
    the purged one and stays."""
    broken = arrive(ctx, "katki.pdf", b"%PDF-1.4 broken %%EOF")
    placed = Path(process.run(broken, ctx).placed)  # type: ignore[arg-type]
    placed.write_bytes(b"%PDF-1.4 another broken file %%EOF")
    age(ctx, [broken.entry_id])
    assert purge(ctx).purged_files == 1
    assert placed.exists()


def test_retention_finds_files_of_entries_from_before_places_were_recorded(
    ctx: process.Context,
) -> None:
    returned = arrive(ctx, "vana.docx", bad_docx())
    placed = Path(process.run(returned, ctx).placed)  # type: ignore[arg-type]
    with db.transaction(ctx.sessions) as s:  # as revision 0002 left it
        s.execute(update(IntakeEntry).values(placed=None, documents=None))
    age(ctx, [returned.entry_id])
    assert purge(ctx).purged_files == 1
    assert not placed.exists()


def test_retention_ledger_records_where_each_file_went(ctx: process.Context) -> None:
    job = arrive(ctx, "suunamine.docx", good_docx())
    result = process.run(job, ctx)
    with db.transaction(ctx.sessions) as s:
        e = ledger.get_entry(session=s, entry_id=job.entry_id)
    assert e is not None and e.placed is not None
    assert ctx.layout.home / e.placed == Path(result.placed)  # type: ignore[arg-type]
    assert sorted(e.documents) == sorted(
        str(Path(p).relative_to(ctx.layout.home)) for p in result.published)
    assert e.to_json()["placed"] == e.placed


def test_retention_cli_dry_run_names_the_files_and_deletes_nothing(ctx: process.Context) -> None:
    returned = arrive(ctx, "vana.docx", bad_docx())
    placed = Path(process.run(returned, ctx).placed)  # type: ignore[arg-type]
    age(ctx, [returned.entry_id])
    cmd = [sys.executable, "-m", "pipeline", "purge", "--older-than", "5y", "--home",
           str(ctx.layout.home)]
    env = {**os.environ, "PLR_DATABASE_URL": ctx.settings.db_url}
    dry = subprocess.run([*cmd, "--dry-run"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert dry.returncode == 0 and "1 failist" in dry.stdout, dry.stdout + dry.stderr
    assert placed.exists()
    no = subprocess.run(cmd, input="n\n", capture_output=True, text=True, timeout=120,
                        env=env)
    assert no.returncode == 0 and "midagi ei muudetud" in no.stdout and placed.exists()
    yes = subprocess.run([*cmd, "--yes"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert yes.returncode == 0 and "1 muu faili" in yes.stdout, yes.stdout + yes.stderr
    assert not placed.exists()


def test_retention_keeps_an_old_duplicate_of_a_case_still_open(ctx: process.Context) -> None:
    first = arrive(ctx, "suunamine.docx", good_docx())
    process.run(first, ctx)
    dup = arrive(ctx, "suunamine (2).docx", good_docx())
    placed = Path(process.run(dup, ctx).placed)  # type: ignore[arg-type]
    age(ctx, [first.entry_id, dup.entry_id])
    report = purge(ctx)
    assert (report.purged, report.purged_files) == ([], 0)
    assert placed.exists()
