"""Sandboxed docxtpl rendering: values are data, never markup or template code.

Templates are DOCX files edited in Word. A value is escaped for XML, its
control characters are dropped, and docxtpl's own `{_{` un-escaping is
defused, so whatever a referrer typed comes out exactly as typed. Templates
run in a `SandboxedEnvironment` with `StrictUndefined`: a template cannot reach
Python internals, and a misspelt variable is an error rather than a blank.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import LRUCache
from markupsafe import Markup, escape

from pipeline.errors import PipelineError

if TYPE_CHECKING:  # docxtpl is imported when the first document is rendered
    from docxtpl import DocxTemplate

    from pipeline.config import Settings

# The built-in templates ship inside the package (an installed wheel has no
# source tree to read them from); `importlib.resources` finds them either way.
BUILTIN_DIR: Traversable = resources.files("pipeline").joinpath("templates")
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# C0/C1 control characters except tab and line feed, and XML's forbidden code points.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# docxtpl turns `{_{` back into `{{` after rendering; a literal `_` stops that.
_DOCXTPL_MARKERS = re.compile(r"(?<=[{}%])_(?=[{}%])")


class TemplateProblem(PipelineError):
    """A template is missing, broken or uses something the code does not supply."""

    code = "template"


def clean(value: str) -> str:
    """Text as typed, minus what XML or Word cannot show (CR LF -> LF)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _finalize(value: object) -> Markup:
    if isinstance(value, Markup):  # already escaped by a filter (join, etc.)
        return value
    if hasattr(value, "_insert_image"):  # docxtpl's InlineImage: its own WordprocessingML
        return Markup(str(value))
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        value = "jah" if value else "ei"
    s = str(escape(clean(str(value))))
    # A literal `_` written as a character reference cannot be matched by docxtpl.
    return Markup(_DOCXTPL_MARKERS.sub("&#95;", s))


