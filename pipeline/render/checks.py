"""`plr templates check`: does every template use only what the code supplies?

An office edits templates in Word; a misspelt `{{ recipeint.name }}` would
otherwise only fail on the day a real letter is due. Each template is listed
with the variables it uses, compared with the variables its context offers,
and rendered once from synthetic data in the sandbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import PipelineError
from pipeline.model.issues import error
from pipeline.render import context as ctx
from pipeline.render.documents import KINDS, languages, template_name
from pipeline.render.engine import Engine
from pipeline.render.samples import sample_case

SAMPLE_TODAY = dt.date(2026, 11, 26)


@dataclass
class TemplateReport:
    name: str
    source: str  # "office" or "built-in"
    variables: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.unknown and self.error is None


def sample_context(kind: str, lang: str) -> dict[str, Any]:
    """What `documents` passes to this template, from the synthetic case."""
    view = sample_case(lang)
    if kind == "return_letter":
        issues = [error("E01", "consent.by", "Nõusoleku andja nimi on puudu.")]
        return ctx.return_context(view.referral, issues, "suunamine.pdf",
                                  SAMPLE_TODAY).as_dict()
    recipient = view.participants[0] if kind in ("invitation", "plan", "follow_up_invitation",
                                                 "cancellation") else None
    return ctx.case_context(view, lang, SAMPLE_TODAY, recipient=recipient).as_dict()


def supplied(data: dict[str, Any]) -> set[str]:
    """`name`, `name.attr` and `list[].attr` paths a context dict offers."""
    out: set[str] = set()
    for key, value in data.items():
        out.add(key)
        if isinstance(value, dict):
            out.update(f"{key}.{k}" for k in value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    out.update(f"{key}[].{k}" for k in item)
    return out


def check_template(engine: Engine, kind: str, lang: str) -> TemplateReport:
    name = template_name(kind, lang)
    own = engine.override_dir is not None and (engine.override_dir / name).is_file()
    report = TemplateReport(name=name, source="office" if own else "built-in")
    data = sample_context(kind, lang)
    try:
        used = engine.variables(name)
        report.variables = sorted(used)
        # The engine adds the letterhead's logo to every document itself.
        have = supplied(data) | {"provider_logo"}
        report.unknown = sorted(v for v in used if v not in have)
        engine.render(name, data)
    except PipelineError as exc:
        report.error = exc.message
    return report


def check_all(engine: Engine) -> list[TemplateReport]:
    return [check_template(engine, k, lang) for k in KINDS for lang in languages(k)]
