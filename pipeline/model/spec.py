"""The referral form's field list, derived from the pydantic models.

Nothing here repeats a label or a key: everything is read off
`pipeline.model.referral`. The form builder lays the form out from
`sections()`, readers map keys and labels through `FIELDS` and
`label_index()`, and the validator walks `FIELDS` for required fields.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from pipeline.model.referral import SECTIONS, Form, Kind, Options, Referral, Rows


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form.

    For a column of a repeating group, `key` is the key with an empty index
    (`children[].name`); `key_at(i)` gives the concrete key.
    """

    key: str
    label: str
    kind: Kind
    section: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    group: str | None = None  # "children" for children[].name
    group_label: str | None = None
    rows: int = 0

    @property
    def column(self) -> str:
        """The key inside a group row (`name` for `children[].name`)."""
        return self.key.rsplit(".", 1)[-1] if self.group else self.key

    def key_at(self, row: int) -> str:
        if self.group is None:
            return self.key
        return f"{self.group}[{row}].{self.column}"

    def option_key(self, code: str) -> str:
        """Field name of one checkbox of a multi group (`grounds.kinship_care`)."""
        return f"{self.key}.{code}"


@dataclass(frozen=True)
class GroupSpec:
    key: str
    label: str
    rows: int
    section: str
    columns: tuple[FieldSpec, ...]


def _walk(model: type[BaseModel], prefix: str) -> Iterator[FieldSpec | GroupSpec]:
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        form = next((m for m in info.metadata if isinstance(m, Form)), None)
        rows = next((m for m in info.metadata if isinstance(m, Rows)), None)
        options = next((m for m in info.metadata if isinstance(m, Options)), None)
        if form is not None:
            yield FieldSpec(
                key=key,
                label=form.label,
                kind=form.kind,
                section=form.section,
                required=form.required,
                options=options.items if options else (),
            )
        elif rows is not None:
            (item,) = typing.get_args(info.annotation)
            cols = tuple(
                FieldSpec(
                    key=f"{key}[].{c.key}",
                    label=c.label,
                    kind=c.kind,
                    section=c.section,
                    required=c.required,
                    group=key,
                    group_label=rows.label,
                    rows=rows.rows,
                )
                for c in _walk(item, "")
                if isinstance(c, FieldSpec)
            )
            yield GroupSpec(key, rows.label, rows.rows, rows.section, cols)
        elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            yield from _walk(info.annotation, f"{key}.")


@cache
def items() -> tuple[FieldSpec | GroupSpec, ...]:
    """Fields and groups in form order."""
    return tuple(_walk(Referral, ""))


@cache
def fields() -> tuple[FieldSpec, ...]:
    """Every field, group columns included, in form order."""
    out: list[FieldSpec] = []
    for it in items():
        out.extend(it.columns if isinstance(it, GroupSpec) else (it,))
    return tuple(out)


@cache
def groups() -> dict[str, GroupSpec]:
    return {it.key: it for it in items() if isinstance(it, GroupSpec)}


@cache
def by_key() -> dict[str, FieldSpec]:
    """Field by key; group columns under `children[].name`."""
    return {f.key: f for f in fields()}


def sections() -> list[tuple[str, str, list[FieldSpec | GroupSpec]]]:
    """(letter, title, items) in order, for laying out the form."""
    out: list[tuple[str, str, list[FieldSpec | GroupSpec]]] = []
    for letter, title in SECTIONS.items():
        out.append((letter, title, [it for it in items() if it.section == letter]))
    return out


_INDEX = re.compile(r"\[(\d+)\]")


def generic_key(key: str) -> str:
    """`children[2].name` -> `children[].name`."""
    return _INDEX.sub("[]", key)


def field_for(key: str) -> FieldSpec | None:
    """The field a concrete key (or a multi option key) belongs to."""
    g = generic_key(key)
    spec = by_key().get(g)
    if spec is None and "." in g:
        parent, code = g.rsplit(".", 1)
        spec = by_key().get(parent)
        if spec is None or code not in {c for c, _ in spec.options}:
            return None
    return spec


def all_form_keys() -> list[str]:
    """Every field name of the blank form: group rows expanded, one per multi option."""
    out: list[str] = []
    for f in fields():
        if f.group:
            out.extend(f.key_at(i) for i in range(f.rows))
        elif f.kind is Kind.MULTI:
            out.extend(f.option_key(code) for code, _ in f.options)
        else:
            out.append(f.key)
    return out


def section_title(letter: str) -> str:
    return f"{letter}. {SECTIONS[letter]}"
