"""No single file stops the watcher: names that are not UTF-8, names near NAME_MAX, links,
FIFOs, sockets, device files, hard links and a 3 GB (sparse) file, each a real file-system
object handed to the real `plr watch --once` process; and restarts over what a previous run
left in processing/."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_watch_e2e import PLR, env, form

from pipeline.intake import claim
from pipeline.register.ledger import _CLAIM_PREFIX


def once(home: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    return subprocess.run([*PLR, "watch", "--once", "--log-json"], env=env(home),
                          capture_output=True, text=True, timeout=timeout)


def rows(home: Path) -> list[tuple[str, str, list[str], str | None]]:
    con = sqlite3.connect(home / "data" / "plr.sqlite3")
    try:
        got = con.execute("select file_name, outcome, codes, reason from intake_ledger "
                          "order by id").fetchall()
    finally:
        con.close()
    return [(_CLAIM_PREFIX.sub("", f), o, json.loads(c), r) for f, o, c, r in got]


def entries(folder: Path) -> list[str]:
    """Names (as bytes-faithful str) of every entry, links and FIFOs included."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_ok(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]


def test_intake_name_not_utf8_is_registered_and_stored_escaped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    raw = b"suunamine na\xefve \xff.docx"  # Latin-1 bytes from an old Windows share
    with open(os.path.join(os.fsencode(home / "inbox"), raw), "wb") as fh:
        fh.write(form(1))
    assert_ok(once(home))
    ((name, outcome, _, _),) = rows(home)
    assert outcome == "registered"
    assert name == "suunamine na\\xefve \\xff.docx"
    (case_dir,) = (home / "archive").iterdir()
    assert os.listdir(os.fsencode(case_dir)) == [raw]  # the original bytes, on disk
    assert_ok(once(home))  # and a restart is calm


def test_intake_restart_finishes_what_a_crash_left_in_processing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    dead = home / "processing" / "vana-host-1-abc"  # a watcher that died: no lock held
    dead.mkdir(parents=True)
    bad = os.fsdecode(b"20261201T101010-0a0b0c0d__kiri \xe4.docx")
    (dead / bad).write_bytes(form(2))
    os.mkfifo(dead / "20261201T101011-0a0b0c0e__toru.pdf")
    os.symlink("/etc/passwd", dead / "20261201T101012-0a0b0c0f__viide.pdf")
    assert_ok(once(home))
    got = {n: (o, c) for n, o, c, _ in rows(home)}
    assert got["kiri \\xe4.docx"][0] == "registered"
    assert got["toru.pdf"] == ("quarantined", ["fifo"])
    assert got["viide.pdf"] == ("quarantined", ["symlink"])
    assert entries(home / "processing") == []  # nothing left behind, no lock folders
    assert_ok(once(home))


def test_intake_restart_tidies_the_work_folder_of_a_file_placed_before_a_crash(
        tmp_path: Path) -> None:
    """Killed after the file was archived and before its work folder went: the folder
    holds only its marks, and nothing will ever claim it again."""
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    dead = home / "processing" / "vana-host-2-abc"
    done = dead / "20261201T101010-0a0b0c0d.work"
    done.mkdir(parents=True)
    (done / ".complete").write_bytes(b"")
    kept = dead / "20261201T101011-0a0b0c0e.work"  # not only marks: left for a person
    kept.mkdir()
    (kept / "PLR-2026-0001 kokkuvõte.docx").write_bytes(b"x")
    assert_ok(once(home))
    left = [p.name for p in (home / "processing").rglob("*") if p.name != ".lock"]
    assert "20261201T101010-0a0b0c0d.work" not in left and ".complete" not in left
    assert "PLR-2026-0001 kokkuvõte.docx" in left


