"""Broken and hostile files: a clear Estonian error with a code, bounded, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import Limits
from pipeline.errors import NotAReferral, PipelineError, ResourceLimit, UnreadableFile
from pipeline.extract import exit_status, extract_bytes
from pipeline.forms_build.docx import build_docx
from pipeline.forms_build.fill import fill_docx, fill_pdf, referral_to_raw
from pipeline.forms_build.pdf import build_pdf
from pipeline.model.referral import Referral
from pipeline.read import safety
from pipeline.read.docx_reader import DocxReader
from pipeline.read.pdf_reader import PdfReader

BAD = Path(__file__).parent / "fixtures" / "bad"
ESTONIAN_WORDS = re.compile(r"\b(fail|faili|ei|on|liiga|lugeda|saa|kiri)\b", re.IGNORECASE)

# file -> the codes that are a right answer (a sniffing change may move one to the other)
EXPECTED: dict[str, set[str]] = {
    "empty.pdf": {"empty"},
    "random.pdf": {"unknown_format"},
    "random-with-header.pdf": {"corrupt"},
    "truncated.pdf": {"corrupt", "not_a_referral"},
    "truncated.docx": {"unknown_format", "corrupt"},
    "encrypted.pdf": {"encrypted"},
    "bomb-declared.docx": {"zip_bomb"},
    "bomb-ratio.docx": {"zip_bomb"},
    "bomb-lying.docx": {"zip_bomb", "corrupt"},
    "bomb.pdf": {"pdf_bomb", "memory", "timeout"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_files_give_a_coded_estonian_error_quickly(
    name: str, limits: Limits, today: dt.date
) -> None:
    data = (BAD / name).read_bytes()
    start = time.monotonic()
    (out,) = extract_bytes(data, name=name, limits=limits, today=today)
    elapsed = time.monotonic() - start
    assert out.error is not None
    assert out.error.code in EXPECTED[name]
    assert ESTONIAN_WORDS.search(out.error.message)
    assert "Traceback" not in out.error.message
    assert elapsed < 10
    assert exit_status([out]) == 2


def test_bad_files_docx_bombs_are_resource_limits(limits: Limits) -> None:
    for name in ("bomb-declared.docx", "bomb-ratio.docx"):
        with pytest.raises(ResourceLimit) as exc:
            DocxReader().read((BAD / name).read_bytes(), limits)
        assert exc.value.code == "zip_bomb"


def test_bad_files_docx_lying_sizes_never_inflate_past_the_budget(limits: Limits) -> None:
    data = (BAD / "bomb-lying.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.getinfo("word/document.xml").file_size == 4096  # the lie
    with pytest.raises(UnreadableFile):
        safety.unpack_docx(data, limits)


def test_bad_files_docx_entry_count_limit(limits: Limits) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for i in range(30):
            zf.writestr(f"word/media/x{i}.xml", b"<a/>")
        zf.writestr("word/document.xml", b"<a/>")
    with pytest.raises(ResourceLimit) as exc:
        safety.unpack_docx(out.getvalue(), limits.model_copy(update={"max_zip_entries": 20}))
    assert exc.value.code == "zip_entries"


def test_bad_files_docx_members_come_back_within_budget(limits: Limits) -> None:
    members = safety.unpack_docx(build_docx(), limits)
    assert members["word/document.xml"].startswith(b"<?xml")


def test_bad_files_pdf_bomb_is_stopped_before_pdfminer(limits: Limits) -> None:
    with pytest.raises(ResourceLimit) as exc:
        PdfReader().read((BAD / "bomb.pdf").read_bytes(), limits)
    assert exc.value.code == "pdf_bomb"


def test_bad_files_pdf_bomb_under_a_small_stream_budget(limits: Limits) -> None:
    """The screen counts every Flate stream against `max_pdf_stream_bytes`."""
    small = limits.model_copy(update={"max_pdf_stream_bytes": 10})
    with pytest.raises(ResourceLimit) as exc:
        PdfReader().read((BAD / "not-a-referral.pdf").read_bytes(), small)
    assert exc.value.code == "pdf_bomb"


def test_bad_files_pdf_page_limit(referral: Referral, limits: Limits) -> None:
    data = (BAD / "not-a-referral.pdf").read_bytes()
    with pytest.raises(ResourceLimit) as exc:
        PdfReader().read(data, limits.model_copy(update={"max_pdf_pages": 0}))
    assert exc.value.code == "too_many_pages"


def test_bad_files_encrypted_error_names_no_person(referral: Referral, limits: Limits) -> None:
    with pytest.raises(UnreadableFile) as exc:
        PdfReader().read((BAD / "encrypted.pdf").read_bytes(), limits)
    assert referral.referrer.name and referral.referrer.name not in exc.value.message
    assert exc.value.code == "encrypted"


@pytest.mark.parametrize("name", ["not-a-referral.pdf", "not-a-referral.docx"])
def test_bad_files_other_documents_are_not_a_referral(name: str, limits: Limits) -> None:
    pytest.importorskip("pipeline.read.pdf_layout" if name.endswith("pdf")
                        else "pipeline.read.docx_layout")
    reader = PdfReader() if name.endswith("pdf") else DocxReader()
    with pytest.raises(NotAReferral):
        reader.read((BAD / name).read_bytes(), limits)


# --- run_limited ----------------------------------------------------------------------------


def _hog() -> int:
    blocks = [bytearray(16 * 1024 * 1024) for _ in range(64)]  # 1 GB
    return len(blocks)


def _sleep() -> int:
    time.sleep(30)
    return 0


def _refuse() -> int:
    raise NotAReferral("Ei ole vorm.", code="not_a_referral", field="x")


def _crash() -> int:
    raise KeyError("isikukood 61811230128")  # a library message that must not leak


def test_run_limited_returns_the_result() -> None:
    assert safety.run_limited(sum, [1, 2, 3], seconds=10, memory_mb=256) == 6


def test_run_limited_memory_limit() -> None:
    with pytest.raises(ResourceLimit) as exc:
        safety.run_limited(_hog, seconds=20, memory_mb=200)
    assert exc.value.code == "memory"


def test_run_limited_timeout_kills_the_child() -> None:
    start = time.monotonic()
    with pytest.raises(ResourceLimit) as exc:
        safety.run_limited(_sleep, seconds=0.5, memory_mb=256)
    assert exc.value.code == "timeout"
    assert time.monotonic() - start < 5


def test_run_limited_pipeline_errors_cross_over() -> None:
    with pytest.raises(NotAReferral) as exc:
        safety.run_limited(_refuse, seconds=10, memory_mb=256)
    assert (exc.value.code, exc.value.message, exc.value.field) == (
        "not_a_referral", "Ei ole vorm.", "x")


def test_run_limited_crash_is_unreadable_without_the_library_message() -> None:
    with pytest.raises(UnreadableFile) as exc:
        safety.run_limited(_crash, seconds=10, memory_mb=256)
    assert exc.value.code == "corrupt"
    assert "61811230128" not in exc.value.message


def _children() -> set[int]:
    """This process's children, zombies included (Linux /proc)."""
    out: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        out |= {int(pid) for pid in (task / "children").read_text().split()}
    return out


