"""Structured event logs that name file hashes and case numbers only.

Every log line is one event: a short name (`claimed`, `registered`,
`quarantined`…) and a few fields. With `--log-json` each line is one JSON
object; otherwise `time level event key=value…`.

Confidentiality is guarded twice: callers pass only whitelisted fields
(hashes, case numbers, codes, counts, durations), and every string value
goes through `redact`, which blanks anything that looks like an isikukood,
an e-mail address or a phone number in case a bug lets one through. Names
cannot be recognised by pattern, which is why free text (file names,
exception messages) is never logged: only exception class names.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from typing import IO, Any

LOGGER_NAME = "plr"

# Values of these keys are logged as given (after `redact`); anything else is dropped.
SAFE_KEYS = frozenset(
    {
        "sha256", "case", "cases", "outcome", "code", "codes", "stage", "claim", "worker",
        "pid", "host", "count", "waiting", "in_progress", "done", "returned", "quarantined",
        "duplicates", "seconds", "attempt", "next_in", "workers", "mode", "home_ok", "first",
        "error", "signal", "recovered", "kind", "limit", "exit", "message_id", "pending",
        "tries", "retry_in", "register_down", "entries", "files", "source",
    }
)

_IDCODE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")
_EMAIL = re.compile(r"[^\s@\"'<>]+@[^\s@\"'<>]+")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d ()-]{5,}\d(?![\w-])")
# Hex digests (sha256, claim ids) are safe and must survive the phone pattern.
_HEX = re.compile(r"^[0-9a-f]{8,64}$")


def redact(text: str) -> str:
    """Blank what looks like an isikukood, e-mail or phone number."""
    if _HEX.match(text):
        return text
    text = _EMAIL.sub("[e-post]", text)
    text = _IDCODE.sub("[isikukood]", text)
    return _PHONE.sub("[telefon]", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return redact(str(value))


def safe_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: _clean(v) for k, v in fields.items() if k in SAFE_KEYS}


class _Formatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "plr_fields", {})
        event = redact(str(getattr(record, "plr_event", record.getMessage())))
        ts = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        if self.as_json:
            line = {"ts": ts, "level": record.levelname.lower(), "event": event, **fields}
            return json.dumps(line, ensure_ascii=False)
        pairs = " ".join(f"{k}={v}" for k, v in fields.items())
        return f"{ts} {record.levelname:<7} {event} {pairs}".rstrip()


def setup(
    *, as_json: bool = False, level: int = logging.INFO, stream: IO[str] | None = None
) -> None:
    """Configure the `plr` logger once per process (CLI entry, worker start)."""
    logger = logging.getLogger(LOGGER_NAME)
    for h in list(logger.handlers):
        logger.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Formatter(as_json))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    # The libraries (pypdf, pdfminer, …) warn about the files they read, in their own words,
    # which may quote a document. Their warnings become `library_warning` events that name
    # only the logger, so that no text of a referral reaches the log and JSON stays JSON.
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, _LibraryHandler):
            root.removeHandler(h)
    root.addHandler(_LibraryHandler())
    root.setLevel(logging.WARNING)
    # Off, then on: when an earlier setup left capturing on and someone has since put
    # another `warnings.showwarning` in place, `captureWarnings(True)` alone does nothing.
    logging.captureWarnings(False)
    logging.captureWarnings(True)


class _LibraryHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.name == LOGGER_NAME or record.name.startswith(LOGGER_NAME + "."):
            return
        event("library_warning", level=record.levelno,
              source=record.name.split(".")[0] if record.name != "py.warnings" else "python")


def event(name: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event; only `SAFE_KEYS` fields are kept, strings are redacted."""
    logging.getLogger(LOGGER_NAME).log(
        level, name, extra={"plr_event": name, "plr_fields": safe_fields(fields)}
    )


def warn(name: str, **fields: Any) -> None:
    event(name, level=logging.WARNING, **fields)


def error(name: str, **fields: Any) -> None:
    event(name, level=logging.ERROR, **fields)