def test_intake_name_of_250_bytes_is_shortened_on_disk_kept_whole_in_ledger(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    long = "Suunamine " + "ä" * 117 + ".docx"  # 249 bytes in UTF-8
    assert len(os.fsencode(long)) == 249
    (home / "inbox" / long).write_bytes(form(3))
    bad_long = "katki " + "õ" * 120 + ".pdf"  # 250 bytes, quarantined with a reason file
    (home / "inbox" / bad_long).write_bytes(b"%PDF-1.4\ngarbage\n%%EOF\n")
    assert_ok(once(home))
    got = {n: o for n, o, _, _ in rows(home)}
    assert got == {long: "registered", bad_long: "quarantined"}
    (archived,) = (p for d in (home / "archive").iterdir() for p in d.iterdir())
    assert archived.suffix == ".docx" and len(os.fsencode(archived.name)) <= claim.NAME_BYTES
    assert archived.name.startswith("Suunamine ää")
    reasons = list((home / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == 1 and len(os.fsencode(reasons[0].name)) <= 255


def test_intake_links_fifos_sockets_devices_are_quarantined_as_themselves(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    secret = tmp_path / "mujal.docx"  # a real form elsewhere: a link to it is not an arrival
    secret.write_bytes(form(4))
    os.symlink(secret, inbox / "viide.docx")
    os.symlink(tmp_path / "puudub.pdf", inbox / "katkine viide.pdf")
    os.symlink(tmp_path, inbox / "kausta viide")
    os.mkfifo(inbox / "toru.pdf")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sokkel.eml"))
    device = True
    try:
        os.mknod(inbox / "seade.docx", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        device = False  # not root: the other kinds still show the behaviour
    try:
        assert_ok(once(home, timeout=120))
    finally:
        sock.close()
    got = {n: (o, c) for n, o, c, _ in rows(home)}
    want = {"viide.docx": ("quarantined", ["symlink"]),
            "katkine viide.pdf": ("quarantined", ["symlink"]),
            "kausta viide": ("quarantined", ["symlink"]),
            "toru.pdf": ("quarantined", ["fifo"]),
            "sokkel.eml": ("quarantined", ["socket"])}
    if device:
        want["seade.docx"] = ("quarantined", ["device"])
    assert got == want
    q = home / "quarantine"
    assert os.readlink(q / "viide.docx") == str(secret)  # the link itself, not a copy
    assert stat.S_ISFIFO(os.lstat(q / "toru.pdf").st_mode)
    assert stat.S_ISSOCK(os.lstat(q / "sokkel.eml").st_mode)
    for name in want:
        text = (q / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert "ei loetud" in text or "ei järgita" in text
    assert secret.read_bytes() == form(4)  # never moved, never read as a referral
    assert entries(inbox) == [] and not list((home / "archive").rglob("*.*"))


def test_intake_hard_link_archive_keeps_an_independent_copy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    elsewhere = tmp_path / "jagatud.docx"
    elsewhere.write_bytes(form(5))
    os.link(elsewhere, home / "inbox" / "jagatud.docx")
    assert_ok(once(home))
    ((_, outcome, _, _),) = rows(home)
    assert outcome == "registered"
    (archived,) = (p for d in (home / "archive").iterdir() for p in d.iterdir())
    assert os.stat(archived).st_nlink == 1 and os.stat(elsewhere).st_nlink == 1
    with elsewhere.open("r+b") as fh:  # edited in place, on the same inode as before
        fh.write(b"XXXX")
    assert archived.read_bytes() == form(5)


def test_intake_3gb_sparse_file_refused_by_size_without_reading(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    big = home / "inbox" / "suur.pdf"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: no disk used
    (home / "inbox" / "hea.docx").write_bytes(form(6))
    # Peak memory of the watcher and its workers, measured by a parent of their own.
    probe = ("import resource, subprocess, sys; "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "sys.stderr.write(r.stderr); "
             "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    run = subprocess.run([sys.executable, "-c", probe, *PLR, "watch", "--once", "--log-json"],
                         env=env(home), capture_output=True, text=True, timeout=120)
    code, peak_kb = map(int, run.stdout.split())
    assert code == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert peak_kb < 400 * 1024  # nowhere near the 3 GB
    got = {n: (o, c, r) for n, o, c, r in rows(home)}
    assert got["hea.docx"][0] == "registered"
    outcome, codes, reason = got["suur.pdf"]
    assert (outcome, codes) == ("quarantined", ["too_large"])
    assert reason is not None and "3221225472 baiti" in reason
    assert (home / "quarantine" / "suur.pdf").stat().st_size == 3 * 1024**3


@pytest.mark.parametrize("name", ["a" * 255, "ä" * 127 + ".x"])
def test_claim_short_name_fits_and_keeps_extension(name: str) -> None:
    short = claim.short_name(name)
    assert len(os.fsencode(short)) <= claim.NAME_BYTES
    assert short.encode("utf-8")  # whole characters: no half of an ä
    assert claim.short_name(name + "b") != short
