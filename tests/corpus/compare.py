"""Score the readers against the robustness corpus, field by field.

Shared by `benchmarks/corpus_accuracy.py` and `tests/test_corpus.py`. Every
leaf of the expected referral is one field: each scalar, each cell of each
group row, and each code of a multi group (ticked or not). A row the reader
invented beyond the expected ones counts each filled cell as a wrong field.

Long texts read from a PDF are compared with all white space collapsed: a
printed page does not say whether a line ended because the referrer pressed
Enter or because the cell was full, so only DOCX files are held to the exact
paragraph breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Limits
from pipeline.model.referral import Kind
from pipeline.model.spec import GroupSpec, by_key, generic_key, items

CORPUS_DIR = Path(__file__).resolve().parent
TARGET = 0.98
TODAY = dt.date(2026, 11, 24)
Leaf = str | bool | None


@dataclass(frozen=True)
class FieldResult:
    key: str
    expected: Leaf
    actual: Leaf
    ok: bool


@dataclass
class FileScore:
    name: str
    fields: list[FieldResult] = field(default_factory=list)
    error: str | None = None  # the extraction's error code, when nothing was read

    @property
    def right(self) -> int:
        return sum(f.ok for f in self.fields)

    @property
    def total(self) -> int:
        return len(self.fields)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def wrong(self) -> list[FieldResult]:
        return [f for f in self.fields if not f.ok]


@dataclass
class CorpusScore:
    files: list[FileScore]

    @property
    def right(self) -> int:
        return sum(f.right for f in self.files)

    @property
    def total(self) -> int:
        return sum(f.total for f in self.files)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def worst_fields(self, n: int = 15) -> list[tuple[str, int, int]]:
        """(field key with rows generalised, wrong, seen) for the most often wrong fields."""
        wrong: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        for f in self.files:
            for r in f.fields:
                key = generic_key(r.key)
                seen[key] += 1
                wrong[key] += not r.ok
        ranked = sorted((k for k in wrong if wrong[k]), key=lambda k: (-wrong[k], k))
        return [(k, wrong[k], seen[k]) for k in ranked[:n]]


def _get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def leaves(referral: dict[str, Any] | None) -> dict[str, Leaf]:
    """Every field of a referral's JSON as `{key: scalar}` (multi codes as ticks)."""
    out: dict[str, Leaf] = {}
    if referral is None:
        return out
    for it in items():
        if isinstance(it, GroupSpec):
            for i, row in enumerate(referral.get(it.key) or []):
                for col in it.columns:
                    out[col.key_at(i)] = row.get(col.column)
        elif it.kind is Kind.MULTI:
            chosen = _get(referral, it.key) or []
            for code, _ in it.options:
                out[it.option_key(code)] = code in chosen
        else:
            out[it.key] = _get(referral, it.key)
    return out


def _loose(value: Leaf) -> Leaf:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def compare(expected: dict[str, Any], actual: dict[str, Any] | None,
            *, printed: bool) -> list[FieldResult]:
    """Field-by-field comparison; `printed` relaxes long-text line breaks (PDF)."""
    want, got = leaves(expected), leaves(actual)
    if actual is None:  # nothing read: even the empty fields were not read as empty
        return [FieldResult(key, value, None, False) for key, value in want.items()]
    keys = list(want) + [k for k, v in got.items() if k not in want and v not in (None, False)]
    out = []
    for key in keys:
        exp, act = want.get(key), got.get(key)
        spec = by_key().get(generic_key(key))
        if printed and spec is not None and spec.kind is Kind.LONGTEXT:
            ok = _loose(exp) == _loose(act)
        else:
            ok = exp == act
        out.append(FieldResult(key, exp, act, ok))
    return out


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    """The corpus documents: every file that has a `<name>.expected.json` beside it."""
    found = []
    for exp in sorted(directory.glob("*.expected.json")):
        stem = exp.name.removesuffix(".expected.json")
        found += [p for p in (directory / f"{stem}.docx", directory / f"{stem}.pdf")
                  if p.exists()]
    return found


def expected_for(path: Path) -> dict[str, Any]:
    import json

    text = (path.parent / f"{path.stem}.expected.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def score_file(path: Path, limits: Limits | None = None) -> FileScore:
    from pipeline.extract import extract_bytes  # the readers load their libraries late

    expected = expected_for(path)
    printed = path.suffix == ".pdf"
    try:
        results = extract_bytes(path.read_bytes(), name=path.name,
                                limits=limits or Limits(), today=TODAY)
    except Exception as exc:  # a reader bug: score the file as unread, keep measuring
        return FileScore(path.name, compare(expected, None, printed=printed),
                         f"crash:{type(exc).__name__}")
    first = results[0]
    actual = first.referral.model_dump(mode="json") if first.referral is not None else None
    fields = compare(expected, actual, printed=printed)
    return FileScore(path.name, fields, first.error.code if first.error else None)


def score_corpus(directory: Path = CORPUS_DIR, limits: Limits | None = None) -> CorpusScore:
    return CorpusScore([score_file(p, limits) for p in corpus_files(directory)])
