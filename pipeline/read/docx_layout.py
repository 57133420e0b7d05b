"""A retyped DOCX -> layout blocks (paragraph lines and tables, in document order).

python-docx's `Document.paragraphs`/`tables` lose the order between the two
and repeat a merged cell's text for every grid column, so the body XML is
walked directly: one entry per `w:tc` element, text inside content controls,
hyperlinks, insertions and text boxes included, deleted text and placeholder
text left out, check boxes (legacy FORMCHECKBOX, `w14:checkbox`) as ☒/☐.
The zip-bomb screening is done by the caller before this is called.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from pipeline.config import Limits
from pipeline.errors import UnreadableFile
from pipeline.read.base import Block, Line, Table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

CHECKED, UNCHECKED = "☒", "☐"
# Wingdings/Webdings check-box characters a referrer may insert with Insert > Symbol.
_SYMBOLS = {"F0FE": CHECKED, "F0FD": CHECKED, "F078": CHECKED, "F0FB": CHECKED,
            "F0A8": UNCHECKED, "F06F": UNCHECKED, "F071": UNCHECKED}
# Containers whose children are read as if they stood in their parent.
_TRANSPARENT = {f"{_W}hyperlink", f"{_W}ins", f"{_W}smartTag", f"{_W}customXml",
                f"{_W}fldSimple", f"{_W}moveTo", f"{_W}dir", f"{_W}bdo"}
_SKIPPED = {f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", f"{_W}proofErr",
            f"{_MC}Fallback"}


def _on(el: Any, attr: str = f"{_W}val") -> bool:
    """A Word on/off property: present without a value means on."""
    return el is not None and el.get(attr, "1").lower() not in ("0", "false", "off")


def _sdt_parts(sdt: Any) -> tuple[str | None, Any]:
    """(glyph of a check box control or "" for placeholder text or None, its content)."""
    pr = sdt.find(f"{_W}sdtPr")
    content = sdt.find(f"{_W}sdtContent")
    if pr is not None:
        box = pr.find(f"{_W14}checkbox")
        if box is not None:
            return (CHECKED if _on(box.find(f"{_W14}checked"), f"{_W14}val") else UNCHECKED,
                    content)
        if pr.find(f"{_W}showingPlcHdr") is not None and _on(pr.find(f"{_W}showingPlcHdr")):
            return "", content  # the form's grey hint text, not the referrer's
    return None, content


def _legacy_checkbox(fld: Any) -> str | None:
    box = fld.find(f"{_W}ffData/{_W}checkBox")
    if box is None:
        return None
    checked = box.find(f"{_W}checked")
    if checked is None:
        checked = box.find(f"{_W}default")
    return CHECKED if checked is not None and _on(checked) else UNCHECKED


class _Walker:
    def __init__(self) -> None:
        self.boxes: list[Any] = []  # text boxes met inside the current paragraph

    def inline(self, el: Any, out: list[str]) -> None:
        """Text of a paragraph's runs (and inline containers) into `out`."""
        for c in el:
            tag = c.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag == f"{_W}r":
                self._run(c, out)
            elif tag == f"{_W}sdt":
                glyph, content = _sdt_parts(c)
                if glyph is not None:
                    out.append(glyph)
                elif content is not None:
                    self.inline(content, out)
            elif tag in _TRANSPARENT or tag == f"{_MC}AlternateContent" or tag == f"{_MC}Choice":
                self.inline(c, out)

    def _run(self, run: Any, out: list[str]) -> None:
        for c in run:
            tag = c.tag
            if tag == f"{_W}t":
                out.append(c.text or "")
            elif tag == f"{_W}tab":
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("-")
            elif tag == f"{_W}sym":
                out.append(_SYMBOLS.get((c.get(f"{_W}char") or "").upper(), ""))
            elif tag == f"{_W}fldChar" and c.get(f"{_W}fldCharType") == "begin":
                out.append(_legacy_checkbox(c) or "")
            elif tag not in _SKIPPED:
                self._collect_boxes(c)

    def _collect_boxes(self, el: Any) -> None:
        """Text boxes (DrawingML or VML; only one of the mc: alternatives)."""
        if el.tag == f"{_W}txbxContent":
            self.boxes.append(el)
            return
        if el.tag in _SKIPPED:
            return
        for c in el:
            if isinstance(c.tag, str):
                self._collect_boxes(c)

    def paragraph(self, p: Any) -> list[Block]:
        out: list[str] = []
        outer, self.boxes = self.boxes, []
        self.inline(p, out)
        boxes, self.boxes = self.boxes, outer
        blocks: list[Block] = [Line("".join(out))]
        for box in boxes:
            blocks.extend(self.body(box))
        return blocks

    def body(self, el: Any) -> list[Block]:
        """Paragraphs and tables of a body, cell, text box or block content control."""
        blocks: list[Block] = []
        for c in el:
            if c.tag == f"{_W}p":
                blocks.extend(self.paragraph(c))
            elif c.tag == f"{_W}tbl":
                blocks.extend(self.table(c))
            elif c.tag == f"{_W}sdt":
                glyph, content = _sdt_parts(c)
                if glyph is None and content is not None:
                    blocks.extend(self.body(content))
            elif c.tag in (f"{_W}customXml", f"{_MC}AlternateContent", f"{_MC}Choice"):
                blocks.extend(self.body(c))
        return blocks

    def cell_text(self, tc: Any) -> str:
        """A cell's paragraphs joined with newlines; a nested table's cells as lines."""
        lines: list[str] = []
        for block in self.body(tc):
            if isinstance(block, Line):
                lines.append(block.text)
            else:
                lines.extend(cell for row in block.rows for cell in row if cell.strip())
        return "\n".join(lines).strip()

    def table(self, tbl: Any) -> list[Block]:
        rows = [_cells(tr) for tr in _children(tbl, f"{_W}tr")]
        nested = any(tc.find(f".//{_W}tbl") is not None for row in rows for tc in row)
        if nested or all(len(row) <= 1 for row in rows):
            # A layout frame (one column, or tables inside cells): read its content as body.
            blocks: list[Block] = []
            for row in rows:
                for tc in row:
                    blocks.extend(self.body(tc))
            return blocks
        out = Table()
        for row in rows:
            # A vertically merged cell's continuation is empty: its text is in the top cell.
            out.rows.append(["" if _continued(tc) else self.cell_text(tc) for tc in row])
        return [out]


def _children(el: Any, tag: str) -> list[Any]:
    """Direct children with `tag`, looking through content controls and custom XML."""
    out: list[Any] = []
    for c in el:
        if c.tag == tag:
            out.append(c)
        elif c.tag == f"{_W}sdt":
            content = c.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_children(content, tag))
        elif c.tag == f"{_W}customXml":
            out.extend(_children(c, tag))
    return out


def _continued(tc: Any) -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val") in (None, "continue")


def _cells(tr: Any) -> list[Any]:
    return _children(tr, f"{_W}tc")


def docx_blocks(data: bytes, limits: Limits) -> list[Block]:
    """Body paragraphs and tables of a DOCX in document order (see module doc)."""
    import docx  # late import: only this reader needs python-docx

    del limits  # the size and zip checks are done by the caller before this
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise UnreadableFile("DOCX-faili ei õnnestunud avada: fail on vigane.") from exc
    return _Walker().body(document.element.body)
