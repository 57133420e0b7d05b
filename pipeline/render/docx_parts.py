"""docxtpl's rendering, with each template taken apart once per process.

On every render docxtpl opens the template with python-docx (parsing every part: styles,
numbering, settings, the theme…), turns the body back into text, runs its regular
expressions over it (`patch_xml`), and python-docx serializes every part again to save.
For one template those steps give the same result every time, and they were two thirds
of a letter's cost. Here they are done once per template and kept: the zip's members as
they are, and the patched Jinja sources of the body, headers, footers and footnotes.

A render then runs only docxtpl's own per-render steps, with docxtpl's own methods
(`render_xml_part`, `fix_tables`, `fix_docpr_ids`, the core properties as
`render_properties` does them) and writes the rendered parts beside the kept ones: the
same document XML as docxtpl's (`test_render_engine.py` compares every part).

A template that needs python-docx's package to render (an inline image such as the
provider's logo adds a part and a relationship) goes through docxtpl itself; so does a
template without a main document part or core properties, which python-docx would make.
"""

from __future__ import annotations

import functools
import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment
from lxml import etree

_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl.render_properties: the core properties it renders (the others are not strings).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class _NotSplittable(Exception):
    """The template is one docxtpl must open itself (see the module's docstring)."""


@dataclass(frozen=True)
class _Part:
    name: str  # the zip member
    source: str  # docxtpl's patched Jinja source
    encoding: str


@dataclass(frozen=True)
class SplitTemplate:
    members: tuple[tuple[zipfile.ZipInfo, bytes], ...]  # every member, in order
    document: str  # the main part's member name
    document_xml: bytes  # its XML, parsed afresh per render (the body is replaced)
    body: str  # the patched source of its body
    headers_footers: tuple[_Part, ...]
    footnotes: tuple[_Part, ...]
    core: str  # the core properties' member name
    core_xml: bytes

    def render(self, context: dict[str, Any], env: Environment) -> bytes:
        """The document docxtpl would make of this template and context."""
        tpl = _helper()
        out: dict[str, bytes] = {}

        # Body (DocxTemplate.build_xml, fix_tables, fix_docpr_ids, map_tree).
        xml = tpl.render_xml_part(self.body, None, context, env)
        tree = tpl.fix_tables(xml)
        tpl.fix_docpr_ids(tree)
        root: Any = parse_xml(self.document_xml)  # a CT_Document
        root.replace(root.body, tree)
        out[self.document] = serialize_part_xml(root)

        # Headers and footers (build_headers_footers_xml, map_headers_footers_xml: the
        # rendered text is parsed into a new part, which python-docx serializes).
        for part in self.headers_footers:
            rendered = tpl.render_xml_part(part.source, None, context, env)
            out[part.name] = serialize_part_xml(parse_xml(rendered.encode(part.encoding)))

        # Core properties (render_properties: each rendered and set, which also adds an
        # empty element for one the template lacks, as python-docx's setter does).
        core = parse_xml(self.core_xml)
        props = CoreProperties(core)  # type: ignore[arg-type]
        for name in _PROPERTIES:
            setattr(props, name, env.from_string(getattr(props, name)).render(context))
        out[self.core] = serialize_part_xml(core)

        # Footnotes (render_footnotes keeps the rendered text as the part's blob).
        for part in self.footnotes:
            out[part.name] = tpl.render_xml_part(part.source, None, context, env).encode("utf-8")

        buf = io.BytesIO()
        # Level 1: deflating at the default level was half of a render, for files a few
        # per cent smaller.
        with zipfile.ZipFile(buf, "w") as z:
            for info, data in self.members:
                z.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time),
                           out.get(info.filename, data),
                           compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        return buf.getvalue()


def _helper() -> DocxTemplate:
    """A DocxTemplate with no document: its text-level methods need none."""
    tpl = DocxTemplate(io.BytesIO())
    tpl.docx_ids_index = 1000  # as render_init sets it
    tpl.current_rendering_part = None
    return tpl


@functools.lru_cache(maxsize=64)
def split(data: bytes) -> SplitTemplate | None:
    """A template taken apart once (kept per process, by its bytes: an edited office
    template is split afresh), or None for one docxtpl must open itself."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = tuple((info, z.read(info)) for info in z.infolist()
                            if not info.is_dir())
        return _split({info.filename: b for info, b in members}, members)
    except (_NotSplittable, zipfile.BadZipFile, OSError, RuntimeError, KeyError,
            etree.XMLSyntaxError, AttributeError, ValueError, TypeError):
        return None  # docxtpl opens it, and reports what is wrong with it


def _split(blobs: dict[str, bytes],
           members: tuple[tuple[zipfile.ZipInfo, bytes], ...]) -> SplitTemplate:
    tpl = _helper()
    package = _rels(blobs, "_rels/.rels", "")
    document = _target(package, RT.OFFICE_DOCUMENT)
    core = _target(package, RT.CORE_PROPERTIES)
    if document not in blobs or core not in blobs:
        raise _NotSplittable("no main part or core properties")
    root: Any = parse_xml(blobs[document])  # a CT_Document
    body = tpl.patch_xml(tpl.xml_to_string(root.body))

    folder = posixpath.dirname(document)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(document) + ".rels")
    doc_rels = _rels(blobs, rels_name, folder) if rels_name in blobs else []
    headers_footers = []
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):  # docxtpl's order
        for reltype, target, external in doc_rels:
            if reltype != uri or external:
                continue
            if target not in blobs:
                raise _NotSplittable("missing header or footer")
            if not blobs[target]:
                continue  # docxtpl renders only a part with content
            xml = tpl.xml_to_string(parse_xml(blobs[target]))  # as get_part_xml does
            encoding = tpl.get_headers_footers_encoding(xml)
            headers_footers.append(_Part(target, tpl.patch_xml(xml), encoding))

    footnotes = tuple(_Part(name, tpl.patch_xml(blobs[name].decode("utf-8")), "utf-8")
                      for name in _parts_of_type(blobs, _FOOTNOTES))
    return SplitTemplate(members=members, document=document, document_xml=blobs[document],
                         body=body, headers_footers=tuple(headers_footers),
                         footnotes=footnotes, core=core, core_xml=blobs[core])


def _rels(blobs: dict[str, bytes], name: str, base: str) -> list[tuple[str, str, bool]]:
    """(type, member name, external) of each relationship in a .rels member."""
    out = []
    for rel in etree.fromstring(blobs[name]).iter(f"{{{_PKG_NS}}}Relationship"):
        external = rel.get("TargetMode") == "External"
        target = rel.get("Target", "")
        if not external:
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(base, target)))
        out.append((rel.get("Type", ""), target, external))
    return out


def _target(rels: list[tuple[str, str, bool]], reltype: str) -> str:
    for kind, target, external in rels:
        if kind == reltype and not external:
            return target
    raise _NotSplittable(f"no {reltype.rsplit('/', 1)[-1]}")


def _parts_of_type(blobs: dict[str, bytes], content_type: str) -> list[str]:
    types = etree.fromstring(blobs["[Content_Types].xml"])
    names = (o.get("PartName", "").lstrip("/") for o in types.iter(f"{{{_CT_NS}}}Override")
             if o.get("ContentType") == content_type)
    return [name for name in names if name in blobs]
