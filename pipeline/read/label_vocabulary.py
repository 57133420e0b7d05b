"""The form's vocabulary for the label parser: label text -> spec fields.

Every label, section title, group title and option label is read off
`pipeline.model.spec`; the only list kept here is `ALIASES`, the short ways a
person retyping the form writes a label. Also the check-box glyphs people use
and the official form's placeholder text, which the form builder writes and
readers must not take for a value.

Lookups try the exact normalised label first, then the label with its
abbreviated words spelt out, and only then a fuzzy match (rapidfuzz's
compiled Indel ratio, the LCS form of difflib's ratio) against an index
built once per process: `warm()` builds it in a reader's parent before the
limited child is forked, so no child rebuilds it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from pipeline.model import normalize
from pipeline.model.referral import SECTIONS, Kind
from pipeline.model.spec import FieldSpec, fields, groups

# Hint text of an empty field of the official form (`pipeline.forms_build.docx`).
PLACEHOLDER = "Sisestage tekst"
FUZZY = 0.85  # similarity (0..1, Indel ratio) for a label with a small typo
_CUTOFF = FUZZY * 100  # the same on rapidfuzz's 0..100 scale

# How a referrer retyping the form shortens or rewords a label (normalised alias ->
# printed label). "=name"/"=relation" mean the name/relation column of the group in context.
ALIASES: dict[str, str] = {
    "kov": "Kohalik omavalitsus",
    "omavalitsus": "Kohalik omavalitsus",
    "tel": "Telefon",
    "tel nr": "Telefon",
    "telefoni nr": "Telefon",
    "telefoninumber": "Telefon",
    "mobiil": "Telefon",
    "e-mail": "E-post",
    "email": "E-post",
    "e-posti aadress": "E-post",
    "kool/lasteaed": "Lasteaed / kool",
    "kool": "Lasteaed / kool",
    "lasteaed": "Lasteaed / kool",
    "sünnikuupäev": "Sünniaeg",
    "lapse nimi": "Lapse ees- ja perekonnanimi",
    "vanema nimi": "Vanema / hooldaja nimi",
    "hooldaja nimi": "Vanema / hooldaja nimi",
    "nimi": "=name",
    "ees- ja perekonnanimi": "=name",
    "seos": "=relation",
}
# Abbreviated words inside a label ("Suunamise kp").
_WORDS: dict[str, str] = {"kp": "kuupäev", "kuup": "kuupäev", "tel": "telefon"}

BOX = re.compile(r"(☒|☑|✓|✔|✗|✘|■|☐|□|\[\s*[xX✓✔]?\s*\]|\(\s*[xX]?\s*\))")
_TICKED_BOX = re.compile(r"^(?:☒|☑|✓|✔|✗|✘|■|\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\))$")
_SECTION_PREFIX = re.compile(r"^(?:[a-h]|\d{1,2}|[ivx]{1,4})\s*[.)]\s*")
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)$")


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Lower case, one kind of dash, single spaces, no trailing `:`/`*`."""
    s = unicodedata.normalize("NFC", text).replace("\u00a0", " ").lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", s))
    return s.strip(" \t:*.")


@dataclass(frozen=True)
class Target:
    """What a label names: a field, or one option of a multi/choice field."""

    spec: FieldSpec
    code: str | None = None  # an option of a multi/choice field

    @property
    def is_tick(self) -> bool:
        return self.code is not None or self.spec.kind is Kind.BOOL


@cache
def _index() -> dict[str, tuple[Target, ...]]:
    idx: dict[str, list[Target]] = {}
    for f in fields():
        idx.setdefault(norm(f.label), []).append(Target(f))
        for code, label in f.options:
            idx.setdefault(norm(label), []).append(Target(f, code))
    for alias, label in ALIASES.items():
        if label.startswith("="):
            idx[alias] = [Target(f) for f in fields() if f.key.rsplit(".", 1)[-1] == label[1:]]
        else:
            idx[alias] = idx[norm(label)]
    return {k: tuple(v) for k, v in idx.items()}


def is_placeholder(value: str) -> bool:
    """Hint text of the official form's empty fields: printed, it is not a value."""
    return norm(value) == norm(PLACEHOLDER)


@cache
def companions() -> dict[str, Target]:
    """Text field key -> the option it describes ("Muu, täpsustage" -> problem_areas.other)."""
    out: dict[str, Target] = {}
    for f in fields():
        for code, label in f.options:
            for g in fields():
                if (g.kind is Kind.TEXT and g.section == f.section and not g.group
                        and norm(g.label).startswith(norm(label))):
                    out[g.key] = Target(f, code)
    return out


@cache
def _fuzzy_keys() -> tuple[str, ...]:
    """The index keys a typo may be matched to: printed labels, not the short aliases."""
    return tuple(k for k in _index() if k not in ALIASES)


