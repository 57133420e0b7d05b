"""A printed PDF form (no fields left) -> layout blocks, with pdfplumber.

Per page: ruled tables as `Table` blocks, the text outside them as `Line`
blocks, in reading order (top to bottom). PDF text has no paragraphs, only
positioned lines, so wrapped lines are joined back here: a line is a wrap
when the next line's first word would not have fitted after it. The join
looks at the characters at the break: a word cut because it was longer than
the line (an e-mail address, a phone number, an isikukood) or cut at a
hyphen or an `@` is joined without a space, ordinary words with one. Big
gaps inside a line (a table without borders) become tabs. The form's
repeating footer (version, page numbers) is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pipeline.config import Limits
from pipeline.errors import ResourceLimit, UnreadableFile
from pipeline.model.referral import FORM_VERSION
from pipeline.read.base import Block, Line, Table

MIN_TEXT_CHARS = 20  # fewer characters than this on all pages: a scan without a text layer
MARGIN_ZONE = 0.08  # top/bottom share of the page where headers and footers live
_PAGE_NUMBER = re.compile(
    r"^(?:(?:lk|lehekülg|leht|page)\.?\s*)?-?\s*\d{1,3}\s*(?:(?:/|of|-|\()\s*\d{1,3}\)?)?\s*-?$",
    re.IGNORECASE,
)
_TLD_END = re.compile(r"\.[a-z]{2,}$", re.IGNORECASE)


@dataclass
class _TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_word_width: float
    size: float


def _text_line(raw: dict[str, Any]) -> _TextLine:
    chars: list[dict[str, Any]] = []
    for c in raw["chars"]:
        # An expanded ligature ("fl") is listed once per letter: keep the glyph once.
        if not c["text"].isspace() and not (chars and chars[-1] is c):
            chars.append(c)
    size = max((float(c.get("size", 10.0)) for c in chars), default=10.0)
    parts: list[str] = []
    prev: dict[str, Any] | None = None
    first_end: dict[str, Any] | None = None  # the last glyph of the first word
    for c in chars:
        if prev is not None:
            gap = float(c["x0"]) - float(prev["x1"])
            if gap > min(3.0, 0.2 * size):
                parts.append("\t" if gap > 2 * size else " ")  # tab: a borderless table
                first_end = first_end or prev
        parts.append(c["text"])
        prev = c
    text = "".join(parts).strip()
    first_end = first_end or prev
    width = float(first_end["x1"]) - float(chars[0]["x0"]) if first_end and chars else 0.0
    return _TextLine(text, float(raw["x0"]), float(raw["x1"]), float(raw["top"]),
                     float(raw["bottom"]), width, size)


def _joiner(prev: _TextLine, nxt: _TextLine, left: float, right: float) -> str:
    """How two lines join: "\\n" (a new line), " " (a wrap) or "" (a cut word)."""
    space = 0.3 * prev.size
    wrapped = prev.x1 + space + nxt.first_word_width > right - 0.5
    close = nxt.top - prev.bottom < 0.8 * (prev.bottom - prev.top)
    if not wrapped or not close or abs(nxt.x0 - left) > 2.0 or "\t" in prev.text:
        return "\n"
    last = prev.text.split()[-1] if prev.text.split() else ""
    first = nxt.text.split()[0] if nxt.text.split() else ""
    if " " not in prev.text.strip() and right - prev.x1 < 0.7 * prev.size:
        return ""  # one word longer than the line, cut where the line ended
    if last.endswith(("-", "/", "@", "_")) or first.startswith(("@", ".", "_")):
        return ""
    if "@" in last and not _TLD_END.search(last):
        return ""  # an e-mail address cut before its domain ended
    if re.fullmatch(r"\+?[\d()]+", last) and re.fullmatch(r"[\d()]+[.,;]?", first):
        return ""  # the digits of one phone number or code
    return " "


def _join(lines: list[_TextLine], left: float, right: float) -> list[str]:
    """Lines of one column -> paragraphs (wrapped lines joined)."""
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i and out:
            sep = _joiner(lines[i - 1], ln, left, right)
            if sep != "\n":
                out[-1] += sep + ln.text
                continue
        out.append(ln.text)
    return out


def _lines(chars: list[dict[str, Any]], page: Any) -> list[_TextLine]:
    """Text lines of some of a page's glyphs, as `page.extract_text_lines` makes them."""
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return []
    textmap = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width,
                               layout_height=page.height)
    return [_text_line(raw) for raw in textmap.extract_text_lines(strip=True, return_chars=True)
            if raw["chars"]]


