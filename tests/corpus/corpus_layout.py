"""Lay one synthetic referral out the way one particular referrer retyped it.

`build(case, style, rng)` gives a list of neutral blocks (`P` paragraphs and
`T` tables with merged cells) that `corpus_docx` and `corpus_pdf` draw. The
labels are the spec's printed labels (read off the model), except where the
style asks for the abbreviations and typos people really type.
"""

from __future__ import annotations

import random
from typing import Any

import corpus_groups
from corpus_blocks import NOTES, SECTION_ITEMS, Block, C, P, Style, T
from corpus_data import Case
from corpus_format import ABBREVIATIONS, TYPOS, fmt_date, fmt_email, fmt_phone, tick
from corpus_groups import GROUP_COLUMNS

from pipeline.model.referral import SECTIONS
from pipeline.model.spec import by_key


class Builder:
    def __init__(self, case: Case, style: Style, rng: random.Random) -> None:
        self.case, self.s, self.rng = case, style, rng
        self.blocks: list[Block] = []
        self.pending_heading: str | None = None
        self.run: list[tuple[str, str, bool]] = []  # (label, value, long) awaiting a table

    # --- values -------------------------------------------------------------
    def value(self, key: str) -> Any:
        node: Any = self.case.data
        for part in key.split("."):
            node = node[part]
        return node

    def label(self, key: str) -> str:
        spec_key = key
        text = by_key()[spec_key].label
        mode = self.s.labels
        if mode in ("abbrev", "both") and key in ABBREVIATIONS:
            text = ABBREVIATIONS[key]
        if mode in ("typos", "both") and key in TYPOS:
            text = TYPOS[key]
        if mode == "lower":
            text = text.lower()
        return text

    def show(self, key: str, raw: Any) -> str:
        kind = by_key()[key].kind.value
        if raw is None:
            return ""
        if kind == "date":
            return fmt_date(raw, self.rng.choice(self.s.dates))
        if kind == "phone":
            return fmt_phone(raw, self.rng.choice(self.s.phones))
        if kind == "email":
            return fmt_email(raw, self.s.email)
        if kind == "municipality":
            forms = self.case.municipality_forms
            return forms[self.s.municipality % len(forms)]
        return str(raw)

    # --- output -------------------------------------------------------------
    def emit(self, block: Block) -> None:
        if self.pending_heading is not None:
            heading, self.pending_heading = self.pending_heading, None
            if isinstance(block, T):
                width = len(block.widths)
                row: list[C | None] = [C(heading, span=width, bold=True)]
                block.rows.insert(0, row + [None] * (width - 1))
            else:
                self.blocks.append(P(heading, "heading"))
        self.blocks.append(block)

    def flush(self) -> None:
        """Turn the collected label/value pairs into the style's scalar layout."""
        run, self.run = self.run, []
        if not run:
            return
        s = self.s
        if s.scalars in ("para", "stacked"):
            for label, value, long in run:
                if s.scalars == "para" and not long:
                    self.emit(P(f"{label}: {value}".rstrip()))
                else:
                    self.emit(P(label + (":" if s.scalars == "para" else ""), "label"))
                    for line in value.split("\n") if value else [""]:
                        self.emit(P(line))
            return
        a, b = s.widths
        rows: list[list[C | None]]
        half: list[C | None] = []
        if s.scalars == "table2":
            rows = [[C(self.colon(la)), C(v)] for la, v, _ in run]
            self.emit(T(rows, [a, b]))
        elif s.scalars == "table3m":
            rows = [[C(self.colon(la), span=2), None, C(v)] for la, v, _ in run]
            self.emit(T(rows, [a / 2, a / 2, b]))
        else:  # table4: two short pairs a row, long values over three cells
            rows = []
            for la, v, long in run:
                if long:
                    if half:
                        rows.append([*half, C(""), C("")])
                        half = []
                    rows.append([C(self.colon(la)), C(v, span=3), None, None])
                else:
                    half += [C(self.colon(la)), C(v)]
                    if len(half) == 4:
                        rows.append(half)
                        half = []
            if half:
                rows.append([*half, C(""), C("")])
            self.emit(T(rows, [a * 0.55, b * 0.45, a * 0.55, b * 0.45]))

    def colon(self, label: str) -> str:
        return label + ":" if self.s.colon else label

    def scalar(self, key: str, text: str | None = None, long: bool = False) -> None:
        raw = self.value(key)
        shown = text if text is not None else self.show(key, raw)
        if not shown and self.s.drop_empty and not by_key()[key].required:
            return  # the referrer deleted the empty optional row
        self.run.append((self.label(key), shown, long))

    def boolean(self, key: str) -> None:
        value = bool(self.value(key))
        if self.s.scalars.startswith("table"):
            self.scalar(key, tick(value, self.s.boxes))
            return
        if self.s.boxes in ("unicode", "brackets"):
            self.flush()
            self.emit(P(f"{tick(value, self.s.boxes)} {self.label(key)}"))
        else:
            self.scalar(key, tick(value, self.s.boxes))

    # --- sections -----------------------------------------------------------
    def heading(self, letter: str) -> str:
        title = SECTIONS[letter]
        number = "ABCDEFGH".index(letter) + 1
        return {"letter": f"{letter}. {title}", "caps": title.upper(),
                "number": f"{number}. {title}", "plain": title}[self.s.heading]

    def build(self) -> list[Block]:
        s = self.s
        self.blocks.append(P(s.title, "title"))
        if s.notes:
            self.blocks.append(P(NOTES["top"], "note"))
        for letter, keys in SECTION_ITEMS.items():
            self.flush()
            text = self.heading(letter)
            if s.heading_look == "merged_row" and s.scalars.startswith("table"):
                self.pending_heading = text
            else:
                self.blocks.append(P(text, "heading"))
            if s.notes and letter in NOTES:
                self.emit(P(NOTES[letter], "note"))
            for key in keys:
                self.item(key)
            self.flush()
        if s.notes:
            self.blocks.append(P(NOTES["end"], "note"))
        self.blocks.append(P("Vormi versioon PLR-2026.1", "note"))
        return self.blocks

    def item(self, key: str) -> None:
        if key in GROUP_COLUMNS:
            self.flush()
            corpus_groups.group(self, key)
        elif key in ("grounds", "problem_areas"):
            corpus_groups.multi(self, key)
        elif key == "family_language":
            corpus_groups.language(self)
        elif key == "factors":
            corpus_groups.factors(self)
        elif key == "problem_other" and self.s.inline_other:
            return
        else:
            kind = by_key()[key].kind.value
            if kind == "bool":
                self.boolean(key)
            else:
                self.scalar(key, long=kind == "longtext")


def build(case: Case, style: Style, rng: random.Random) -> list[Block]:
    return Builder(case, style, rng).build()
