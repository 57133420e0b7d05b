"""The extraction contract: errors as data, exit statuses, size bound before reading."""

from __future__ import annotations

from pathlib import Path

from layout_fixtures import LAYOUT

from pipeline.config import Limits
from pipeline.extract import exit_status, extract_bytes, extract_file


def test_extract_file_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "suur.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    (result,) = extract_file(big, Limits(max_file_bytes=1000))
    assert result.error is not None and result.error.code == "too_large"
    assert "5009" in result.error.message and "1000" in result.error.message
    assert result.to_json()["source"] == {"file": "suur.pdf", "sha256": ""}
    assert exit_status([result]) == 2


def test_extract_file_missing_is_an_io_error(tmp_path: Path) -> None:
    (result,) = extract_file(tmp_path / "puudub.docx", Limits())
    assert result.error is not None and result.error.code == "io"
    assert "referral" not in result.to_json()


def test_extract_bytes_json_has_the_contract_keys(limits: Limits) -> None:
    fields = (LAYOUT / "tables.pdf").read_bytes()
    (result,) = extract_bytes(fields, name="tables.pdf", limits=limits)
    out = result.to_json()
    assert set(out) == {"source", "referral", "issues"}
    assert set(out["source"]) == {"file", "sha256", "format", "method"}
    assert out["source"]["method"] == "pdf-text" and len(out["source"]["sha256"]) == 64
    for issue in out["issues"]:
        assert set(issue) == {"code", "severity", "field", "message"}


def test_extract_exit_status_of_mixed_results(limits: Limits) -> None:
    good = (LAYOUT / "tables.pdf").read_bytes()
    ok = extract_bytes(good, name="a.pdf", limits=limits)
    broken = extract_bytes(b"not a form", name="b.pdf", limits=limits)
    assert exit_status(ok) == (1 if ok[0].has_errors else 0)
    assert exit_status(broken) == 2
    assert exit_status(ok + broken) == 1  # something was read, something was not
