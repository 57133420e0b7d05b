"""The blank form's layout, derived from the one form description.

Both renderers (PDF and DOCX) walk the same list of blocks, so that the two
files always carry the same fields, labels and order. Nothing here names a
field or a label: everything comes from `pipeline.model.spec`.

Layout decisions (shared by both formats):

* consecutive one-line fields of a section form one label | value table;
* a bool is a checkbox with its label beside it;
* a multi group is its label followed by one checkbox per option
  (field name `grounds.kinship_care`);
* `family_language` (the one choice field) is a drop-down (PDF combo box,
  DOCX drop-down list) whose entries are the printed labels (`eesti`,
  `vene`, `inglise`, `muu`); the value read back is the label;
* a long text is its label above a multi-line box;
* a repeating group is a table: a header row of labels, one row per entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import spec
from pipeline.model.referral import FORM_TITLE, FORM_VERSION, Kind
from pipeline.model.spec import FieldSpec, GroupSpec

TITLE = FORM_TITLE
VERSION = FORM_VERSION
FOOTER = f"Vormi versioon {FORM_VERSION}"
INTRO = (
    "Täitke vorm koos perega. Pere nõusolek on suunamise eeldus. "
    "Kuupäevad kujul pp.kk.aaaa."
)
DATE_HINT = "pp.kk.aaaa"


@dataclass(frozen=True)
class Heading:
    letter: str
    title: str

    @property
    def text(self) -> str:
        return spec.section_title(self.letter)


@dataclass(frozen=True)
class Scalars:
    """Label | value rows for one-line fields (text, date, choice...)."""

    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Check:
    field: FieldSpec


@dataclass(frozen=True)
class Multi:
    field: FieldSpec


@dataclass(frozen=True)
class Long:
    field: FieldSpec


@dataclass(frozen=True)
class Table:
    group: GroupSpec


Block = Heading | Scalars | Check | Multi | Long | Table


def blocks() -> list[Block]:
    """The form's blocks in print order."""
    out: list[Block] = []
    for letter, title, items in spec.sections():
        out.append(Heading(letter, title))
        run: list[FieldSpec] = []
        for it in items:
            if isinstance(it, FieldSpec) and _is_one_line(it):
                run.append(it)
                continue
            if run:
                out.append(Scalars(tuple(run)))
                run = []
            out.append(_block(it))
        if run:
            out.append(Scalars(tuple(run)))
    return out


def _is_one_line(f: FieldSpec) -> bool:
    return f.kind not in (Kind.BOOL, Kind.MULTI, Kind.LONGTEXT)


def _block(it: FieldSpec | GroupSpec) -> Block:
    if isinstance(it, GroupSpec):
        return Table(it)
    if it.kind is Kind.BOOL:
        return Check(it)
    if it.kind is Kind.MULTI:
        return Multi(it)
    return Long(it)


# Relative column widths of repeating-group tables, by kind: names and
# addresses need room, codes and dates less.
_WEIGHT = {
    Kind.TEXT: 1.3,
    Kind.IDCODE: 1.0,
    Kind.DATE: 0.85,
    Kind.PHONE: 1.0,
    Kind.EMAIL: 1.6,
}


def column_widths(group: GroupSpec, total: float) -> list[float]:
    """Widths of a group table's columns that add up to `total`."""
    weights = [_WEIGHT.get(c.kind, 1.0) * (1.25 if c.column == "name" else 1.0)
               for c in group.columns]
    scale = total / sum(weights)
    return [w * scale for w in weights]


def long_lines(f: FieldSpec) -> int:
    """How many text lines a long-text box offers on paper."""
    # The situation and the question carry the case; factors are shorter notes.
    return 7 if f.required else 4


def choice_labels(f: FieldSpec) -> list[str]:
    return [label for _, label in f.options]


def choice_hint(f: FieldSpec) -> str:
    """The options printed beside the drop-down, for a form filled on paper."""
    return "Valikud: " + " / ".join(choice_labels(f))


def choice_default(f: FieldSpec) -> str:
    """The label the blank form starts with: the model's default (`et` -> `eesti`)."""
    from pipeline.model.referral import Referral

    default = Referral.model_fields[f.key].default
    return next((label for code, label in f.options if code == default), f.options[0][1])
