"""A file being copied is never taken half-written: a real writer process pauses 3 s
between chunks (longer than the stable time) against a running watcher."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from test_watch_e2e import PLR, env, form, ledger, read_until

from pipeline.extract import sha256_bytes

WRITER = r"""
import sys, time
from pathlib import Path
# argv: pause, then (path, data file, keep-open) triples; every file is written in 5
# chunks, all files side by side, `pause` seconds between chunks (4 pauses: longer
# than the old 10 s grace).
pause = float(sys.argv[1])
jobs = [(Path(sys.argv[i]), Path(sys.argv[i + 1]).read_bytes(), sys.argv[i + 2] == "1")
        for i in range(2, len(sys.argv), 3)]
handles = {p: p.open("wb") for p, _, keep in jobs if keep}
for n in range(5):
    for p, data, keep in jobs:
        part = data[n * len(data) // 5:(n + 1) * len(data) // 5]
        if keep:
            handles[p].write(part)
            handles[p].flush()
        else:  # a share that closes the file between chunks
            with p.open("ab") as fh:
                fh.write(part)
    if n < 4:
        time.sleep(pause)
for fh in handles.values():
    fh.close()
print("done", flush=True)
"""


def mail(data: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "suunaja@example.ee"
    msg["To"] = "plr@example.ee"
    msg["Subject"] = "Suunamine"
    msg.set_content("Vorm on manuses.\n")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename="vorm.pdf")
    return msg.as_bytes()


@pytest.mark.slow
def test_intake_slow_copy_pausing_3s_between_chunks_is_taken_whole(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    files = {
        "aeglane.docx": (form(11), "0"),  # closed between chunks: the zip directory tells
        "aeglane.pdf": (form(12, "pdf"), "0"),  # the %%EOF after the last startxref tells
        "aeglane.eml": (mail(form(13, "pdf")), "0"),  # the closing MIME boundary tells
        "avatud.docx": (form(14), "1"),  # kept open: the writer's open file tells
    }
    args: list[str] = []
    for name, (data, keep) in files.items():
        src = tmp_path / f"src-{name}"
        src.write_bytes(data)
        args += [str(inbox / name), str(src), keep]
    proc = subprocess.Popen([*PLR, "watch", "--log-json"], env=env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        read_until(proc, "watch_started")
        writer = subprocess.run([sys.executable, "-c", WRITER, "3", *args],
                                capture_output=True, text=True, timeout=60)
        assert writer.stdout.strip() == "done", writer.stderr
        deadline = time.monotonic() + 90
        while len(ledger(home)) < len(files) or any(o == "pending" for _, o, _ in ledger(home)):
            assert time.monotonic() < deadline, ledger(home)
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    rows = ledger(home)
    assert sorted(o for _, o, _ in rows) == ["registered"] * len(files), rows
    assert not (home / "quarantine").exists() or not list((home / "quarantine").iterdir())
    archived = {p.name: p.read_bytes() for p in (home / "archive").rglob("*") if p.is_file()}
    for name, (data, _) in files.items():
        assert sha256_bytes(archived[name]) == sha256_bytes(data), name  # whole, not cut
