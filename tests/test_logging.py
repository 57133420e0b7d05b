"""The structured log: library warnings become events that quote no document text."""

from __future__ import annotations

import io
import json
import logging
import warnings

from pipeline import logging as log


def test_logging_library_warnings_become_events_without_their_text() -> None:
    buf = io.StringIO()
    log.setup(as_json=True, stream=buf)
    try:
        logging.getLogger("pypdf._reader").warning("Vigane objekt: Helju Tamm 49001010006")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("Säde Tamm", UserWarning, stacklevel=1)
        log.warn("register_unreachable", sha256="ab" * 32, tries=2, retry_in=10.0)
    finally:
        logging.captureWarnings(False)
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [(x["event"], x.get("source")) for x in lines] == [
        ("library_warning", "pypdf"), ("library_warning", "python"),
        ("register_unreachable", None)]
    assert lines[2]["tries"] == 2 and lines[2]["retry_in"] == 10.0
    assert "Tamm" not in buf.getvalue() and "49001010006" not in buf.getvalue()


def test_logging_setup_captures_warnings_again_after_another_took_them() -> None:
    # An earlier setup in this process left capturing on; then a test runner (or any
    # library) put its own `showwarning` in place. A new setup must take warnings back.
    log.setup(as_json=True, stream=io.StringIO())
    buf = io.StringIO()
    try:
        with warnings.catch_warnings(record=True):
            log.setup(as_json=True, stream=buf)
            warnings.simplefilter("always")
            warnings.warn("Säde Tamm", UserWarning, stacklevel=1)
    finally:
        logging.captureWarnings(False)
    events = [json.loads(line)["event"] for line in buf.getvalue().splitlines()]
    assert events == ["library_warning"] and "Tamm" not in buf.getvalue()
