"""Printed or retyped forms: layout blocks -> raw form keys, by the printed labels.

Referrers retype the form, delete rows and print it to PDF, so the only thing
left to go by is the Estonian label text; which text names which field is
`pipeline.read.label_vocabulary`.

Labels repeat (`Telefon` in A and C), so section headings, group headings
and the last group used set a context that decides between candidates.
Values are returned as typed; `pipeline.model.assemble` normalises them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.errors import NotAReferral
from pipeline.model.assemble import RawValue
from pipeline.model.referral import Kind
from pipeline.model.spec import FieldSpec, fields, groups
from pipeline.read.base import Block, Line, Table
from pipeline.read.label_vocabulary import (
    BOX,
    Target,
    checkbox_segments,
    columns_of,
    companions,
    group_of,
    is_placeholder,
    is_ticked,
    lookup,
    norm,
    plausible,
    section_of,
    tick,
)

MIN_LABELS = 5  # fewer distinct form labels than this: not a referral form
_NEXT_LABEL = re.compile(r"[.?!]\s+([A-ZÕÄÖÜŠŽ][^:.?!\t]{2,90})(?::|$)")


@dataclass
class _Parser:
    raw: dict[str, RawValue] = field(default_factory=dict)
    found: set[str] = field(default_factory=set)
    section: str | None = None
    group: str | None = None  # last group a label was read for
    heading_group: str | None = None  # group named by the last group heading
    opts: FieldSpec | None = None  # the multi/choice whose options follow
    pending: Target | None = None  # a label whose value is on the following lines
    buf: list[str] = field(default_factory=list)
    next_row: dict[str, int] = field(default_factory=dict)
    row: dict[str, tuple[int, set[str]]] = field(default_factory=dict)
    # The header of a group table that ended the last table: a page break may split it.
    carried: tuple[str, list[FieldSpec | None]] | None = None
    # Options of a multi field seen as bare labels under its label, taken as chosen (a
    # retyped list of choices) until a mark shows the list has marks: then they were not.
    provisional: dict[str, list[Target]] = field(default_factory=dict)
    marked: set[str] = field(default_factory=set)  # multi fields with a mark on an option
    # Where each value came from: raw key (without an option's code) -> the label text,
    # from the text each target was last resolved from.
    labels: dict[str, str] = field(default_factory=dict)
    said: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def _heard(self, t: Target | None, text: str) -> Target | None:
        if t is not None:
            # Without the "required" star and the colon: markers, not words of the label.
            self.said[(t.spec.key, t.code)] = " ".join(text.split()).strip(" :*")
        return t

    def _label(self, key: str, t: Target) -> None:
        # An option's own label ("Perekonflikt") says less than its field's, when seen.
        text = self.said.get((t.spec.key, None)) or self.said.get((t.spec.key, t.code))
        if text and (t.code is None or key not in self.labels):
            self.labels[key] = text

    # --- resolving labels -------------------------------------------------------------
    def _pick(self, targets: tuple[Target, ...]) -> Target | None:
        def score(t: Target) -> int:
            f = t.spec
            if t.code is not None and f.kind is Kind.CHOICE and self.opts is not f:
                return -100  # `muu`, `vene` are language options only after its label
            if (f.group and self.section and f.section != self.section
                    and f.column != "name" and f.group != self.group):
                return -100  # `Isikukood` in C is not a child's
            s = 16 if self.opts is not None and f is self.opts else 0
            s += 8 if f.group and f.group == self.group else 0
            s += 4 if f.section == self.section else 0
            return s + (0 if f.group else 2)

        best = max(targets, key=score, default=None)
        return best if best is not None and score(best) >= 0 else None

    def resolve(self, text: str, *, strict: bool = False) -> Target | None:
        if "\n" in text.strip() or BOX.search(text):
            return None
        return self._heard(self._pick(lookup(norm(text), strict)), text)

    def _option(self, text: str) -> Target | None:
        targets = tuple(t for t in lookup(norm(text)) if t.is_tick)
        return self._heard(self._pick(targets), text) if targets else None

    # --- writing values ---------------------------------------------------------------
    def _set(self, t: Target, value: RawValue) -> None:
        f = t.spec
        self.found.add(f.key)
        if self.group and groups()[self.group].section != f.section:
            self.group = None
        self.section = f.section  # a label tells where we are when headings are missing
        if isinstance(value, str):
            value = value.strip()
            if not value or is_placeholder(value):
                return
        if f.group:
            self.group = f.group
            self._label(self._put_column(f, value), t)
        else:
            self.raw[f.option_key(t.code) if t.code else f.key] = value
            self._label(f.key, t)

    def _put_column(self, f: FieldSpec, value: RawValue) -> str:
        g, col = f.group or "", f.column
        if g not in self.row or col in self.row[g][1]:  # a repeated column starts a row
            self.row[g] = (self.next_row.get(g, 0), set())
            self.next_row[g] = self.row[g][0] + 1
        self.row[g][1].add(col)
        key = f.key_at(self.row[g][0])
        self.raw[key] = value
        return key

    def flush(self) -> None:
        t, self.pending = self.pending, None
        text, self.buf = "\n".join(self.buf).strip(), []
        if t is not None and text and not t.is_tick and t.spec.kind is not Kind.MULTI:
            self._set(t, text)

    def _list_options(self, f: FieldSpec, value: str) -> None:
        """`Suunamise alus: Perekonflikt; Muu` (commas inside parentheses kept)."""
        for part in re.split(r"[;\n]|,(?![^()]*\))", value):
            opt = next((t for t in lookup(norm(part)) if t.spec is f and t.code), None)
            if opt is not None:
                self._set(opt, True)

    def assign(self, t: Target, value: str, *, complete: bool) -> None:
        """A value found beside its label; `complete` when it cannot continue below."""
        self.flush()
        f = t.spec
        self.found.add(f.key)
        if t.is_tick:
            if value.strip() or complete:
                self._set(t, tick(value))
            else:
                self.pending = t
        elif f.kind in (Kind.MULTI, Kind.CHOICE):
            self.opts = f
            segs = checkbox_segments(value) if value.strip() else None
            if segs is not None:
                self._ticks(segs)
            elif f.kind is Kind.CHOICE and value.strip():
                self._set(t, value)
            elif value.strip():
                self._list_options(f, value)
            else:
                self.pending = t
        elif value.strip() and (complete or f.kind is not Kind.LONGTEXT):
            self._set(t, value)
        else:
            self.pending, self.buf = t, [value] if value.strip() else []

    def _ticks(self, segs: list[tuple[bool, str]]) -> bool:
        done = False
        for ticked, text in segs:
            text = text.strip(" \t:;,")
            t = self._option(text) if text else None
            if t is not None:
                self._set(t, ticked)
                self._marked(t)
                done = True
            elif ":" in text:  # "☒ Muu: kiusamine", "☒ Muu, täpsustage: kiusamine"
                left, right = text.split(":", 1)
                t = self._option(left)
                other = self.resolve(left)
                if t is not None:
                    self._set(t, ticked)
                    other = next((Target(f) for f in fields()
                                  if companions().get(f.key) == t), None)
                elif other is not None and other.spec.key in companions():
                    self._set(companions()[other.spec.key], ticked)
                if other is not None and not other.is_tick:
                    self._set(other, right)
                done = done or t is not None or other is not None
        return done

    def _marked(self, t: Target) -> None:
        """An option of `t`'s field carried a mark: bare labels of that field are unticked."""
        key = t.spec.key
        if t.spec.kind is not Kind.MULTI or key in self.marked:
            return
        self.marked.add(key)
        for bare in self.provisional.pop(key, []):
            if bare.code != t.code:
                self._set(bare, False)

    def unmarked_lists(self) -> None:
        """Every option of a field listed bare and none marked: the marks did not survive
        (a print without its check boxes), so nothing is known to be chosen."""
        for bare in self.provisional.values():
            f = bare[0].spec
            if len(f.options) > 2 and {t.code for t in bare} >= {c for c, _ in f.options}:
                for t in bare:
                    if t.code:
                        self.raw.pop(f.option_key(t.code), None)

    # --- lines --------------------------------------------------------------------------
    def line(self, text: str) -> None:
        s = text.strip()
        if not s:
            return
        if "\t" in s:  # tab-separated: a row of a table without borders
            self.row_cells(s.split("\t"))
            return
        for m in _NEXT_LABEL.finditer(s):
            # A printed paragraph runs on into the next label: "...vanematega? Tingimused...:"
            if self.resolve(m[1], strict=True) is not None:
                self.line(s[: m.start(1)])
                self.line(s[m.start(1):])
                return
        longtext = self.pending is not None and self.pending.spec.kind is Kind.LONGTEXT
        if (sec := section_of(s)) is not None:
            self.flush()
            self.section, self.group, self.heading_group, self.opts = sec, None, None, None
            self.row.clear()
            return
        if (grp := group_of(s)) is not None:
            self.flush()
            self.heading_group = self.group = grp
            self.row.clear()
            return
        segs = checkbox_segments(s)
        if segs is not None:
            pending = self.pending
            if self._ticks(segs):
                if self.pending is pending:
                    self.flush()
                return
        if ":" in s:
            left, right = s.split(":", 1)
            t = self.resolve(left, strict=longtext)
            if t is not None:
                self.assign(t, right, complete=False)
                return
        box = BOX.search(s)
        if box is not None and (t := self.resolve(s[: box.start()])) is not None:
            self.assign(t, s[box.start():], complete=False)  # "Pere suhtluskeel ☒ vene ☐ eesti"
            return
        t = self.resolve(s, strict=longtext)
        if t is not None:
            p = self.pending
            if t.code and t.spec.key in self.marked and t.spec.kind is Kind.MULTI:
                self.flush()
                self._set(t, False)  # a bare option among marked ones: "X Perekonflikt"
                return
            if t.code and p is not None and p.spec is t.spec and p.code is None:
                self._set(t, True)  # a list of chosen labels under the group's label
                self.provisional.setdefault(t.spec.key, []).append(t)
                return
            self.assign(t, "", complete=False)
            return
        self._value_line(s)

    def _value_line(self, s: str) -> None:
        if self.pending is None:
            return  # instructions, notes, the title: not part of the form's data
        if self.pending.is_tick:
            if checkbox_segments(s) or norm(s).split(" ")[0] in ("jah", "ei", "x"):
                self._set(self.pending, tick(s))
            self.pending, self.buf = None, []
            return
        if not self.buf and not plausible(self.pending.spec.kind, s):
            self.pending = None  # "Telefon:" left empty; this line is something else
            return
        self.buf.append(s)
        if self.pending.spec.kind is not Kind.LONGTEXT:
            self.flush()

    # --- tables -------------------------------------------------------------------------
    def row_cells(self, cells: list[str]) -> None:
        cells = [c.strip() for c in cells]
        if len(cells) > 1 and self.pending is not None and self.pending.spec.kind is Kind.MULTI:
            self.pending = None  # in a table a bare option label has its tick cell beside it
        if sum(1 for c in cells if c) <= 1:
            for ln in next((c for c in cells if c), "").split("\n"):
                self.line(ln)
            return
        k = 0
        while k < len(cells):
            cell = cells[k]
            t = self.resolve(cell.replace("\n", " ")) if cell else None
            if t is not None and section_of(cell) is None and k + 1 < len(cells):
                self.assign(t, cells[k + 1], complete=True)
                k += 2
                continue
            if BOX.fullmatch(cell) and k + 1 < len(cells):
                opt = self._option(cells[k + 1])
                if opt is not None:  # | ☒ | Perekonflikt |
                    self._set(opt, is_ticked(cell))
                    k += 2
                    continue
            for ln in cell.split("\n"):
                self.line(ln)
            k += 1

    def _header(self, cells: list[str]) -> tuple[str, list[FieldSpec | None]] | None:
        """A header row of a group table: two or more column labels, little else."""
        per_cell = [
            tuple(t for t in lookup(norm(c.replace("\n", " "))) if t.spec.group and not t.code)
            for c in cells
        ]
        matched = sum(1 for ts in per_cell if ts)
        # Every cell a column label, but the first may be empty or a "Nr" column.
        if matched < 2 or not all(per_cell[1:]) or (len(cells[0]) > 5 and not per_cell[0]):
            return None
        votes = {g: sum(1 for ts in per_cell if any(t.spec.group == g for t in ts))
                 for g in groups()}
        best = max(votes.values())
        tied = [g for g, v in votes.items() if v == best]
        if self.heading_group in tied:
            group = self.heading_group or ""
        else:
            group = next((g for g in tied if g not in self.next_row), tied[0])
        cols = [next((t.spec for t in ts if t.spec.group == group), None) for ts in per_cell]
        if sum(1 for c in cols if c) < 2:
            return None
        for spec, cell in zip(cols, cells, strict=False):
            if spec is not None:
                self.said[(spec.key, None)] = " ".join(cell.split()).strip(" :*")
        return group, cols

    def _data_row(self, group: str, cols: list[FieldSpec | None], cells: list[str]) -> None:
        values = [(spec, cell) for spec, cell in zip(cols, cells, strict=False)
                  if spec is not None and cell.strip()]
        if not values:
            return  # an empty row of the blank form
        index = self.next_row.get(group, 0)
        self.next_row[group] = index + 1
        for spec, cell in values:
            self.found.add(spec.key)
            self.raw[spec.key_at(index)] = " ".join(cell.split("\n")).strip()
            self._label(spec.key_at(index), Target(spec))
        self.group, self.section = group, groups()[group].section

    def _continue_row(self, header: tuple[str, list[FieldSpec | None]],
                      cells: list[str]) -> bool:
        """A page break split the last row: `| | | Väike- |` then `| | | Maarja |`."""
        group, cols = header
        index = self.next_row.get(group, 0) - 1
        filled = [(spec, c) for spec, c in zip(cols, cells, strict=False) if c.strip()]
        if index < 0 or len(filled) != 1 or filled[0][0] is None:
            return False
        key = filled[0][0].key_at(index)
        before = self.raw.get(key)
        if not isinstance(before, str) or not before:
            return False
        glue = "" if before.endswith("-") else " "
        self.raw[key] = before + glue + filled[0][1].strip()
        return True

    def _ends_group_table(self, cells: list[str], group: str) -> bool:
        nonempty = [c for c in cells if c.strip()]
        if not nonempty:
            return False
        if len(nonempty) == 1 and (section_of(nonempty[0]) or group_of(nonempty[0])):
            return True
        t = self.resolve(nonempty[0].replace("\n", " "), strict=True)
        return t is not None and t.spec.group != group

    def _entry_columns(self, rows: list[list[str]]) -> str | None:
        """The group of a table with labels down the first column and one entry per
        further column (`| Isikukood | 1. laps | 2. laps |`), if it is one."""
        votes: dict[str, int] = {}
        for cells in rows:
            if len(cells) < 3:
                continue
            targets = columns_of(cells[0])
            if not targets:
                continue
            if any(self.resolve(c.replace("\n", " ")) for c in cells[2:] if c):
                return None  # label | value | label | value pairs
            for g in {t.spec.group or "" for t in targets}:
                votes[g] = votes.get(g, 0) + 1
        best = max(votes, key=lambda g: votes[g], default=None)
        return best if best is not None and votes[best] >= 2 else None

    def _by_columns(self, group: str, rows: list[list[str]]) -> None:
        width = max(len(cells) for cells in rows)
        entries: list[list[tuple[Target, str]]] = [[] for _ in range(width - 1)]
        for cells in rows:
            t = self._heard(next((t for t in columns_of(cells[0]) if t.spec.group == group),
                                 None), cells[0])
            if t is None:
                if cells and len([c for c in cells if c.strip()]) == 1:
                    self.row_cells(cells)  # a heading or a note in a full-width row
                continue
            for j, cell in enumerate(cells[1:]):
                entries[j].append((t, cell))
        for entry in entries:
            self.row.pop(group, None)
            if any(cell.strip() for _, cell in entry):
                for t, cell in entry:
                    self._set(t, " ".join(cell.split()))
        self.row.clear()

    def _matrix(self, rows: list[list[str]]) -> bool:
        """A grid whose row and column headings make the label together: rows
        `Vanemlus`, columns `Riskitegurid` -> `Vanemlus – riskitegurid`."""
        for hi, head in enumerate(rows):
            if len(head) < 3 or self.resolve(head[0]) or sum(1 for c in head[1:] if c) < 2:
                continue
            cells_of = [
                [(self.resolve(f"{cells[0]} – {head[j]}"), cells[j])
                 for j in range(1, min(len(cells), len(head)))]
                for cells in rows[hi + 1:]
            ]
            if sum(1 for row in cells_of for t, _ in row if t and not t.spec.group) < 2:
                continue
            for cells in rows[:hi]:
                self.row_cells(cells)
            for cells, row in zip(rows[hi + 1:], cells_of, strict=True):
                if not any(t for t, _ in row):
                    self.row_cells(cells)
                for t, value in row:
                    if t is not None and not t.spec.group:
                        self._set(t, value)
            return True
        return False

    def table(self, rows: list[list[str]]) -> None:
        self.flush()
        self.row.clear()  # a new table (one per child, say) starts new group rows
        if (group := self._entry_columns(rows)) is not None:
            self._by_columns(group, rows)
            return
        if self._matrix(rows):
            self.row.clear()
            return
        header, self.carried = self.carried, None
        if header is not None and (len(rows[0]) != len(header[1])
                                   or self._ends_group_table(rows[0], header[0])):
            header = None
        if header is not None and self._continue_row(header, rows[0]):
            rows = rows[1:]
        for cells in rows:
            h = self._header(cells)
            if h is not None:
                header = h
                self.heading_group = None
                continue
            if header is not None and not self._ends_group_table(cells, header[0]):
                self._data_row(header[0], header[1], cells)
                continue
            header = None
            self.row_cells(cells)
        self.flush()
        self.row.clear()
        self.carried = header


def parse_blocks(blocks: list[Block], labels: dict[str, str] | None = None
                 ) -> dict[str, str | bool | list[str] | None]:
    """Map a document's layout blocks to raw form keys (see `pipeline.model.assemble`);
    `labels`, when given, receives the label text each value was read under.

    Raises `NotAReferral` when too few of the form's labels are found.
    """
    p = _Parser()
    for block in blocks:
        if isinstance(block, Table):
            p.table(block.rows)
        elif isinstance(block, Line):
            if block.text.strip():
                p.carried = None  # text between tables: the next table is a new one
            for ln in block.text.split("\n"):
                p.line(ln)
    p.flush()
    p.unmarked_lists()
    if len(p.found) < MIN_LABELS:
        raise NotAReferral(
            "Dokumendist ei leitud suunamisvormi välju: see ei paista olevat "
            "pere lahendusringi suunamisvorm.",
        )
    if labels is not None:
        # Only values still read (a list whose marks did not survive is dropped).
        labels.update({k: v for k, v in p.labels.items()
                       if k in p.raw or any(r.startswith(k + ".") for r in p.raw)})
    return p.raw
