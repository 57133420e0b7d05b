"""Ignore rules, completeness, the claim and the placing of inbox files (real files)."""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.config import Layout
from pipeline.errors import ConfigError
from pipeline.intake import claim
from pipeline.intake.claim import Owner, Stability


@pytest.mark.parametrize(
    "name",
    ["~$suunamine.docx", ".~lock.suunamine.docx#", "a.tmp", "b.part", "c.crdownload",
     ".hidden.pdf", "Thumbs.db", "desktop.ini", "x.pdf.reason.txt"],
)
def test_claim_ignores_temporary_and_system_files(name: str) -> None:
    assert claim.is_ignored(name)


@pytest.mark.parametrize("name", ["suunamine.pdf", "Suunamine (2).DOCX", "kiri.eml", "a.msg"])
def test_claim_takes_ordinary_files(name: str) -> None:
    assert not claim.is_ignored(name)


def test_claim_stability_needs_unchanged_size_and_time() -> None:
    s = Stability(seconds=1.0)
    assert not s.observe("a", 10, 1, now=0.0)
    assert not s.observe("a", 20, 2, now=0.9)  # grew: the clock restarts
    assert not s.observe("a", 20, 2, now=1.5)
    assert s.observe("a", 20, 2, now=1.95)
    assert s.waited("a", 2.0) == pytest.approx(1.1)  # since the last change


def test_claim_stability_takes_a_file_lying_still_for_the_wait_at_first_sight() -> None:
    s = Stability(seconds=1.0)
    assert s.observe("old", 10, 1, now=5.0, unchanged_for=3600.0)  # a backlog found at start
    assert s.waited("old", 5.0) == pytest.approx(1.0)  # the grace counts from the wait only
    assert not s.observe("young", 10, 1, now=5.0, unchanged_for=0.4)  # still watched
    assert not s.observe("young", 10, 1, now=5.5)
    assert s.observe("young", 10, 1, now=6.0)
    assert s.observe("moved", 10, 1, now=5.0, unchanged_for=3600.0)
    # The age counts at the first sighting only: a file that changed is watched afresh.
    assert not s.observe("moved", 20, 2, now=5.1, unchanged_for=3600.0)
    assert Stability(seconds=0.0).observe("any", 1, 1, now=0.0, unchanged_for=0.0)


def test_claim_inbox_takes_a_settled_backlog_at_the_first_scan(tmp_path: Path) -> None:
    from pipeline.intake.watch import Inbox

    (tmp_path / "vana.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + b"\nstartxref\n9\n%%EOF\n")
    time.sleep(0.3)  # lies still for longer than the wait before the watcher looks
    (tmp_path / "uus.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + b"\nstartxref\n9\n%%EOF\n")
    inbox = Inbox(tmp_path, Stability(seconds=0.25), grace=10.0)
    inbox.scan(time.monotonic())
    assert [p.name for p in inbox.ready] == ["vana.pdf"] and inbox.settling == 1
    time.sleep(0.3)
    inbox.scan(time.monotonic())
    assert sorted(p.name for p in inbox.ready) == ["uus.pdf", "vana.pdf"]


def test_claim_stability_forgets_vanished_files() -> None:
    s = Stability(seconds=1.0)
    s.observe("a", 1, 1, 0.0)
    s.observe("b", 1, 1, 0.0)
    s.keep_only({"b"})
    assert set(s.seen) == {"b"}


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 200)
    return buf.getvalue()


def test_claim_complete_pdf_and_docx_are_recognised(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + b"\nstartxref\n9\n%%EOF\n")
    docx = tmp_path / "a.docx"
    docx.write_bytes(_docx_bytes())
    assert claim.looks_complete(pdf)
    assert claim.looks_complete(docx)


def test_claim_cut_off_copies_are_not_complete(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 5000)  # the trailer is written last
    docx = tmp_path / "a.docx"
    docx.write_bytes(_docx_bytes()[:-40])  # central directory missing
    prealloc = tmp_path / "b.pdf"
    prealloc.write_bytes(b"%PDF-1.7\n" + b"\0" * 5000)  # Windows preallocates over SMB
    empty = tmp_path / "c.pdf"
    empty.write_bytes(b"")
    assert not any(claim.looks_complete(p) for p in (pdf, docx, prealloc, empty))


def test_claim_layout_creates_owner_only_folders(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "home")
    layout.ensure()
    for folder in layout.folders():
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_claim_layout_tightens_existing_output_folders_not_the_inbox(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "home")
    for folder in (layout.inbox, layout.outbox):
        folder.mkdir(parents=True, mode=0o755)
        folder.chmod(0o775)  # as a fresh clone or an office's own folder may be
    layout.ensure()
    assert stat.S_IMODE(layout.outbox.stat().st_mode) == 0o700
    assert stat.S_IMODE(layout.inbox.stat().st_mode) == 0o775


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_claim_layout_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "inbox").mkdir()
    os.chmod(home / "inbox", 0o500)
    with pytest.raises(ConfigError) as exc:
        Layout(home).ensure()
    assert "inbox" in exc.value.message


