"""The pipeline on real files and a real SQLite register, including crashes between stages."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from pipeline import process
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.intake import claim
from pipeline.intake.claim import Owner
from pipeline.register import db, ledger
from pipeline.samples import sample_referral

ROOT = Path(__file__).resolve().parents[1]
# Cases are numbered by the year they arrive in: these arrive now, in Tallinn.
FIRST = f"PLR-{process.now_local().year}-0001"


def good_docx() -> bytes:
    raw = referral_to_raw(sample_referral())
    return fill_docx((ROOT / "forms" / "suunamisvorm.docx").read_bytes(), raw)


def good_pdf() -> bytes:
    raw = referral_to_raw(sample_referral())
    return fill_pdf((ROOT / "forms" / "suunamisvorm.pdf").read_bytes(), raw)


def bad_docx() -> bytes:
    raw = dict(referral_to_raw(sample_referral()))
    raw["referrer.email"] = ""
    raw["children[0].id_code"] = "12345678901"
    return fill_docx((ROOT / "forms" / "suunamisvorm.docx").read_bytes(), raw)


def arrive(ctx: process.Context, name: str, data: bytes, *, fresh: bool = False
           ) -> process.Job:
    """`fresh`: recorded as the watcher records a file it has just claimed (no search for
    an entry left by a crash)."""
    src = ctx.layout.inbox / name
    src.write_bytes(data)
    claimed = Owner(ctx.layout).claim(src)
    assert claimed is not None
    return process.record_claimed(ctx, claimed, hashlib.sha256(data).hexdigest(), fresh=fresh)


def entries(ctx: process.Context) -> list[ledger.LedgerEntry]:
    with db.transaction(ctx.sessions) as s:
        return ledger.list_entries(session=s)


def outbox_files(ctx: process.Context) -> list[str]:
    return sorted(str(p.relative_to(ctx.layout.outbox)) for p in ctx.layout.outbox.rglob("*")
                  if p.is_file())


def test_process_valid_form_registers_and_writes_documents(ctx: process.Context) -> None:
    job = arrive(ctx, "suunamine.docx", good_docx())
    result = process.run(job, ctx)
    assert result.outcome == "registered" and result.cases == [FIRST]
    assert (ctx.layout.archive / FIRST / "suunamine.docx").exists()
    docs = outbox_files(ctx)
    assert len(docs) == 2 and all(d.startswith(f"{FIRST}/") for d in docs)
    assert [e.outcome for e in entries(ctx)] == ["registered"]
    assert not any(p.is_file() for p in ctx.layout.processing.rglob("*") if p.name != ".lock")


def test_process_letters_carry_the_letterhead_of_the_settings(tmp_path: Path) -> None:
    # The worker's settings, not its environment, say whose letterhead it is: a worker
    # started with another office's settings writes that office's name.
    from docx import Document

    from pipeline.config import Layout, ProviderSettings, Settings

    settings = Settings(home=tmp_path, database_url=None,
                        provider=ProviderSettings(name="Näidisvalla Perekeskus SA"))
    Layout(tmp_path).ensure()
    ctx = process.make_context(settings)
    assert process.run(arrive(ctx, "suunamine.docx", good_docx()), ctx).outcome == "registered"
    letters = [p for p in ctx.layout.outbox.rglob("*.docx")]
    assert letters
    for letter in letters:
        doc = Document(str(letter))
        text = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
        text += "\n".join(p.text for p in doc.paragraphs)
        assert "Näidisvalla Perekeskus SA" in text, letter.name


def test_process_referral_with_errors_is_returned_with_letter(ctx: process.Context) -> None:
    result = process.run(arrive(ctx, "vigane.docx", bad_docx()), ctx)
    assert result.outcome == "returned" and result.cases == []
    assert "E01" in result.codes or result.codes
    assert (ctx.layout.returned / "vigane.docx").exists()
    assert [d.split("/")[0] for d in outbox_files(ctx)] == ["tagastatud"]


def test_process_same_bytes_twice_is_a_duplicate_of_the_first_case(
    ctx: process.Context,
) -> None:
    data = good_docx()
    first = process.run(arrive(ctx, "a.docx", data), ctx)
    second = process.run(arrive(ctx, "b.docx", data), ctx)
    assert second.outcome == "duplicate" and second.cases == first.cases
    assert (ctx.layout.duplicates / "b.docx").exists()
    assert len(outbox_files(ctx)) == 2  # nothing rendered for the copy


def test_process_unreadable_file_is_quarantined_with_reason(ctx: process.Context) -> None:
    result = process.run(arrive(ctx, "katki.pdf", b"%PDF-1.4 not really %%EOF"), ctx)
    assert result.outcome == "quarantined" and result.reason
    reason = (ctx.layout.quarantine / "katki.pdf.reason.txt").read_text(encoding="utf-8")
    assert result.reason in reason
    assert entries(ctx)[0].outcome == "quarantined"


def test_process_quarantined_file_put_back_is_retried_not_duplicate(
    ctx: process.Context,
) -> None:
    data = b"%PDF-1.4 not really %%EOF"
    process.run(arrive(ctx, "katki.pdf", data), ctx)
    again = process.run(arrive(ctx, "katki.pdf", data), ctx)
    assert again.outcome == "quarantined"
    assert (ctx.layout.quarantine / "katki (2).pdf").exists()


@pytest.mark.parametrize("crash_after", range(1, len(process.STAGES)))
def test_process_crash_after_any_stage_finishes_exactly_once(
    ctx: process.Context, crash_after: int
) -> None:
    job = arrive(ctx, "suunamine.pdf", good_pdf())
    w = process.Work(job=job, ctx=ctx, path=Path(job.path))
    for _name, fn in process.STAGES[:crash_after]:
        fn(w)  # ...and then the process is killed
    if Path(job.path).exists():
        result = process.run(job, ctx)
        assert result.cases == [FIRST]
    assert [(e.outcome, e.cases) for e in entries(ctx)] == [("registered", [FIRST])]
    assert len(outbox_files(ctx)) == 2
    assert list((ctx.layout.archive / FIRST).iterdir())


def test_process_crash_half_way_through_publishing_writes_no_copy(
    ctx: process.Context,
) -> None:
    job = arrive(ctx, "suunamine.docx", good_docx())
    w = process.Work(job=job, ctx=ctx, path=Path(job.path))
    for name, fn in process.STAGES:
        if name == "publish":
            break
        fn(w)
    staged = sorted((w.work_dir / FIRST).iterdir())
    # Linked into the outbox but killed before the staged name was removed.
    (ctx.layout.outbox / FIRST).mkdir(parents=True)
    (ctx.layout.outbox / FIRST / staged[0].name).hardlink_to(staged[0])
    process.run(job, ctx)
    assert len(outbox_files(ctx)) == 2
    assert not any(" (2)" in f for f in outbox_files(ctx))


def test_process_claim_recorded_before_crash_is_found_again(ctx: process.Context) -> None:
    job = arrive(ctx, "suunamine.docx", good_docx())
    again = process.record_claimed(ctx, Path(job.path), job.sha256)
    assert (again.entry_id, again.received_at) == (job.entry_id, job.received_at)
    assert claim.original_name(Path(job.path)) == "suunamine.docx"


def test_process_ledger_shows_the_name_the_file_arrived_with(ctx: process.Context) -> None:
    process.run(arrive(ctx, "Suunamine – Tamm.docx", good_docx()), ctx)
    (entry,) = entries(ctx)
    assert entry.file == "Suunamine – Tamm.docx"
    assert entry.to_json()["file"] == "Suunamine – Tamm.docx"
    assert entry.file_name and entry.file_name.endswith("__Suunamine – Tamm.docx")


def test_claim_id_has_no_run_of_digits_like_an_isikukood() -> None:
    import re

    for _ in range(200):
        assert not re.search(r"\d{11}", claim.new_claim_id())


@pytest.mark.parametrize("crash_after", range(1, len(process.STAGES)))
def test_process_crash_then_another_watcher_adopts_and_finishes_once(
    ctx: process.Context, crash_after: int
) -> None:
    data = good_docx()
    src = ctx.layout.inbox / "suunamine.docx"
    src.write_bytes(data)
    dead = Owner(ctx.layout)
    claimed = dead.claim(src)
    assert claimed is not None
    job = process.record_claimed(ctx, claimed, hashlib.sha256(data).hexdigest())
    w = process.Work(job=job, ctx=ctx, path=Path(job.path))
    for _name, fn in process.STAGES[:crash_after]:
        fn(w)
    dead.close()  # the watcher dies: its lock is free, its files wait in processing/
    heir = Owner(ctx.layout)
    adopted = heir.adopt_orphans()
    if adopted:
        (path,) = adopted
        process.run(process.record_claimed(ctx, path, job.sha256), ctx)
    assert [(e.outcome, e.cases) for e in entries(ctx)] == [("registered", [FIRST])]
    assert len(outbox_files(ctx)) == 2, outbox_files(ctx)
    assert not [p for p in ctx.layout.processing.rglob("*") if p.is_file() and p.name != ".lock"]


def test_process_register_down_decides_nothing_and_the_file_waits(ctx: process.Context) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import sessionmaker

    job = arrive(ctx, "suunamine.docx", good_docx())
    working = ctx.sessions
    # The register stops answering (a PostgreSQL server on a port where nothing listens).
    ctx.sessions = sessionmaker(create_engine("postgresql+psycopg://plr@127.0.0.1:1/plr"))
    with pytest.raises(OperationalError):
        process.run(job, ctx)
    assert Path(job.path).exists()  # still claimed, not quarantined
    assert not any(ctx.layout.quarantine.iterdir())
    ctx.sessions = working  # …and it is back: the same job finishes normally
    assert process.run(job, ctx).cases == [FIRST]
    assert [e.outcome for e in entries(ctx)] == ["registered"]


def test_watch_defers_a_file_whose_worker_found_the_register_down(
    ctx: process.Context,
) -> None:
    from pipeline.intake.pool import Failure
    from pipeline.intake.watch import Options, Watcher

    watcher = Watcher(ctx.settings, Options(once=True))
    watcher.ctx = ctx
    job = arrive(ctx, "suunamine.docx", good_docx())
    watcher._finished(job, Failure("crashed", "OperationalError"))
    assert [j for _, j in watcher.deferred] == [job]
    assert Path(job.path).exists() and watcher.counts.quarantined == 0
    assert "register ei vasta" not in watcher.counts.line()
    watcher.counts.register_down = bool(watcher.deferred)
    assert watcher.counts.line().endswith("register ei vasta, failid ootavad")


@pytest.mark.parametrize("name", ["bomb-ratio.docx", "bomb-declared.docx", "bomb-lying.docx"])
def test_process_docx_zip_bomb_is_quarantined_as_a_bomb_not_as_a_plan(
    ctx: process.Context, name: str
) -> None:
    data = (ROOT / "tests" / "fixtures" / "bad" / name).read_bytes()
    result = process.run(arrive(ctx, name, data), ctx)
    assert result.outcome == "quarantined"
    assert "tegevusplaan" not in (result.reason or "").lower(), result.reason


def test_process_file_changed_after_hashing_is_put_back_and_taken_again(
    ctx: process.Context,
) -> None:
    # A writer that still had the file open went on writing after the watcher hashed it
    # (a copy that paused longer than the stable time): the first half is what was hashed.
    data = good_pdf()
    half, rest = data[: len(data) // 2], data[len(data) // 2:]
    sub = ctx.layout.inbox / "kool"
    sub.mkdir()
    src = sub / "suunamine.pdf"
    src.write_bytes(half)
    claimed = Owner(ctx.layout).claim(src)
    assert claimed is not None
    job = process.record_claimed(ctx, claimed, hashlib.sha256(half).hexdigest())
    job = dataclasses.replace(job, origin=str(src))
    with claimed.open("ab") as writer:  # the same inode, through the rename
        writer.write(rest)
    result = process.run(job, ctx)
    assert result.outcome == process.PUT_BACK
    assert src.read_bytes() == data  # back where it came from, whole, nothing lost
    assert not (ctx.layout.quarantine.exists() and any(ctx.layout.quarantine.iterdir()))
    assert entries(ctx) == []  # the entry decided nothing; the next claim is the arrival
    assert not [p for p in ctx.layout.processing.rglob("*") if p.is_file() and p.name != ".lock"]
    retaken = Owner(ctx.layout).claim(src)  # taken again, now whole
    assert retaken is not None
    again = process.run(process.record_claimed(ctx, retaken, hashlib.sha256(data).hexdigest()),
                        ctx)
    assert again.outcome == "registered" and again.cases == [FIRST]
    assert [e.outcome for e in entries(ctx)] == ["registered"]


def test_process_recovered_file_changed_after_hashing_goes_back_to_the_inbox(
    ctx: process.Context,
) -> None:
    data = good_docx()
    job = arrive(ctx, "suunamine.docx", data)  # no origin: as found in processing/
    Path(job.path).write_bytes(data + b"\0")
    assert process.run(job, ctx).outcome == process.PUT_BACK
    assert (ctx.layout.inbox / "suunamine.docx").read_bytes() == data + b"\0"
    assert entries(ctx) == []


def test_watch_file_changed_after_hashing_is_taken_again_whole(tmp_path: Path) -> None:
    # A running watcher with its worker pool: the writer goes on writing after the claim
    # was checked and hashed (the moment it is queued), before the worker reads it.
    from pipeline.config import Settings
    from pipeline.intake.watch import Options, Watcher

    settings = Settings(home=tmp_path, database_url=None, stable_seconds=0.2, workers=1)
    watcher = Watcher(settings, Options(once=True, workers=1))
    watcher.start()
    try:
        data = good_pdf()
        src = watcher.layout.inbox / "kool" / "suunamine.pdf"
        src.parent.mkdir(parents=True)
        src.write_bytes(data[: len(data) // 2])
        assert watcher.owner is not None and watcher.ctx is not None
        claimed = watcher.owner.claim(src)
        assert claimed is not None
        st = claimed.stat()
        watcher.fresh[str(claimed)] = (src, st.st_size, st.st_mtime_ns)
        watcher._record_or_wait(claimed)
        assert [job.origin for job in watcher.queue] == [str(src)]
        with claimed.open("ab") as writer:
            writer.write(data[len(data) // 2:])
        assert watcher.run() == 0
        got = entries(watcher.ctx)
    finally:
        watcher.close()
    assert [e.outcome for e in got] == ["registered"], got
    assert (tmp_path / "archive" / FIRST / "suunamine.pdf").read_bytes() == data
    assert not (tmp_path / "quarantine").exists() or not any((tmp_path / "quarantine").iterdir())


@pytest.mark.parametrize("way", ["watcher", "recovery"])
def test_process_lookups_of_each_file_use_an_index_not_a_scan(ctx: process.Context,
                                                                way: str) -> None:
    """Every query the pipeline makes for one file finds its rows by an index: a full scan
    of a table that grows with each arrival makes each registration dearer than the last
    (before r0008, asking whether a file had registered read every referral version).
    `recovery`: the file is found again in processing/ after a crash, and its entry looked
    up by name (before r0009, a read of the whole ledger per file)."""
    from sqlalchemy import event
    from test_watch_e2e import form

    for i in range(3):  # rows to search among
        assert process.run(arrive(ctx, f"f{i}.docx", form(100 + i)), ctx).outcome == "registered"
    statements: list[str] = []
    engine = ctx.sessions.kw["bind"]

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        job = arrive(ctx, "uus.docx", form(200), fresh=True)  # as the watcher records it
        if way == "recovery":  # as the next start finds it, recorded and still pending
            again = process.record_claimed(ctx, Path(job.path), job.sha256)
            assert again.entry_id == job.entry_id
        assert process.run(job, ctx).outcome == "registered"
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    growing = ("cases", "referral_versions", "participants", "state_changes", "intake_ledger",
               "case_payers", "meetings", "plans")
    queries = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "UPDATE"))]
    assert len(queries) >= 8  # the ledger, the register and the case view were all asked
    with engine.connect() as conn:  # the register the pipeline used
        for sql in queries:
            plan = [row[3] for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql, tuple([None] * sql.count("?")))]
            scans = [step for step in plan if step.startswith("SCAN")
                     and step.split()[1] in growing]
            assert not scans, (" ".join(sql.split())[:120], plan)