def test_run_limited_leaves_no_child_behind() -> None:
    # Other tests' helpers (a LibreOffice pool, servers) may have children of their own:
    # only what run_limited adds counts.
    before = _children()
    with pytest.raises(ResourceLimit):
        safety.run_limited(_sleep, seconds=0.2, memory_mb=256)
    assert _children() <= before


# --- fuzz: damaged forms never escape as anything but PipelineError ---------------------------


@pytest.fixture(scope="module")
def filled() -> tuple[bytes, bytes]:
    from pipeline.samples import sample_referral

    raw = referral_to_raw(sample_referral())
    return fill_pdf(build_pdf(), raw), fill_docx(build_docx(), raw)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bad_files_damaged_forms_raise_only_pipeline_errors(
    data: st.DataObject, filled: tuple[bytes, bytes], limits: Limits
) -> None:
    which = data.draw(st.sampled_from([0, 1]))
    doc = bytearray(filled[which])
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(doc) - 1))
        doc[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(doc) // 2, len(doc)))
    reader = PdfReader() if which == 0 else DocxReader()
    try:
        reader.read(bytes(doc[:cut]), limits)
    except PipelineError as exc:
        assert exc.message and exc.code


# --- the CLI: exit status 0 / 1 / 2, JSON, no traceback ----------------------------------------


def _cli(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(path), "--json", "--home", str(home)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent,
    )


def test_bad_files_cli_exit_codes(tmp_path: Path, referral: Referral) -> None:
    raw = referral_to_raw(referral)
    good = tmp_path / "korras.pdf"
    good.write_bytes(fill_pdf(build_pdf(), raw))
    no_consent = tmp_path / "nousolekuta.docx"
    no_consent.write_bytes(fill_docx(build_docx(), {**raw, "consent.given": False}))
    bomb = tmp_path / "pomm.docx"
    bomb.write_bytes((BAD / "bomb-ratio.docx").read_bytes())

    ok = _cli(good, tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["source"]["method"] == "pdf-fields"

    errors = _cli(no_consent, tmp_path)
    assert errors.returncode == 1
    assert "E06" in [i["code"] for i in json.loads(errors.stdout)["issues"]]

    unreadable = _cli(bomb, tmp_path)
    assert unreadable.returncode == 2
    assert json.loads(unreadable.stdout)["error"]["code"] == "zip_bomb"
    for proc in (ok, errors, unreadable):
        assert "Traceback" not in proc.stderr


# --- the kept worker (issue 11) ------------------------------------------------------------


def _pid() -> int:
    return os.getpid()


def _hog_mb(mb: int) -> int:
    block = bytearray(mb * 1024 * 1024)
    return len(block) // (1024 * 1024)


def test_run_limited_reuses_one_worker_not_a_fork_per_call() -> None:
    first = safety.run_limited(_pid, seconds=10, memory_mb=256)
    assert first != os.getpid()
    assert safety.run_limited(_pid, seconds=10, memory_mb=256) == first


def test_run_limited_memory_limit_holds_in_a_reused_worker() -> None:
    # A call that used 150 MB does not leave the next one with less, nor let it use more.
    assert safety.run_limited(_hog_mb, 150, seconds=20, memory_mb=200) == 150
    assert safety.run_limited(_hog_mb, 150, seconds=20, memory_mb=200) == 150
    with pytest.raises(ResourceLimit) as exc:
        safety.run_limited(_hog, seconds=20, memory_mb=200)
    assert exc.value.code == "memory"
    assert safety.run_limited(sum, [1, 2], seconds=10, memory_mb=256) == 3  # a new worker


GC_PROBE = """
import gc
from pipeline.read import safety
print(gc.get_freeze_count(), gc.get_threshold()[0])
frozen = safety.run_limited(gc.get_freeze_count, seconds=10, memory_mb=256)
threshold = safety.run_limited(gc.get_threshold, seconds=10, memory_mb=256)
print(frozen, threshold[0])
print(gc.get_freeze_count(), gc.get_threshold()[0])
"""


def test_run_limited_worker_keeps_what_it_inherited_out_of_the_collector() -> None:
    # The kept reader collects only what the reads make, and seldom (see `_serve`); in a
    # process of its own, as a watcher's worker is, whose collector the suite has not tuned.
    out = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    before, child, after = (tuple(map(int, line.split())) for line in out.stdout.split("\n")[:3])
    assert before == (0, 700)  # Python's defaults in the parent
    assert child[0] > 10_000 and child[1] == 10_000  # every module the parent had imported
    assert after == before  # the parent is left as it was


def test_run_limited_timeout_kills_the_worker_and_the_next_call_has_a_new_one() -> None:
    before = safety.run_limited(_pid, seconds=10, memory_mb=256)
    with pytest.raises(ResourceLimit):
        safety.run_limited(_sleep, seconds=0.3, memory_mb=256)
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # killed and reaped
    after = safety.run_limited(_pid, seconds=10, memory_mb=256)
    assert after not in (before, os.getpid())


def test_run_limited_unpicklable_function_still_runs_in_a_child() -> None:
    ours = os.getpid()
    assert safety.run_limited(lambda: os.getpid() != ours, seconds=10, memory_mb=256)


def test_run_limited_worker_ends_with_its_parent() -> None:
    code = ("from pipeline.read import safety\n"
            "import os\n"
            "print(safety.run_limited(os.getpid, seconds=10, memory_mb=256), flush=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parent.parent)
    worker = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    status = Path(f"/proc/{worker}/status")
    while time.monotonic() < deadline:
        try:  # gone, or a zombie its new parent has not reaped yet
            if "\nState:\tZ" in status.read_text():
                return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    raise AssertionError("the worker outlived its parent")