def test_claim_layout_uncreatable_folder_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "outbox").write_text("not a folder")
    with pytest.raises(ConfigError) as exc:
        Layout(home).ensure()
    assert exc.value.code == "folder"


def test_claim_moves_file_and_keeps_its_name(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.ensure()
    src = layout.inbox / "suunamine.pdf"
    src.write_bytes(b"x")
    owner = Owner(layout)
    claimed = owner.claim(src)
    assert claimed is not None and not src.exists()
    assert claim.original_name(claimed) == "suunamine.pdf"
    assert owner.claim(src) is None  # already gone: someone else's win
    assert owner.files() == [claimed]


def _race(home: str, name: str, start: object, out: object) -> None:
    layout = Layout(Path(home))
    owner = Owner(layout)
    start.wait()  # type: ignore[attr-defined]
    out.put(owner.claim(layout.inbox / name) is not None)  # type: ignore[attr-defined]


def test_claim_exactly_one_of_many_processes_wins(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.ensure()
    ctx = mp.get_context("fork")
    for i in range(5):
        (layout.inbox / f"f{i}.pdf").write_bytes(b"x")
        start, out = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_race, args=(str(tmp_path), f"f{i}.pdf", start, out))
                 for _ in range(4)]
        for p in procs:
            p.start()
        start.set()
        wins = [out.get(timeout=10) for _ in procs]
        for p in procs:
            p.join()
        assert wins.count(True) == 1