class _CompilingOnceEnvironment(SandboxedEnvironment):
    """docxtpl compiles every part of a template with `from_string` on every render: the
    same few dozen XML sources, compiled again for each letter (a tenth of a backlog's
    drain went there). Compiled templates are kept by their source, so a template
    edited in `<home>/templates/` (new bytes, new source) is compiled afresh."""

    CACHE_SIZE = 256  # parts of every template in use, several times over

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled = LRUCache(self.CACHE_SIZE)  # Jinja's own; it locks for threads

    def from_string(self, source: Any, globals: Any = None,
                    template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        tpl = self._compiled.get(source)
        if tpl is None:
            tpl = self._compiled[source] = super().from_string(source)
        return tpl


@functools.cache
def make_env() -> SandboxedEnvironment:
    """One environment per process, shared by every `Engine` (the CLI, the web app and
    the casework make one per call): its compiled templates outlive them."""
    env = _CompilingOnceEnvironment(
        autoescape=True, undefined=StrictUndefined, finalize=_finalize, auto_reload=False
    )
    return env


class Engine:
    """Renders documents from template bytes cached in memory.

    `override_dir` (an office's `<home>/templates/`) wins over the built-in set,
    file by file.
    """

    def __init__(self, override_dir: Path | None = None,
                 builtin_dir: Path | Traversable = BUILTIN_DIR, provider: Any | None = None):
        self.override_dir = override_dir
        # The letterhead (`Settings.provider`); None: the settings from the environment.
        if provider is None:
            from pipeline.config import ProviderSettings

            provider = ProviderSettings()
        self.provider = provider
        self.builtin_dir = builtin_dir
        self.env = make_env()
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> Engine:
        """The office's templates (`<home>/templates/`) over the built-in ones, with the
        letterhead of these settings: the watcher, the CLI and the web letter alike."""
        return cls(settings.templates_dir, provider=settings.provider)

    def template_path(self, name: str) -> Path | Traversable:
        if self.override_dir is not None:
            own = self.override_dir / name
            if own.is_file():
                return own
        return self.builtin_dir / name

    def template_bytes(self, name: str) -> bytes:
        with self._lock:
            data = self._cache.get(name)
        if data is None:
            path = self.template_path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise TemplateProblem(
                    f"Dokumendipõhja {name} ei leitud ega saa lugeda.", code="template_missing"
                ) from exc
            with self._lock:
                self._cache[name] = data
        return data

    def render(self, name: str, context: dict[str, Any]) -> bytes:
        """One document: the template taken apart once (`docx_parts`), or, for a letter
        with the provider's logo, a fresh DocxTemplate from the cached bytes."""
        # python-docx, docxtpl and lxml load with the first document.
        from pipeline.render import docx_parts

        data = self.template_bytes(name)
        split = None if self._has_logo() else docx_parts.split(data)
        try:
            if split is None:
                return self._render_docxtpl(data, context)
            return split.render({**context, "provider_logo": ""}, self.env)
        except TemplateError as exc:
            # The message names the template and Jinja's reason, never a value.
            raise TemplateProblem(
                f"Dokumendipõhja {name} ei saa täita: {_reason(exc)}", code="template_error"
            ) from None

    def _render_docxtpl(self, data: bytes, context: dict[str, Any]) -> bytes:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(data))
        context = {**context, "provider_logo": self._logo(tpl)}
        tpl.render(context, jinja_env=self.env, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    def _has_logo(self) -> bool:
        logo = getattr(self.provider, "logo", None)
        return isinstance(logo, (str, Path)) and bool(logo) and Path(logo).is_file()

    def _logo(self, tpl: DocxTemplate) -> object:
        """The provider's logo as an inline image, or "" when none is set or readable."""
        if not self._has_logo():
            return ""
        logo = self.provider.logo
        from docx.shared import Mm
        from docxtpl import InlineImage

        return InlineImage(tpl, str(logo), height=Mm(15))

    def variables(self, name: str) -> set[str]:
        """Every variable path a template uses: `case_number`, `recipient.name`."""
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(self.template_bytes(name)))
        docx = tpl.get_docx()
        xml = tpl.patch_xml(tpl.get_xml())
        for rel in docx.part.rels.values():
            if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
                xml += tpl.patch_xml(rel.target_part.blob.decode("utf-8"))
        try:
            ast = self.env.parse(xml)
        except TemplateError as exc:
            raise TemplateProblem(
                f"Dokumendipõhjas {name} on vigane märgend: {_reason(exc)}", code="template_syntax"
            ) from None
        return _paths(ast)


def _reason(exc: TemplateError) -> str:
    msg = str(exc.message or exc.__class__.__name__)
    # Jinja quotes the object it failed on; keep only the first line, which names
    # the variable or attribute, not any case data.
    return msg.splitlines()[0][:200]


def _paths(ast: nodes.Template) -> set[str]:
    """Top-level names plus one level of attribute access; a loop variable is
    resolved to its list, so `{% for c in children %}{{ c.name }}` gives
    `children[].name`."""
    out: set[str] = set()
    seen: set[int] = set()
    for f in ast.find_all(nodes.For):
        if not (isinstance(f.target, nodes.Name) and isinstance(f.iter, nodes.Name)):
            continue
        for stmt in f.body:
            for g in stmt.find_all(nodes.Getattr):
                if (isinstance(g.node, nodes.Name) and g.node.name == f.target.name
                        and id(g) not in seen):
                    out.add(f"{f.iter.name}[].{g.attr}")
                    seen.update((id(g), id(g.node)))
    stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "store"}
    for g in ast.find_all(nodes.Getattr):
        if isinstance(g.node, nodes.Name) and id(g) not in seen:
            out.add(f"{g.node.name}.{g.attr}")
            seen.add(id(g.node))
    for n in ast.find_all(nodes.Name):
        if n.ctx == "load" and n.name not in stored and id(n) not in seen:
            out.add(n.name)
    return out
