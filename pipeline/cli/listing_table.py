"""The tables of `plr cases` and `plr intake`, readable in an 80-column terminal.

Those two lists have long free text (two children's names, a quarantine reason, an
Estonian file name) beside short fixed values (a case number, a date, a folder). A boxed
table of seven columns cannot hold them at 80 columns without breaking words in the
middle, so these tables are plain: columns two spaces apart, a rule under the headings.
When a row does not fit on its line, the table gives way in steps: short headings (KOV,
Koord.), then the free text on its own line under its row ("Lapsed: …", with the full
headings again if they fit then), then the date without the time. It takes the first
step that puts every row on one line, else the first whose rows are at most three lines
high, and never breaks a word in the middle unless it is longer than the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

GAP = 2  # spaces between columns
INDENT = 2  # a line under its row starts here
MAX_LINES = 3  # a row taller than this reads worse than its text on a line of its own


@dataclass(frozen=True)
class Column:
    header: str
    values: Sequence[str]
    short: str | None = None  # a shorter heading, for a narrow terminal
    narrow: Sequence[str] | None = None  # shorter values (the date without the time)
    whole: bool = False  # never wrapped: a case number, a date, a folder
    below: int | None = None  # may move under its row; lower moves first


@dataclass(frozen=True)
class _Layout:
    headers: list[str]
    cells: list[list[str]]  # per row, the columns that stay on the line
    whole: list[bool]
    below: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, per row)


def _layouts(cols: Sequence[Column]) -> Iterator[_Layout]:
    """The table's forms, from the widest to the narrowest."""
    movable = sorted((c for c in cols if c.below is not None), key=lambda c: c.below or 0)
    steps: list[tuple[bool, int, bool]] = [(False, 0, False), (True, 0, False)]
    for k in range(1, len(movable) + 1):
        steps += [(False, k, False), (True, k, False)]
    steps.append((True, len(movable), True))
    for short, moved, narrow in steps:
        out = movable[:moved]
        stay = [c for c in cols if c not in out]
        yield _Layout(
            headers=[(c.short or c.header) if short else c.header for c in stay],
            cells=[[str((c.narrow if narrow and c.narrow is not None else c.values)[i])
                    for c in stay] for i in range(len(cols[0].values))],
            whole=[c.whole for c in stay],
            below=[(c.header, list(c.values)) for c in cols if c in out])


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken at spaces; only a word longer than
    `width` is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cell_len(word) > width:
            if line:
                lines.append(line)
                line = ""
            cut = _cut(word, width)
            lines.append(word[:cut])
            word = word[cut:]
        if not line:
            line = word
        elif cell_len(line) + 1 + cell_len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _cut(word: str, width: int) -> int:
    used = 0
    for i, char in enumerate(word):
        used += cell_len(char)
        if used > width:
            return max(i, 1)
    return len(word)


def _longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split()), default=0)


def _widths(lay: _Layout, width: int) -> tuple[list[int], bool]:
    """Each column's width, and whether every word fits whole: the widest column gives way
    first, none below its longest word (a whole column: its longest value)."""
    columns = list(zip(lay.headers, *lay.cells, strict=True))
    least = [max([_longest_word(col[0]), 1] + [cell_len(v) if whole else _longest_word(v)
                                                for v in col[1:]])
             for col, whole in zip(columns, lay.whole, strict=True)]
    out = [max(cell_len(v) for v in col) for col in columns]
    room = width - GAP * (len(out) - 1)
    while sum(out) > room:
        slack = [i for i in range(len(out)) if out[i] > least[i]]
        if not slack:
            break
        i = max(slack, key=lambda k: (out[k] - least[k], k))
        out[i] -= 1
    fits = sum(out) <= room
    while sum(out) > room and max(out) > 1:  # no way round it: the longest words fold
        out[out.index(max(out))] -= 1
    return out, fits


def _tallest(lay: _Layout, widths: list[int]) -> int:
    return max((len(wrap(v, w)) for row in lay.cells for v, w in zip(row, widths, strict=True)),
               default=1)


def _choose(cols: Sequence[Column], width: int) -> tuple[_Layout, list[int]]:
    layouts = list(_layouts(cols))
    sized = [(lay, *_widths(lay, width)) for lay in layouts]
    # Best a form with every row on one line, else rows of a few lines, else any form
    # that breaks no word; the first of them, in the order of `_layouts`.
    for most in (1, MAX_LINES, None):
        for lay, widths, fits in sized:
            if fits and (most is None or _tallest(lay, widths) <= most):
                return lay, widths
    lay, widths, _ = sized[-1]
    return lay, widths


def _line(cells: list[list[str]], widths: list[int], n: int) -> str:
    parts = []
    for lines, w in zip(cells, widths, strict=True):
        text = lines[n] if n < len(lines) else ""
        parts.append(text + " " * (w - cell_len(text)))
    return (" " * GAP).join(parts).rstrip()


def _block(values: list[str], widths: list[int]) -> list[str]:
    cells = [wrap(v, w) for v, w in zip(values, widths, strict=True)]
    return [_line(cells, widths, n) for n in range(max(len(c) for c in cells))]


def render(title: str, cols: Sequence[Column], width: int) -> list[Text]:
    """The table's lines (title, headings, rule, rows), none wider than `width`."""
    lay, widths = _choose(cols, width)
    out = [Text(title, style="bold")]
    out += [Text(line, style="bold") for line in _block(lay.headers, widths)]
    out.append(Text("─" * min(width, sum(widths) + GAP * (len(widths) - 1))))
    for i, row in enumerate(lay.cells):
        out += [Text(line) for line in _block(row, widths)]
        for label, values in lay.below:
            if values[i] in ("", "—"):
                continue
            first, *rest = wrap(f"{label}: {values[i]}", width - INDENT)
            out.append(Text(" " * INDENT + first))
            out += [Text(" " * 2 * INDENT + line) for line in
                    wrap(" ".join(rest), width - 2 * INDENT)] if rest else []
    return out


def show(console: Console, title: str, cols: Sequence[Column]) -> None:
    for line in render(title, cols, console.width):
        console.print(line, soft_wrap=True, highlight=False)
