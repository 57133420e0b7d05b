"""From a reader's flat key → raw value mapping to a normalised `Referral`.

Every reader (PDF fields, printed PDF, DOCX content controls, retyped DOCX)
produces the same `RawForm`: spec keys (`referrer.name`,
`children[1].id_code`, `grounds.kinship_care`) mapped to the text or tick it
found. This module is the one place that turns those into typed values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.model import isikukood, municipalities, normalize
from pipeline.model.referral import Kind, Referral
from pipeline.model.spec import FieldSpec, by_key, fields, groups

RawValue = str | bool | list[str] | None
_ROW_KEY = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
RawForm = Mapping[str, RawValue]


@dataclass
class Assembled:
    referral: Referral
    # key -> the text as typed, for values that could not be read as their kind
    unreadable: dict[str, str] = field(default_factory=dict)


def _as_text(value: RawValue) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, list):
        return "\n".join(value)
    return value


def _tick(value: RawValue) -> bool:
    return normalize.boolean(" ".join(value) if isinstance(value, list) else value)


def _scalar(spec: FieldSpec, key: str, value: RawValue, out: Assembled) -> Any:
    kind = spec.kind
    if kind is Kind.BOOL:
        return _tick(value)
    raw = _as_text(value)
    if kind is Kind.LONGTEXT:
        return normalize.longtext(raw)
    if kind is Kind.DATE:
        try:
            return normalize.parse_date(raw)
        except ValueError:
            out.unreadable[key] = normalize.text(raw) or ""
            return None
    if kind is Kind.PHONE:
        return normalize.phone(raw)[0]
    if kind is Kind.EMAIL:
        return normalize.email(raw)[0]
    if kind is Kind.IDCODE:
        s = normalize.text(raw)
        return re.sub(r"[\s-]", "", s) if s else None
    if kind is Kind.MUNICIPALITY:
        s = normalize.text(raw)
        return (municipalities.canonical(s) or s) if s else None
    return normalize.text(raw)


def _option_code(spec: FieldSpec, text: str) -> str | None:
    """A code from its code or its printed label (any case, extra words allowed)."""
    t = re.sub(r"\s+", " ", text).strip().lower().rstrip(".")
    for code, label in spec.options:
        if t in (code.lower(), label.lower()):
            return code
    for code, label in spec.options:
        if t.startswith(label.lower()) or (label.lower().startswith(t) and len(t) >= 4):
            return code
    return None


_LANGUAGE_WORDS = {
    "et": ("eesti", "estonian", "эстонский"),
    "ru": ("vene", "russian", "русский"),
    "en": ("inglise", "english", "английский"),
}


def _language(raw: RawForm, spec: FieldSpec, out: Assembled) -> str:
    ticked = [c for c, _ in spec.options if _tick(raw.get(spec.option_key(c)))]
    if ticked:
        return ticked[0]
    s = normalize.text(_as_text(raw.get(spec.key)))
    if not s:
        return "et"
    code = _option_code(spec, s)
    if code:
        return code
    low = s.lower()
    for code, words in _LANGUAGE_WORDS.items():
        if any(low.startswith(w[:4]) for w in words):
            return code
    return "other"


def _multi(raw: RawForm, spec: FieldSpec) -> list[str]:
    chosen: set[str] = set()
    value = raw.get(spec.key)
    listed: list[str] = []
    if isinstance(value, str):
        listed = [p for p in re.split(r"[;\n]", value) if p.strip()]
    elif isinstance(value, list):
        listed = value
    for item in listed:
        code = _option_code(spec, item)
        if code:
            chosen.add(code)
    for code, _ in spec.options:
        if _tick(raw.get(spec.option_key(code))):
            chosen.add(code)
    return [c for c, _ in spec.options if c in chosen]


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for p in parents:
        data = data.setdefault(p, {})
    data[last] = value


def assemble(raw: RawForm) -> Assembled:
    """Normalise a raw form. Never raises on what a referrer typed."""
    out = Assembled(Referral())
    data: dict[str, Any] = {}
    for spec in fields():
        if spec.group:
            continue
        if spec.kind is Kind.MULTI:
            _set(data, spec.key, _multi(raw, spec))
        elif spec.kind is Kind.CHOICE:
            _set(data, spec.key, _language(raw, spec, out))
        elif spec.key in raw:
            _set(data, spec.key, _scalar(spec, spec.key, raw[spec.key], out))
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in raw.items():
        m = _ROW_KEY.match(key)
        if not m or m[1] not in groups():
            continue
        column = by_key().get(f"{m[1]}[].{m[3]}")
        if column is None:
            continue
        rows.setdefault(m[1], {}).setdefault(int(m[2]), {})[m[3]] = _scalar(column, key, value, out)
    # A row whose cells are all empty is dropped (one with an unreadable date is kept,
    # so that the date can be named); `position` maps a form row to its kept index.
    position: dict[tuple[str, int], int] = {}
    for group, by_row in rows.items():
        kept = [
            i for i in sorted(by_row)
            if any(v is not None for v in by_row[i].values())
            or any(k.startswith(f"{group}[{i}].") for k in out.unreadable)
        ]
        position.update({(group, i): n for n, i in enumerate(kept)})
        data[group] = [by_row[i] for i in kept]
    out.unreadable = {_renumbered(key, position): text for key, text in out.unreadable.items()}
    for child in data.get("children", []):
        if child.get("birth_date") is None and child.get("id_code"):
            child["birth_date"] = isikukood.birth_date(child["id_code"])
    out.referral = Referral.model_validate(data)
    return out


def _renumbered(key: str, position: dict[tuple[str, int], int]) -> str:
    """`children[2].birth_date` -> `children[1].birth_date` when row 1 was dropped."""
    m = _ROW_KEY.match(key)
    if m is None or (m[1], int(m[2])) not in position:
        return key
    return f"{m[1]}[{position[(m[1], int(m[2]))]}].{m[3]}"
