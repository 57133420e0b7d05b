"""DOCX reader: content controls tagged with spec keys first, the printed labels otherwise.

python-docx does not see text inside content controls (`w:sdt`), so the
official form is read by walking `word/document.xml` directly: a control's
tag is its key (`referrer.name`, `grounds.kinship_care`). A retyped document
without such controls goes through the layout reader (`docx-text`).

The zip is inflated with limits first (`safety.unpack_docx`); the XML is
parsed without entities or network access.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from pipeline.config import Limits
from pipeline.errors import UnreadableFile
from pipeline.model.assemble import RawValue
from pipeline.model.spec import field_for
from pipeline.read import safety
from pipeline.read.base import ReadResult

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_w = f"{{{W}}}"
_w14 = f"{{{W14}}}"
_TRUE = ("1", "true", "on")


def _parser() -> etree.XMLParser:
    # No entity expansion (billion laughs), no DTD or network fetches.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def parse_xml(xml: bytes) -> Any:
    try:
        return etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(
            "DOCX-faili sisu on katki (vigane XML); palun saatke fail uuesti.", code="corrupt"
        ) from exc


def _on(el: Any, attr: str) -> bool:
    """A Word on/off property: present without a value means on."""
    if el is None:
        return False
    val = el.get(attr)
    return val is None or val.lower() in _TRUE


# --- text ---------------------------------------------------------------------------------------


def _run_text(el: Any, parts: list[str]) -> None:
    """Text of an element in document order: w:t, tabs, breaks; paragraphs end with \\n.

    Every paragraph after the first starts a new line, an empty one included,
    so that a blank line typed between two paragraphs is kept."""
    first_paragraph = True
    for node in el.iter(f"{_w}t", f"{_w}tab", f"{_w}br", f"{_w}cr", f"{_w}p",
                        f"{_w}noBreakHyphen"):
        tag = node.tag
        if tag == f"{_w}t":
            parts.append(node.text or "")
        elif tag == f"{_w}tab":
            # w:tab is also a tab-stop definition inside w:tabs; only run tabs are text.
            if node.getparent() is not None and node.getparent().tag == f"{_w}r":
                parts.append("\t")
        elif tag in (f"{_w}br", f"{_w}cr"):
            parts.append("\n")
        elif tag == f"{_w}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_w}p" and node is not el:
            if not first_paragraph:
                parts.append("\n")  # a new paragraph inside the control starts a new line
            first_paragraph = False


def control_text(content: Any) -> str | None:
    """The typed text of a control's w:sdtContent; paragraphs and breaks become \\n."""
    parts: list[str] = []
    _run_text(content, parts)
    text = "".join(parts).strip("\n")
    return text if text.strip() else None


# --- one control ------------------------------------------------------------------------------


def _legacy_checkbox(el: Any) -> bool | None:
    """A FORMCHECKBOX field (w:ffData/w:checkBox) inside `el`, if any."""
    box = el.find(f".//{_w}ffData/{_w}checkBox")
    if box is None:
        return None
    checked = box.find(f"{_w}checked")
    if checked is not None:
        return _on(checked, f"{_w}val")
    default = box.find(f"{_w}default")
    return default is not None and _on(default, f"{_w}val")


def _dropdown_value(pr: Any, text: str | None) -> RawValue:
    """The chosen list item's value (a code) when the shown text is its display text."""
    lst = pr.find(f"{_w}dropDownList")
    if lst is None:
        lst = pr.find(f"{_w}comboBox")
    if lst is None or text is None:
        return text
    for item in lst.findall(f"{_w}listItem"):
        shown = item.get(f"{_w}displayText") or item.get(f"{_w}value")
        if shown is not None and shown.strip() == text.strip():
            return item.get(f"{_w}value") or text
    return text


def control_value(sdt: Any) -> RawValue:
    pr = sdt.find(f"{_w}sdtPr")
    content = sdt.find(f"{_w}sdtContent")
    if pr is None:
        return None
    box = pr.find(f"{_w14}checkbox")
    if box is not None:
        checked = box.find(f"{_w14}checked")
        return checked is not None and (checked.get(f"{_w14}val") or "0").lower() in _TRUE
    if content is None:
        return None
    legacy = _legacy_checkbox(content)
    if legacy is not None:
        return legacy
    if pr.find(f"{_w}showingPlcHdr") is not None:
        return None  # "Klõpsake teksti sisestamiseks" is Word's prompt, not an answer
    return _dropdown_value(pr, control_text(content))


def _tag(sdt: Any) -> str | None:
    tag = sdt.find(f"{_w}sdtPr/{_w}tag")
    if tag is None:
        return None
    val = tag.get(f"{_w}val")
    return val.strip() if val else None


def _is_merge_continuation(sdt: Any) -> bool:
    """True inside a vertically merged cell's continuation (`w:vMerge` without restart)."""
    for anc in sdt.iterancestors(f"{_w}tc"):
        vm = anc.find(f"{_w}tcPr/{_w}vMerge")
        return vm is not None and vm.get(f"{_w}val") in (None, "continue")
    return False


def _empty(value: RawValue) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def _title(sdt: Any) -> str | None:
    alias = sdt.find(f"{_w}sdtPr/{_w}alias")
    val = alias.get(f"{_w}val") if alias is not None else None
    return val.strip() if val and val.strip() else None


def read_controls(root: Any, labels: dict[str, str] | None = None) -> dict[str, RawValue]:
    """Spec-key content controls, plus legacy checkboxes bookmarked with a key; `labels`,
    when given, receives each control's title (or its tag when it has none)."""
    out: dict[str, RawValue] = {}
    for sdt in root.iter(f"{_w}sdt"):
        key = _tag(sdt)
        if not key or field_for(key) is None or _is_merge_continuation(sdt):
            continue
        value = control_value(sdt)
        # The same tag twice (a copied row, a merged cell): the first answer wins.
        if key not in out or (_empty(out[key]) and not _empty(value)):
            out[key] = value
            if labels is not None:
                labels[key] = _title(sdt) or key
    for ff in root.iter(f"{_w}ffData"):
        name = ff.find(f"{_w}name")
        key = name.get(f"{_w}val") if name is not None else None
        if key and field_for(key) is not None and key not in out:
            box = _legacy_checkbox(ff.getparent()) if ff.getparent() is not None else None
            if box is not None:
                out[key] = box
                if labels is not None:
                    labels[key] = key
    return out


class DocxReader:
    """`Reader` for DOCX files."""

    def read(self, data: bytes, limits: Limits) -> ReadResult:
        members = safety.unpack_docx(data, limits)
        root = parse_xml(members["word/document.xml"])
        labels: dict[str, str] = {}
        raw = read_controls(root, labels)
        if raw:
            return ReadResult(raw=raw, method="docx-controls", labels=labels)
        from pipeline.read.docx_layout import docx_blocks
        from pipeline.read.labels import parse_blocks

        try:
            blocks = docx_blocks(data, limits)
        except UnreadableFile:
            raise
        except Exception as exc:  # python-docx on a damaged part
            raise UnreadableFile(
                "DOCX-fail on katki või vigane; palun saatke fail uuesti.", code="corrupt"
            ) from exc
        labels.clear()
        raw = parse_blocks(blocks, labels)
        return ReadResult(raw=raw, method="docx-text", labels=labels)