def _centre(c: dict[str, Any]) -> tuple[float, float]:
    return (float(c["x0"]) + float(c["x1"])) / 2, (float(c["top"]) + float(c["bottom"])) / 2


class _Glyphs:
    """A page's glyphs sorted once by the height of their centre, so that the glyphs of a
    box are found by bisecting to its rows: a glyph belongs to a box when its centre lies
    in it, since a glyph's own box may touch the next cell's border."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        centres = [_centre(c) for c in chars]
        self.order = sorted(range(len(chars)), key=lambda i: centres[i][1])
        self.ys = [centres[i][1] for i in self.order]
        self.centres = centres
        self.chars = chars

    def inside(self, bbox: tuple[float, float, float, float]) -> list[int]:
        """Indexes (in page order) of the glyphs whose centre lies in `bbox`."""
        x0, top, x1, bottom = (float(v) for v in bbox)
        lo, hi = bisect_left(self.ys, top), bisect_right(self.ys, bottom)
        return sorted(i for i in self.order[lo:hi] if x0 <= self.centres[i][0] <= x1)


def _cell_text(glyphs: _Glyphs, page: Any, bbox: tuple[float, float, float, float]) -> str:
    lines = _lines([glyphs.chars[i] for i in glyphs.inside(bbox)], page)
    if not lines:
        return ""
    pad = max(min(ln.x0 for ln in lines) - bbox[0], 0.0)
    return "\n".join(_join(lines, min(ln.x0 for ln in lines), bbox[2] - pad))


def _table(glyphs: _Glyphs, page: Any, table: Any) -> Table:
    rows: list[list[str]] = []
    for row in table.rows:
        rows.append([_cell_text(glyphs, page, cell) for cell in row.cells if cell is not None])
    return Table(rows)


def _may_have_doubles(chars: list[dict[str, Any]]) -> bool:
    """Could two glyphs be one printed twice (fake bold)? A cheap, one-pass check that
    never misses a pair `dedupe_chars` would merge (same glyph, font and size, tops
    within 1 pt, left edges within 1 pt): each glyph is put in a 2 × 1 pt bucket and
    the neighbouring buckets are looked at."""
    seen: set[tuple[Any, ...]] = set()
    for c in chars:
        key = (c.get("upright"), c["text"], c.get("fontname"), c.get("size"))
        y, x = int(float(c["doctop"]) // 2), int(float(c["x0"]) // 1)
        if any((*key, y + dy, x + dx) in seen for dy in (-1, 0, 1) for dx in (-1, 0, 1)):
            return True
        seen.add((*key, y, x))
    return False


def _page_items(page: Any) -> tuple[list[tuple[float, Block]], int]:
    """(top, block) items of one page and the number of characters on it."""
    if _may_have_doubles(page.chars):
        page = page.dedupe_chars()  # fake bold prints a glyph twice
    chars: list[dict[str, Any]] = page.chars
    n_chars = sum(1 for c in chars if not c["text"].isspace())
    tables = page.find_tables()
    glyphs = _Glyphs(chars)
    items: list[tuple[float, Block]] = [(float(t.bbox[1]), _table(glyphs, page, t))
                                        for t in tables]
    in_tables: set[int] = set()
    for t in tables:
        in_tables.update(glyphs.inside(t.bbox))
    lines = _lines([c for i, c in enumerate(chars) if i not in in_tables], page)
    if lines:
        left = min(ln.x0 for ln in lines)
        right = max(float(page.width) - left, max(ln.x1 for ln in lines))
        # Join paragraph by paragraph, keeping each line's position for the reading order.
        groups: list[list[_TextLine]] = []
        for i, ln in enumerate(lines):
            if i and _joiner(lines[i - 1], ln, left, right) != "\n" and groups:
                groups[-1].append(ln)
            else:
                groups.append([ln])
        for group in groups:
            (text,) = _join(group, left, right) or [""]
            items.append((group[0].top, _Positioned(text, group[0].top, float(page.height))))
    items.sort(key=lambda it: it[0])
    return items, n_chars


class _Positioned(Line):
    """A line that remembers where on the page it stood (for the footer check)."""

    def __init__(self, text: str, top: float, height: float) -> None:
        super().__init__(text)
        self.in_margin = top < MARGIN_ZONE * height or top > (1 - MARGIN_ZONE) * height


def _footer_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _drop_footers(pages: list[list[tuple[float, Block]]]) -> list[Block]:
    """Lines repeated in the page margins, the form version and page numbers go."""
    repeated = Counter(
        _footer_key(b.text) for items in pages for _, b in items
        if isinstance(b, _Positioned) and b.in_margin
    )
    out: list[Block] = []
    for items in pages:
        for _, b in items:
            if isinstance(b, _Positioned):
                text = b.text.strip()
                if (FORM_VERSION in text or _PAGE_NUMBER.match(text)
                        or (b.in_margin and len(pages) > 1 and repeated[_footer_key(text)] > 1)):
                    continue
                out.append(Line(text))
            else:
                out.append(b)
    return out


def pdf_blocks(data: bytes, limits: Limits) -> list[Block]:
    """Tables and lines of a printed PDF form, in reading order (see module doc)."""
    import pdfplumber  # late import: only this reader needs pdfplumber

    try:
        pdf = pdfplumber.open(BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds on broken or locked files
        raise UnreadableFile(
            "PDF-faili ei õnnestunud avada: fail on vigane või parooliga kaitstud."
        ) from exc
    with pdf:
        try:
            if len(pdf.pages) > limits.max_pdf_pages:
                raise ResourceLimit(
                    f"PDF-failis on üle {limits.max_pdf_pages} lehekülje: see ei ole suunamisvorm."
                )
            pages: list[list[tuple[float, Block]]] = []
            n_chars = n_images = 0
            for page in pdf.pages:
                try:
                    items, count = _page_items(page)
                    n_images += len(page.images)
                finally:
                    page.close()  # frees the page's parsed objects: long files stay small
                pages.append(items)
                n_chars += count
        except ResourceLimit:
            raise
        except Exception as exc:
            raise UnreadableFile("PDF-faili sisu ei õnnestunud lugeda: fail on vigane.") from exc
    if n_chars < MIN_TEXT_CHARS:
        raise UnreadableFile(_no_text_reason(n_chars, n_images))
    return _drop_footers(pages)


def _no_text_reason(n_chars: int, n_images: int) -> str:
    """Why a PDF gave (almost) no text, said as it is: "scanned" only for pages that are
    images without a text layer (issue 8: most short or drawn PDFs are not scans)."""
    if n_chars == 0 and n_images:
        return ("PDF-failis ei ole teksti, ainult pildid: see on ilmselt skannitud "
                "paberdokument. Palun saatke täidetud vorm DOCX-failina või PDF-failina, "
                "mille teksti saab valida.")
    if n_chars == 0:
        return ("PDF-failis ei ole loetavat teksti ega pilte (tekst võib olla joonistatud "
                "kujunditena või olla ainult märkustes). Palun saatke täidetud vorm "
                "DOCX-failina või PDF-failina, mille teksti saab valida.")
    return (f"PDF-failis on ainult {n_chars} tähemärki teksti: see ei paista olevat täidetud "
            "suunamisvorm.")
