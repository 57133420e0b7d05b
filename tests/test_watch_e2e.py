"""End to end with the real `plr watch` process: arrivals of every kind, bursts, bad files,
SIGTERM, SIGKILL at random moments, two watchers on one inbox, and what the logs say."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.samples import sample_referral

ROOT = Path(__file__).resolve().parents[1]
PLR = [sys.executable, "-m", "pipeline"]
BURST = int(os.environ.get("PLR_TEST_BURST", "200"))
CRASH_RUNS = int(os.environ.get("PLR_TEST_CRASH_RUNS", "12"))


def env(home: Path, **extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    e.update(PLR_HOME=str(home), PLR_STABLE_SECONDS="0.3", PLR_RESCAN_SECONDS="2",
             PYTHONPATH=str(ROOT), **extra)
    return e


def form(i: int, kind: str = "docx", *, bad: bool = False) -> bytes:
    """A distinct synthetic referral (its own child and referrer), filled into the form."""
    raw = {k: v for k, v in referral_to_raw(sample_referral()).items()
           if not k.startswith("children[1]")}
    raw["referrer.email"] = "" if bad else f"suunaja{i}@example.ee"
    raw["children[0].name"] = f"Laps Number{i}"
    raw["children[0].id_code"] = ""
    raw["children[0].birth_date"] = f"{1 + i % 28:02d}.0{1 + i % 9}.2016"
    blank = (ROOT / "forms" / f"suunamisvorm.{kind}").read_bytes()
    return fill_pdf(blank, raw) if kind == "pdf" else fill_docx(blank, raw)


def ledger_at(url: str) -> list[tuple[str, str, list[str]]]:
    """The intake ledger of any register (SQLite file or PostgreSQL)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as con:
            rows = con.execute(
                text("select file_name, outcome, cases from intake_ledger order by id"))
            return [(f, o, c if isinstance(c, list) else json.loads(c)) for f, o, c in rows]
    finally:
        engine.dispose()


def ledger(home: Path) -> list[tuple[str, str, list[str]]]:
    con = sqlite3.connect(home / "data" / "plr.sqlite3")
    try:
        rows = con.execute("select file_name, outcome, cases from intake_ledger order by id")
        return [(f, o, json.loads(c)) for f, o, c in rows]
    finally:
        con.close()


def placed(home: Path) -> list[Path]:
    out = []
    for sub in ("archive", "returned", "quarantine"):
        out += [p for p in (home / sub).rglob("*") if p.is_file()
                and not p.name.endswith(".reason.txt")]
    return out


def once(home: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLR, "watch", "--once", "--log-json", *args], env=env(home),
                          capture_output=True, text=True, timeout=timeout)