def test_claim_orphans_of_a_dead_watcher_are_adopted_once(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.ensure()
    dead = layout.processing / "otherhost-1-abc"
    dead.mkdir()
    (dead / ".lock").write_bytes(b"")
    (dead / f"20260101T000000aaaa{claim.SEP}a.pdf").write_bytes(b"a")
    alive = Owner(layout)  # holds its lock: must not be adopted
    (alive.dir / f"20260101T000000bbbb{claim.SEP}b.pdf").write_bytes(b"b")
    me = Owner(layout)
    adopted = me.adopt_orphans()
    assert [claim.original_name(p) for p in adopted] == ["a.pdf"]
    assert not dead.exists()
    assert [claim.original_name(p) for p in alive.files()] == ["b.pdf"]


def test_claim_placing_never_overwrites(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.ensure()
    owner = Owner(layout)
    placed = []
    for content in (b"one", b"two"):
        src = layout.inbox / "suunamine.pdf"
        src.write_bytes(content)
        claimed = owner.claim(src)
        assert claimed is not None
        placed.append(claim.place_returned(layout, claimed))
    assert [p.name for p in placed] == ["suunamine.pdf", "suunamine (2).pdf"]
    assert [p.read_bytes() for p in placed] == [b"one", b"two"]


def test_claim_quarantine_writes_estonian_reason_beside_file(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.ensure()
    src = layout.inbox / "katki.pdf"
    src.write_bytes(b"broken")
    claimed = Owner(layout).claim(src)
    assert claimed is not None
    target = claim.place_quarantine(layout, claimed, "PDF-fail on katki.")
    reason = (layout.quarantine / "katki.pdf.reason.txt").read_text(encoding="utf-8")
    assert target.read_bytes() == b"broken"
    assert "Põhjus: PDF-fail on katki." in reason
    assert "tõsta fail tagasi kausta inbox/" in reason


def test_intake_claim_stability_checks_a_file_once_per_size_and_time() -> None:
    """A waiting backlog is not re-opened on every scan; a changed file is checked again."""
    calls: list[str] = []

    def check() -> bool:
        calls.append("x")
        return len(calls) > 1  # the first check finds it cut off, the next ones whole

    st = Stability(0.0)
    st.observe("a.docx", 10, 1, now=0.0)
    assert [st.complete("a.docx", check) for _ in range(2)] == [False, True]
    assert st.complete("a.docx", check) and len(calls) == 2  # remembered, not re-read
    st.observe("a.docx", 20, 2, now=1.0)  # it grew: check again
    assert st.complete("a.docx", check) and len(calls) == 3


def _mail(boundary_end: bool, linesep: bytes = b"\n") -> bytes:
    lines = [b"Received: from mx.example.ee", b"From: a@example.ee", b"Subject: x",
             b"Content-Type: multipart/mixed;", b' boundary="==b1=="', b"", b"--==b1==",
             b"Content-Type: text/plain", b"", b"tere", b"--==b1=="]
    lines[-1] += b"--" if boundary_end else b""
    return linesep.join(lines) + linesep


@pytest.mark.parametrize("linesep", [b"\n", b"\r\n"])
def test_claim_mail_is_complete_with_its_closing_boundary(tmp_path: Path, linesep: bytes) -> None:
    whole, cut, plain = tmp_path / "a.eml", tmp_path / "b.eml", tmp_path / "c.eml"
    whole.write_bytes(_mail(True, linesep))
    cut.write_bytes(_mail(False, linesep))
    plain.write_bytes(b"From: a@example.ee\nSubject: x\n\ntere\n")  # single part
    assert claim.looks_complete(whole) and claim.looks_complete(plain)
    assert not claim.looks_complete(cut)


def test_claim_pdf_without_its_last_startxref_is_not_complete(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + b"\n%%EOF\n")  # a trailer with no xref
    assert not claim.looks_complete(pdf)


def test_claim_being_written_sees_an_open_writer(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    with path.open("wb") as fh:
        fh.write(b"PK")
        fh.flush()
        assert claim.being_written(path)
    assert not claim.being_written(path)


def test_claim_stability_remembers_closed_but_asks_again_while_written() -> None:
    s = Stability(seconds=0.0)
    s.observe("a", 10, 1, now=0.0)
    answers = iter([True, False])  # written, then closed
    calls: list[int] = []

    def written() -> bool:
        calls.append(1)
        return next(answers)

    assert not s.closed("a", written)
    assert s.closed("a", written)
    assert s.closed("a", written)  # remembered: no third look
    assert len(calls) == 2


def test_claim_put_back_returns_a_file_without_overwriting(tmp_path: Path) -> None:
    inbox, proc = tmp_path / "inbox", tmp_path / "processing"
    inbox.mkdir()
    proc.mkdir()
    (inbox / "a.docx").write_bytes(b"newer copy")  # the same name arrived meanwhile
    claimed = proc / "20261202T010101-0a0b0c0d__a.docx"
    claimed.write_bytes(b"still being written")
    back = claim.put_back(claimed, inbox / "a.docx")
    assert back == inbox / "a (2).docx" and back.read_bytes() == b"still being written"
    assert (inbox / "a.docx").read_bytes() == b"newer copy" and not claimed.exists()
