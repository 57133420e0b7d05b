"""Repeating groups, checkbox groups, the language choice and the factor boxes.

A mixin of `corpus_layout.Builder`, split off to keep modules small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus_blocks import C, P, T
from corpus_format import tick

from pipeline.model.spec import by_key

if TYPE_CHECKING:
    from corpus_layout import Builder

GROUP_COLUMNS = {
    "children": ["name", "id_code", "birth_date", "lives_with", "school"],
    "caregivers": ["name", "relation", "phone", "email", "address"],
    "network": ["name", "relation", "phone"],
}
COLUMN_WEIGHT = {"name": 4.0, "id_code": 2.9, "birth_date": 2.5, "lives_with": 3.0,
                 "school": 3.6, "relation": 2.2, "phone": 2.9, "email": 4.4, "address": 3.6}
FORM_ROWS = {"children": 4, "caregivers": 3, "network": 8}
ITEM_TITLE = {"children": "{n}. laps", "caregivers": "{n}. vanem / hooldaja",
              "network": "Võrgustiku liige {n}"}
GROUP_TITLE = {"caregivers": "Vanemad / hooldajad",
               "network": "Võrgustik (sugulased, sõbrad, naabrid)"}
SIDES = [("development", "Lapse arenguvajadused"), ("parenting", "Vanemlus"),
         ("environment", "Pere ja keskkond")]
PAGE_WIDTH = 16.0  # cm between the margins


class GroupMixin:
    def cell(self: Builder, key: str, item: dict[str, Any], index: int, col: str) -> str:
        if key == "children" and col == "birth_date" and not self.case.birth_shown[index]:
            return ""  # the isikukood says it; the referrer left the date empty
        return self.show(f"{key}[].{col}", item[col])

    def group(self: Builder, key: str) -> None:
        layout = self.s.network if key == "network" and self.s.network else self.s.groups
        items: list[dict[str, Any]] = self.value(key)
        cols = GROUP_COLUMNS[key]
        labels = [self.label(f"{key}[].{c}") for c in cols]
        if not items and not (layout == "header" and self.s.blank_rows):
            return  # the referrer deleted the empty table
        if key in GROUP_TITLE and layout in ("header", "transposed"):
            self.emit(P(GROUP_TITLE[key], "label"))
        cells = [[self.cell(key, it, i, c) for c in cols] for i, it in enumerate(items)]
        if layout == "header":
            rows: list[list[C | None]] = [[C(la, bold=True) for la in labels]]
            rows += [[C(v) for v in row] for row in cells]
            if self.s.blank_rows:
                rows += [[C("") for _ in cols] for _ in range(FORM_ROWS[key] - len(items))]
            weights = [COLUMN_WEIGHT[c] * self.rng.uniform(0.85, 1.15) for c in cols]
            self.emit(T(rows, [PAGE_WIDTH * w / sum(weights) for w in weights]))
        elif layout == "transposed":
            head: list[C | None] = [C("")]
            head += [C(ITEM_TITLE[key].format(n=i + 1), bold=True) for i in range(len(items))]
            rows = [head] + [[C(la)] + [C(row[j]) for row in cells]
                             for j, la in enumerate(labels)]
            rest = (PAGE_WIDTH - 4.5) / max(len(items), 1)
            self.emit(T(rows, [4.5] + [rest] * len(items)))
        else:
            for i, row in enumerate(cells):
                self.emit(P(ITEM_TITLE[key].format(n=i + 1), "label"))
                pairs = [(la, v) for la, v in zip(labels, row, strict=True)
                         if v or not self.s.drop_empty or c_required(key, cols[labels.index(la)])]
                if layout == "per_item_table":
                    self.emit(T([[C(la), C(v)] for la, v in pairs], list(self.s.widths)))
                else:
                    for la, v in pairs:
                        self.emit(P(f"{la}: {v}".rstrip()))

    def multi(self: Builder, key: str) -> None:
        spec = by_key()[key]
        chosen = set(self.value(key))
        title = self.label(key)
        m = self.s.multi
        if m == "listed":
            ticked = [lbl for code, lbl in spec.options if code in chosen]
            self.scalar(key, text="\n".join(ticked), long=True)
            return
        self.flush()
        other = self.s.inline_other and key == "problem_areas"

        def option_label(code: str, lbl: str) -> str:
            if other and code == "other":
                return f"{self.label('problem_other')}: {self.value('problem_other') or ''}"
            return lbl

        opts = [(code in chosen, option_label(code, lbl)) for code, lbl in spec.options]
        if m.startswith("lines"):
            self.emit(P(title, "label"))
            for on, lbl in opts:
                if m == "lines_after":
                    self.emit(P(f"{lbl} {tick(on, 'unicode')}"))
                else:
                    box = "brackets" if m == "lines_brackets" else "unicode"
                    self.emit(P(f"{tick(on, box)} {lbl}"))
        elif m == "table_box_first":
            self.emit(P(title, "label"))
            self.emit(T([[C(tick(on, "unicode")), C(lbl)] for on, lbl in opts], [1.2, 14.8]))
        else:
            style = "jah_ei" if m == "table_jah_ei" else "x_cell"
            rows: list[list[C | None]] = [[C(title, span=2, bold=True), None]]
            rows += [[C(lbl), C(tick(on, style))] for on, lbl in opts]
            self.emit(T(rows, [13.0, 3.0]))

    def language(self: Builder) -> None:
        key = "family_language"
        code = self.value(key)
        options = by_key()[key].options
        box = "brackets" if self.s.boxes == "brackets" else "unicode"
        if self.s.language == "text":
            self.scalar(key, text=dict(options)[code])
        elif self.s.language == "inline":
            self.scalar(key, text="  ".join(f"{tick(c == code, box)} {lbl}"
                                            for c, lbl in options))
        else:
            self.flush()
            self.emit(P(self.label(key), "label"))
            for c, lbl in options:
                self.emit(P(f"{tick(c == code, box)} {lbl}"))

    def factors(self: Builder) -> None:
        if self.s.factors == "grid":
            self.flush()
            rows: list[list[C | None]] = [
                [C(""), C("Riskitegurid", bold=True), C("Kaitsetegurid", bold=True)]]
            for side, title in SIDES:
                rows.append([C(title), C(self.value(f"factors.{side}.risk") or ""),
                             C(self.value(f"factors.{side}.protective") or "")])
            self.emit(T(rows, [3.6, 6.2, 6.2]))
            return
        for side, _ in SIDES:
            for kind in ("risk", "protective"):
                self.scalar(f"factors.{side}.{kind}", long=True)


def c_required(group: str, col: str) -> bool:
    return by_key()[f"{group}[].{col}"].required
