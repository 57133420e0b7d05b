"""Neutral layout blocks and the style knobs of one retyped referral.

`corpus_layout` lays a referral out as these blocks; `corpus_docx` and
`corpus_pdf` draw them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class C:
    """A table cell; `span`/`down` merge it right/down over covered `None` cells."""

    text: str
    span: int = 1
    down: int = 1
    bold: bool = False
    wrap_at: bool = False  # the PDF drawer breaks the line after "@"


@dataclass
class T:
    rows: list[list[C | None]]
    widths: list[float]  # cm


@dataclass
class P:
    text: str
    kind: str = "para"  # title | heading | label | note | para | item


Block = P | T


@dataclass
class Style:
    name: str
    out: str = "docx"  # docx | soffice | reportlab
    heading: str = "letter"  # letter | caps | number | plain
    heading_look: str = "bold"  # bold | h1 | h2 | merged_row
    scalars: str = "table2"  # table2 | table4 | table3m | para | stacked
    groups: str = "header"  # header | per_item_table | per_item_para | transposed
    network: str | None = None  # layout of the network group when unlike the others
    boxes: str = "unicode"  # unicode | brackets | x_cell | jah_ei  (single ticks)
    multi: str = "lines_unicode"  # lines_unicode | lines_brackets | lines_after | table_x
    # | table_box_first | table_jah_ei | listed
    language: str = "text"  # text | inline | lines
    dates: tuple[str, ...] = ("dd.mm.yyyy",)
    phones: tuple[str, ...] = ("national spaced",)
    email: str = "lower"
    municipality: int = 0
    labels: str = "spec"  # spec | abbrev | typos | both | lower
    widths: tuple[float, float] = (5.5, 10.5)
    notes: bool = False
    blank_rows: bool = False
    factors: str = "labels"  # labels | grid
    drop_empty: bool = False
    colon: bool = False
    title: str = "Pere lahendusringi teenusele suunamise vorm"
    font: str = "Calibri"
    wrap_email: bool = False
    inline_other: bool = False
    children: int | None = None
    network_rows: int | None = None


SECTION_ITEMS = {
    "A": ["referrer.name", "referrer.position", "referrer.organisation",
          "referrer.municipality", "referrer.phone", "referrer.email", "referral_date",
          "guardianship_agreement"],
    "B": ["children", "child_views"],
    "C": ["caregivers", "family_language", "interpreter_needed", "network"],
    "D": ["grounds", "problem_areas", "problem_other"],
    "E": ["situation", "acute_danger"],
    "F": ["factors"],
    "G": ["question", "bottom_lines"],
    "H": ["consent.given", "consent.by", "consent.date"],
}
NOTES = {
    "top": "Vorm täidetakse koostöös perega. Täidetud vorm saatke palun e-postiga "
           "teenuse koordinaatorile; küsimuste korral helistage 5555 0000.",
    "C": "NB! Lapse isa ei tea veel suunamisest, palun temaga enne ühendust mitte võtta.",
    "F": "Kirjeldage lühidalt, lähtudes lapse heaolu kolmnurgast (lapse arenguvajadused, "
         "vanemlus, pere ja keskkond).",
    "end": "Lisa: kooli iseloomustus (eraldi failina). Allkiri: digitaalselt allkirjastatud.",
}