@cache
def _option_keys() -> tuple[tuple[str, tuple[Target, ...]], ...]:
    """Index entries that only name options (for a label cut by a line wrap)."""
    return tuple((k, ts) for k, ts in _index().items() if all(t.code for t in ts))


@lru_cache(maxsize=8192)
def lookup(n: str, strict: bool = False) -> tuple[Target, ...]:
    """Targets of a normalised label: exact, then alias, then a small typo."""
    idx = _index()
    if not n or len(n) > 90:
        return ()
    if n not in idx:
        n = " ".join(_WORDS.get(w, w) for w in n.split(" "))
    if n in idx and not (strict and n in ALIASES):
        return idx[n]
    if len(n) >= 4:
        best = process.extractOne(n, _fuzzy_keys(), scorer=fuzz.ratio, score_cutoff=_CUTOFF)
        if best is not None:
            return idx[best[0]]
        if not strict and len(n) >= 15:  # an option label cut by a line wrap
            for k, targets in _option_keys():
                if k.startswith(n):
                    return targets
    stripped = _PAREN_TAIL.sub("", n)  # "Kohalik omavalitsus (vald/linn)"
    return lookup(stripped, strict) if stripped != n else ()


@cache
def _titles(kind: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Normalised section or group titles -> key, and the titles for fuzzy matching."""
    raw = SECTIONS if kind == "section" else {k: g.label for k, g in groups().items()}
    by_title: dict[str, str] = {}
    for key, title in raw.items():
        by_title.setdefault(norm(title), key)  # the first key wins, as in the spec's order
    return by_title, tuple(by_title)


@lru_cache(maxsize=8192)
def _title_match(text: str, kind: str) -> str | None:
    n = norm(text)
    if not n or len(n) > 60:
        return None
    n = _PAREN_TAIL.sub("", _SECTION_PREFIX.sub("", n))
    by_title, titles = _titles(kind)
    if n in by_title:
        return by_title[n]
    if len(n) < 5:
        return None
    best = process.extractOne(n, titles, scorer=fuzz.ratio, score_cutoff=_CUTOFF)
    return by_title[best[0]] if best is not None else None


def warm() -> None:
    """Build the label and title indexes now (in a parent, before forking readers)."""
    _fuzzy_keys()
    _option_keys()
    companions()
    _titles("section")
    _titles("group")


def section_of(text: str) -> str | None:
    """The section letter of a heading (`A. Suunaja andmed`, `SUUNAJA ANDMED`, `1. ...`)."""
    return _title_match(text, "section")


def group_of(text: str) -> str | None:
    """The group of a group heading (`Võrgustik`, `Vanemad / hooldajad`)."""
    return _title_match(text, "group")


def columns_of(text: str) -> tuple[Target, ...]:
    """Group columns a label may name, whatever the context."""
    return tuple(t for t in lookup(norm(text.replace("\n", " "))) if t.spec.group)


def plausible(kind: Kind, text: str) -> bool:
    """Could this line be a value of this kind? (A label's value line may be missing.)"""
    digits = sum(ch.isdigit() for ch in text)
    if kind is Kind.PHONE:
        return digits >= 5
    if kind is Kind.IDCODE:
        return digits >= 6
    if kind is Kind.DATE:
        return digits >= 1 and len(text) <= 40
    if kind is Kind.EMAIL:
        return "@" in text
    return True


def is_ticked(box: str) -> bool:
    return bool(_TICKED_BOX.match(box.strip()))


def checkbox_segments(text: str) -> list[tuple[bool, str]] | None:
    """`☒ vene ☐ eesti`, `Perekonflikt ☒`, `[X] Muu`, `X Perekonflikt` -> (ticked, text)."""
    s = text.strip()
    parts = BOX.split(s)
    if len(parts) < 3:
        if m := re.match(r"^[xX]\s+(\S.*)$", s):
            return [(True, m[1])]
        if m := re.match(r"^(.*\S)\s+[xX]$", s):
            return [(True, m[1])]
        return None
    boxes, texts = parts[1::2], parts[0::2]
    if not texts[0].strip():  # box before its label
        return [(is_ticked(b), t.strip()) for b, t in zip(boxes, texts[1:], strict=True)]
    if not texts[-1].strip():  # label before its box
        return [(is_ticked(b), t.strip()) for b, t in zip(boxes, texts[:-1], strict=True)]
    return None


def tick(value: str) -> bool:
    """A tick in a value cell: `X`, `☒`, `jah`; `☐ jah ☒ ei` is the ticked word."""
    segs = checkbox_segments(value)
    if segs and any(t for _, t in segs):
        return any(ticked and norm(t) not in ("ei", "no") for ticked, t in segs)
    s = value.strip()
    if not s:
        return False
    first = norm(s.split()[0]).strip(",;")
    return normalize.boolean(s) or normalize.boolean(first) or first == "jah"