def start(home: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([*PLR, "watch", "--log-json", *args], env=env(home, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_until(proc: subprocess.Popen[str], marker: str, count: int = 1) -> str:
    """The watcher's log (stderr) up to the `count`-th line with `marker`."""
    assert proc.stderr is not None
    log = ""
    while log.count(marker) < count:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"watcher ended: {log[-2000:]}"
        log += line
    return log


def wait_for(cond: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def docs_complete(home: Path) -> None:
    import zipfile

    for p in (home / "outbox").rglob("*.docx"):
        with zipfile.ZipFile(p) as zf:
            assert zf.testzip() is None


@pytest.mark.slow
def test_watch_arrivals_slow_chunked_renamed_moved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = start(home)
    try:
        inbox = home / "inbox"
        time.sleep(1.5)
        data = form(1, "pdf")
        with (inbox / "aeglane.pdf").open("wb") as fh:  # copied slowly, in chunks
            for i in range(0, len(data), len(data) // 8 + 1):
                fh.write(data[i:i + len(data) // 8 + 1])
                fh.flush()
                time.sleep(0.15)
        tmp = inbox / "ümbernimetatud.docx.part"
        tmp.write_bytes(form(2))
        tmp.rename(inbox / "ümbernimetatud.docx")  # browser download finishing
        other = tmp_path / "mujal.docx"
        other.write_bytes(form(3))
        shutil.move(other, inbox / "teisest kaustast.docx")
        (inbox / "~$lukk.docx").write_bytes(b"owner file")
        wait_for(lambda: len(placed(home)) == 3)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert sorted(o for _, o, _ in ledger(home)) == ["registered"] * 3
    assert (home / "inbox" / "~$lukk.docx").exists()
    assert len(list((home / "outbox").glob("PLR-*"))) == 3
    docs_complete(home)


@pytest.mark.slow
def test_watch_burst_with_bad_files_all_accounted_for(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    names: list[str] = []
    for i in range(BURST):
        kind = "pdf" if i % 3 == 0 else "docx"
        (inbox / f"s{i:03d}.{kind}").write_bytes(form(i, kind, bad=i % 10 == 7))
        names.append(f"s{i:03d}.{kind}")
    bad = {"katki.pdf": b"%PDF-1.4\n1 0 obj garbage\n%%EOF\n", "tühi.docx": b"",
           "pilt.png": b"\x89PNG\r\n\x1a\n" + b"0" * 100, "kiri.txt": "Tere! Ööbik".encode()}
    for n, b in bad.items():
        (inbox / n).write_bytes(b)
    # s000.pdf's referral again: as a DOCX it is a re-send (same case, new version),
    # as the same PDF bytes a duplicate.
    (inbox / "koopia.docx").write_bytes(form(0, "docx"))
    (inbox / "koopia.pdf").write_bytes(form(0, "pdf"))
    result = once(home)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = ledger(home)
    assert len(rows) == BURST + len(bad) + 2
    counts = Counter(o for _, o, _ in rows)
    assert counts["returned"] == sum(1 for i in range(BURST) if i % 10 == 7)
    assert counts["duplicate"] == 1
    assert counts["quarantined"] == len(bad)
    assert counts["registered"] == BURST - counts["returned"] + 1
    assert len(placed(home)) == len(rows)
    assert not [p for p in (home / "inbox").iterdir()]
    for n in bad:
        assert (home / "quarantine" / f"{n}.reason.txt").exists()
    numbers = [c for _, o, cs in rows if o == "registered" for c in cs]
    assert len(set(numbers)) == len(numbers) - 1  # one case per referral; the re-send joins
    assert len(list((home / "outbox").glob("PLR-*"))) == len(set(numbers))
    docs_complete(home)


@pytest.mark.slow
def test_watch_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    rng = random.Random(5)
    total = 0
    for run in range(CRASH_RUNS):
        for j in range(4):
            i = run * 4 + j
            (inbox / f"r{i:03d}.docx").write_bytes(form(100 + i, "docx", bad=i % 5 == 4))
            total += 1
        proc = start(home, "--workers", "2")
        time.sleep(rng.uniform(0.8, 3.0))
        proc.kill()
        proc.communicate(timeout=30)
    result = once(home)  # the last start finishes whatever is left
    assert result.returncode == 0, result.stderr[-2000:]
    rows = ledger(home)
    assert len(rows) == total, "every file exactly one ledger entry"
    assert all(o in ("registered", "returned") for _, o, _ in rows)
    numbers = [c for _, o, cs in rows if o == "registered" for c in cs]
    assert len(numbers) == len(set(numbers)) == sum(1 for i in range(total) if i % 5 != 4)
    assert len(placed(home)) == total and not list(inbox.iterdir())
    for n in numbers:
        assert len(list((home / "outbox" / n).iterdir())) == 2
    con = sqlite3.connect(home / "data" / "plr.sqlite3")
    assert con.execute("select count(*) from cases").fetchone()[0] == len(numbers)
    con.close()
    assert not [p for p in (home / "processing").rglob("*") if p.is_file()
                and p.name != ".lock"]
    docs_complete(home)


@pytest.mark.slow
def test_watch_two_watchers_share_one_inbox_without_double_work(
    tmp_path: Path, db_url: str
) -> None:
    """Two watchers (as on two hosts) on one inbox and one register: SQLite, and the
    shared PostgreSQL server when PLR_TEST_DATABASE_URL is set."""
    home = tmp_path / "home"
    a = start(home, "--workers", "1", PLR_DATABASE_URL=db_url)
    b = start(home, "--workers", "1", PLR_DATABASE_URL=db_url)
    try:
        # Both must be up before the files land, or the first would rightly take them all.
        for p in (a, b):
            read_until(p, "watch_started")
        for i in range(30):
            (home / "inbox" / f"m{i:02d}.docx").write_bytes(form(300 + i))
        wait_for(lambda: len(placed(home)) == 30, timeout=180)
    finally:
        for p in (a, b):
            p.send_signal(signal.SIGTERM)
        logs = [p.communicate(timeout=30)[1] for p in (a, b)]
    rows = ledger_at(db_url)
    assert len(rows) == 30 and all(o == "registered" for _, o, _ in rows)
    numbers = sorted(n for _, _, cases in rows for n in cases)
    assert len(numbers) == len(set(numbers)) == 30
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 31))
    per_watcher = [sum(1 for line in log.splitlines() if '"event": "registered"' in line)
                   for log in logs]
    assert sum(per_watcher) == 30 and all(n > 0 for n in per_watcher)


@pytest.mark.slow
def test_watch_logs_name_no_person(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    ref = sample_referral()
    (inbox / "a.docx").write_bytes(form(1))
    (inbox / "b.pdf").write_bytes(form(2, "pdf", bad=True))
    (inbox / "c.pdf").write_bytes(b"%PDF-1.4 broken %%EOF")
    result = once(home)
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert {"claimed", "registered", "returned", "quarantined"} <= {x["event"] for x in lines}
    text = result.stderr + result.stdout
    secrets = [ref.referrer.name, ref.referrer.email, ref.referrer.phone, "Number1",
               "suunaja1@example.ee", "Laps"]
    secrets += [c.name for c in ref.caregivers] + [c.phone for c in ref.caregivers if c.phone]
    secrets += [n.name for n in ref.network]
    for s in secrets:
        assert s and s not in text
    assert "a.docx" not in text  # file names may carry names too: hashes only


def test_watch_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "outbox").write_text("not a folder")
    result = once(home, timeout=60)
    assert result.returncode == 2
    # The console wraps a long path (xdist's deeper tmp_path) at any character: unwrap it.
    assert "Viga:" in result.stderr and "outbox" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_watch_sigterm_finishes_files_in_hand_then_stops(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = start(home, "--workers", "2")
    for i in range(8):
        (home / "inbox" / f"t{i}.docx").write_bytes(form(500 + i))
    assert proc.stderr is not None
    for line in proc.stderr:
        if '"event": "claimed"' in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0 and '"event": "watch_stopped"' in rest
    rows = ledger(home)
    assert rows and all(o == "registered" for _, o, _ in rows)  # nothing left pending
    assert len(placed(home)) == len(rows)
    assert len(rows) + len(list((home / "inbox").iterdir())) == 8
    assert not [p for p in (home / "processing").rglob("*") if p.is_file()]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_watch_pdf_copies_beside_each_docx(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "a.docx").write_bytes(form(900))
    result = once(home, "--pdf")
    assert result.returncode == 0, result.stderr
    docx = sorted((home / "outbox").rglob("*.docx"))
    assert len(docx) == 2
    for d in docx:
        pdf = d.with_suffix(".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
def test_watch_polling_reports_a_vanished_share_and_carries_on(tmp_path: Path) -> None:
    """--polling (SMB/NFS shares give no file events): a share that disappears is
    reported, not a silent stop; when it is back, files are taken again."""
    home = tmp_path / "home"
    w = start(home, "--polling", "--workers", "1")
    inbox, away = home / "inbox", tmp_path / "unmounted"
    try:
        (inbox / "a.docx").write_bytes(form(700))
        wait_for(lambda: len(placed(home)) == 1)
        inbox.rename(away)  # the share goes away
        time.sleep(3)
        assert w.poll() is None, "the watcher stopped"
        away.rename(inbox)  # …and comes back
        (inbox / "b.docx").write_bytes(form(701))
        wait_for(lambda: len(placed(home)) == 2)
    finally:
        w.send_signal(signal.SIGTERM)
        _, err = w.communicate(timeout=30)
    events = [json.loads(line)["event"] for line in err.splitlines() if line.startswith("{")]
    assert "inbox_unavailable" in events and "inbox_available" in events
    assert events.index("inbox_unavailable") < events.index("inbox_available")
    assert events.count("registered") == 2


@pytest.mark.slow
def test_watch_folder_dropped_into_the_inbox_is_read(tmp_path: Path) -> None:
    """Attachments saved together in a folder, the folder moved into the inbox: every form
    in it (down to three levels) is taken; hidden folders are not looked into."""
    home = tmp_path / "home"
    staging = tmp_path / "salvestatud manused"
    (staging / "teine").mkdir(parents=True)
    (staging / "a.docx").write_bytes(form(700))
    (staging / "teine" / "b.pdf").write_bytes(form(701, "pdf"))
    (home / "inbox" / ".peidus").mkdir(parents=True)
    (home / "inbox" / ".peidus" / "c.docx").write_bytes(form(702))
    shutil.move(str(staging), str(home / "inbox" / staging.name))
    result = once(home)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = ledger(home)
    assert sorted(f.split("__", 1)[1] for f, _, _ in rows) == ["a.docx", "b.pdf"]
    assert all(o == "registered" for _, o, _ in rows)
    assert not [p for p in (home / "inbox" / staging.name).rglob("*") if p.is_file()]
    assert (home / "inbox" / ".peidus" / "c.docx").exists()
