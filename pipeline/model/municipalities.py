"""Estonia's 79 local governments, and matching what referrers type."""

from __future__ import annotations

import csv
import difflib
import re
from functools import cache
from importlib import resources

# Words a referrer adds around a municipality's name ("Türi vallavalitsus",
# "Tallinna Linnavalitsus", "Narva linna lastekaitse").
_NOISE = re.compile(
    r"\b(vallavalitsus|linnavalitsus|vallavalitsuse|linnavalitsuse|omavalitsus|"
    r"lastekaitse\w*|sotsiaal\w*)\b",
    re.IGNORECASE,
)


@cache
def names() -> tuple[str, ...]:
    with (
        resources.files("pipeline.model").joinpath("omavalitsused.csv").open(encoding="utf-8") as fh
    ):
        return tuple(row["nimi"] for row in csv.DictReader(fh))


def _stem(name: str) -> str:
    """`Türi vald` -> `türi`; `Tallinna linn` -> `tallinn`; `Tallinn` -> `tallinn`."""
    s = _NOISE.sub(" ", name.lower())
    s = re.sub(r"\b(vald|valla|linn|linna)\b", " ", s)
    s = re.sub(r"[^\wõäöüšž-]+", " ", s).strip()
    return re.sub(r"\s+", " ", s)


@cache
def _by_stem() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for n in names():
        out.setdefault(_stem(n), []).append(n)
        # Genitive forms referrers write: "Tallinna", "Narva-Jõesuu".
        if not n.endswith((" vald", " linn")):
            out.setdefault(_stem(n) + "a", []).append(n)
    return out


def canonical(text: str) -> str | None:
    """The canonical name for what a referrer typed, or None when unknown."""
    raw = re.sub(r"\s+", " ", text).strip()
    if not raw:
        return None
    for n in names():
        if n.lower() == raw.lower():
            return n
    low = raw.lower()
    wants_city = bool(re.search(r"\blinn", low))
    wants_parish = bool(re.search(r"\bvall", low))
    hits = _by_stem().get(_stem(raw), [])
    if len(hits) > 1:
        # Same stem as town and parish (Haapsalu linn / ...): the suffix decides.
        if wants_city:
            hits = [h for h in hits if not h.endswith(" vald")]
        elif wants_parish:
            hits = [h for h in hits if h.endswith(" vald")]
    return hits[0] if len(hits) == 1 else None


def nearest(text: str, max_edits: int = 1) -> str | None:
    """The one name `text` is within `max_edits` letters of, for a value read by OCR
    ("Türi vaid": a dotted i where the print has an l), or None when no name or more than
    one is that close. Typed values are not put right this way: the referrer is asked."""
    from rapidfuzz.distance import Levenshtein

    raw = re.sub(r"\s+", " ", text).strip()
    close = {n for n in names()
             if Levenshtein.distance(raw.lower(), n.lower(), score_cutoff=max_edits)
             <= max_edits}
    return close.pop() if len(close) == 1 else None


def suggestions(text: str, n: int = 3) -> list[str]:
    """The closest names, for the E08 message."""
    stems = {_stem(x): x for x in names()}
    close = difflib.get_close_matches(_stem(text), list(stems), n=n, cutoff=0.5)
    return [stems[s] for s in close]
