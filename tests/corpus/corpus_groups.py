"""Repeating groups, checkbox groups, the language choice and the factor boxes.

Parts of `corpus_layout.Builder`, split off to keep modules small.
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


def _cell(b: Builder, key: str, item: dict[str, Any], index: int, col: str) -> str:
    if key == "children" and col == "birth_date" and not b.case.birth_shown[index]:
        return ""  # the isikukood says it; the referrer left the date empty
    return b.show(f"{key}[].{col}", item[col])


def group(b: Builder, key: str) -> None:
    layout = b.s.network if key == "network" and b.s.network else b.s.groups
    items: list[dict[str, Any]] = b.value(key)
    cols = GROUP_COLUMNS[key]
    labels = [b.label(f"{key}[].{c}") for c in cols]
    if not items and not (layout == "header" and b.s.blank_rows):
        return  # the referrer deleted the empty table
    if key in GROUP_TITLE and layout in ("header", "transposed"):
        b.emit(P(GROUP_TITLE[key], "label"))
    cells = [[_cell(b, key, it, i, c) for c in cols] for i, it in enumerate(items)]
    if layout == "header":
        rows: list[list[C | None]] = [[C(la, bold=True) for la in labels]]
        rows += [list[C | None]([C(v) for v in row]) for row in cells]
        if b.s.blank_rows:
            blank = FORM_ROWS[key] - len(items)
            rows += [list[C | None]([C("") for _ in cols]) for _ in range(blank)]
        weights = [COLUMN_WEIGHT[c] * b.rng.uniform(0.85, 1.15) for c in cols]
        b.emit(T(rows, [PAGE_WIDTH * w / sum(weights) for w in weights]))
    elif layout == "transposed":
        head: list[C | None] = [C("")]
        head += [C(ITEM_TITLE[key].format(n=i + 1), bold=True) for i in range(len(items))]
        rows = [head] + [list[C | None]([C(la)] + [C(row[j]) for row in cells])
                         for j, la in enumerate(labels)]
        rest = (PAGE_WIDTH - 4.5) / max(len(items), 1)
        b.emit(T(rows, [4.5] + [rest] * len(items)))
    else:
        for i, row in enumerate(cells):
            b.emit(P(ITEM_TITLE[key].format(n=i + 1), "label"))
            pairs = [(la, v) for la, v in zip(labels, row, strict=True)
                     if v or not b.s.drop_empty or c_required(key, cols[labels.index(la)])]
            if layout == "per_item_table":
                b.emit(T([[C(la), C(v)] for la, v in pairs], list(b.s.widths)))
            else:
                for la, v in pairs:
                    b.emit(P(f"{la}: {v}".rstrip()))


def multi(b: Builder, key: str) -> None:
    spec = by_key()[key]
    chosen = set(b.value(key))
    title = b.label(key)
    m = b.s.multi
    if m == "listed":
        ticked = [lbl for code, lbl in spec.options if code in chosen]
        b.scalar(key, text="\n".join(ticked), long=True)
        return
    b.flush()
    other = b.s.inline_other and key == "problem_areas"

    def option_label(code: str, lbl: str) -> str:
        if other and code == "other":
            return f"{b.label('problem_other')}: {b.value('problem_other') or ''}"
        return lbl

    opts = [(code in chosen, option_label(code, lbl)) for code, lbl in spec.options]
    if m.startswith("lines"):
        b.emit(P(title, "label"))
        for on, lbl in opts:
            if m == "lines_after":
                b.emit(P(f"{lbl} {tick(on, 'unicode')}"))
            else:
                box = "brackets" if m == "lines_brackets" else "unicode"
                b.emit(P(f"{tick(on, box)} {lbl}"))
    elif m == "table_box_first":
        b.emit(P(title, "label"))
        b.emit(T([[C(tick(on, "unicode")), C(lbl)] for on, lbl in opts], [1.2, 14.8]))
    else:
        style = "jah_ei" if m == "table_jah_ei" else "x_cell"
        rows: list[list[C | None]] = [[C(title, span=2, bold=True), None]]
        rows += [[C(lbl), C(tick(on, style))] for on, lbl in opts]
        b.emit(T(rows, [13.0, 3.0]))


def language(b: Builder) -> None:
    key = "family_language"
    code = b.value(key)
    options = by_key()[key].options
    box = "brackets" if b.s.boxes == "brackets" else "unicode"
    if b.s.language == "text":
        b.scalar(key, text=dict(options)[code])
    elif b.s.language == "inline":
        b.scalar(key, text="  ".join(f"{tick(c == code, box)} {lbl}"
                                        for c, lbl in options))
    else:
        b.flush()
        b.emit(P(b.label(key), "label"))
        for c, lbl in options:
            b.emit(P(f"{tick(c == code, box)} {lbl}"))


def factors(b: Builder) -> None:
    if b.s.factors == "grid":
        b.flush()
        rows: list[list[C | None]] = [
            [C(""), C("Riskitegurid", bold=True), C("Kaitsetegurid", bold=True)]]
        for side, title in SIDES:
            rows.append([C(title), C(b.value(f"factors.{side}.risk") or ""),
                         C(b.value(f"factors.{side}.protective") or "")])
        b.emit(T(rows, [3.6, 6.2, 6.2]))
        return
    for side, _ in SIDES:
        for kind in ("risk", "protective"):
            b.scalar(f"factors.{side}.{kind}", long=True)


def c_required(group: str, col: str) -> bool:
    return by_key()[f"{group}[].{col}"].required
