"""The time log's vocabulary: activities, durations as people type them, notes without names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.errors import PipelineError
from pipeline.i18n import ByLang

# The activities a coordinator's time is recorded under, in the order a statement lists them.
ACTIVITIES: dict[str, str] = {
    "preparation": "ettevalmistus",
    "family": "kohtumine perega",
    "network": "kohtumine võrgustikuga",
    "conference": "lahendusring",
    "follow_up": "järelkohtumine",
    "documents": "dokumentide koostamine",
    "travel": "sõit",
}
ACTIVITY_ALIASES = {"meeting_family": "family", "meeting_network": "network",
                    "followup": "follow_up", "documentation": "documents"}
MAX_MINUTES = 24 * 60
MAX_NOTE = 200

_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|t|min|m)", re.IGNORECASE)
_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_IDCODE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")


class BadTime(PipelineError):
    code = "bad_time_entry"


def _activities(lang: str) -> str:
    """The activity codes for an error message; the Estonian labels only in Estonian."""
    if lang == "et":
        return ", ".join(f"{k} ({v})" for k, v in ACTIVITIES.items())
    return ", ".join(ACTIVITIES)


def activity(code: str) -> str:
    """The activity's code, or BadTime listing the codes."""
    key = code.strip().lower().replace("-", "_")
    key = ACTIVITY_ALIASES.get(key, key)
    if key not in ACTIVITIES:
        raise BadTime.of("err.bad_activity", code="bad_activity", text=code[:30],
                         allowed=ByLang(_activities))
    return key


def parse_duration(text: str) -> int:
    """Minutes from `1h30m`, `90m`, `1,5h`, `1:30` or `45`; a leading minus for a correction."""
    raw = text.strip().replace(" ", "")
    sign = -1 if raw.startswith("-") else 1
    raw = raw.lstrip("+-")
    minutes: float
    if m := _CLOCK.fullmatch(raw):
        minutes = int(m.group(1)) * 60 + int(m.group(2))
    elif raw.isdigit():
        minutes = int(raw)
    else:
        parts = _PART.findall(raw)
        if not parts or "".join(n + u for n, u in parts).lower() != raw.lower():
            raise BadTime.of("err.bad_duration", code="bad_duration", text=text[:20])
        minutes = sum(float(n.replace(",", ".")) * (60 if u.lower() in ("h", "t") else 1)
                      for n, u in parts)
    total = sign * round(minutes)
    if total == 0 or abs(total) > MAX_MINUTES:
        raise BadTime.of("err.duration_range", code="bad_duration")
    return total


def format_minutes(minutes: int) -> str:
    """`1 h 30 min`, `45 min`, `-30 min`."""
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    if h and m:
        return f"{sign}{h} h {m} min"
    return f"{sign}{h} h" if h else f"{sign}{m} min"


def check_note(note: str | None, names: Iterable[str]) -> str | None:
    """A short neutral note: no isikukood, none of the case's people named."""
    if note is None or not note.strip():
        return None
    text = " ".join(note.split())
    if len(text) > MAX_NOTE:
        raise BadTime.of("err.note_long", code="bad_note", max=MAX_NOTE)
    if _IDCODE.search(text):
        raise BadTime.of("err.note_idcode", code="bad_note")
    folded = text.casefold()
    for name in names:
        for part in name.split():
            # First names and surnames of the case's people, as whole words.
            if len(part) >= 3 and re.search(rf"(?<!\w){re.escape(part.casefold())}(?!\w)",
                                            folded):
                raise BadTime.of("err.note_names", code="bad_note")
    return text
