"""The sandbox: values come out exactly as typed; templates cannot reach Python."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from jinja2 import TemplateError
from test_render_helpers import docx_parts

from pipeline.render.engine import Engine, TemplateProblem

HOSTILE = 'A & B < C > D "E" {{ 7*7 }} {% if 1 %}x{% endif %} </w:t> {_{ y }_} {_% %_}'


def _template(folder: Path, name: str, body: str, footer: str = "{{ v }}") -> None:
    doc = Document()
    doc.add_paragraph(body)
    table = doc.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("{{ v }}")
    doc.sections[0].header.paragraphs[0].text = "{{ v }}"
    doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(folder / name)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    _template(tmp_path, "t.et.docx", "{{ v }}")
    return Engine(builtin_dir=tmp_path)


def test_engine_values_come_out_exactly_as_typed_everywhere(engine: Engine) -> None:
    out = docx_parts(engine.render("t.et.docx", {"v": HOSTILE}))
    assert out["body"].split("\n") == [HOSTILE, HOSTILE]  # paragraph and table cell
    assert out["header"] == HOSTILE
    assert out["footer"] == HOSTILE


def test_engine_drops_control_characters_and_keeps_line_breaks(engine: Engine) -> None:
    value = "esimene\x00\x07 rida\r\nteine\x0b\x0c rida\x1b"
    out = docx_parts(engine.render("t.et.docx", {"v": value}))
    assert out["footer"] == "esimene rida\nteine rida"
    assert out["body"].split("\n")[:2] == ["esimene rida", "teine rida"]


def test_engine_refuses_python_internals(tmp_path: Path) -> None:
    for i, body in enumerate((
        "{{ v.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ '{0.__class__.__mro__}'.format(v) }}",
    )):
        _template(tmp_path, f"bad{i}.et.docx", body, footer="")
        with pytest.raises(TemplateProblem) as err:
            Engine(builtin_dir=tmp_path).render(f"bad{i}.et.docx", {"v": "x"})
        assert err.value.code == "template_error"


def test_engine_refuses_an_undefined_variable(tmp_path: Path) -> None:
    _template(tmp_path, "typo.et.docx", "{{ recipeint.name }}", footer="")
    with pytest.raises(TemplateProblem, match="recipeint"):
        Engine(builtin_dir=tmp_path).render("typo.et.docx", {"recipient": {"name": "x"}})


def test_engine_none_prints_as_nothing(engine: Engine) -> None:
    assert docx_parts(engine.render("t.et.docx", {"v": None}))["footer"] == ""


def test_engine_office_template_overrides_builtin(tmp_path: Path) -> None:
    builtin, office = tmp_path / "b", tmp_path / "o"
    builtin.mkdir()
    office.mkdir()
    _template(builtin, "t.et.docx", "sisseehitatud {{ v }}")
    _template(office, "t.et.docx", "kontori oma {{ v }}")
    out = docx_parts(Engine(office, builtin_dir=builtin).render("t.et.docx", {"v": "1"}))
    assert out["body"].startswith("kontori oma 1")


def test_engine_caches_template_bytes(tmp_path: Path) -> None:
    _template(tmp_path, "t.et.docx", "{{ v }}")
    engine = Engine(builtin_dir=tmp_path)
    engine.render("t.et.docx", {"v": "a"})
    (tmp_path / "t.et.docx").unlink()  # still renders: bytes are in memory
    assert docx_parts(engine.render("t.et.docx", {"v": "b"}))["footer"] == "b"


def test_engine_compiles_a_template_once_and_an_edited_one_afresh(tmp_path: Path) -> None:
    from pipeline.render.engine import make_env

    env = make_env()
    _template(tmp_path, "t.et.docx", "esimene {{ v }}")
    first = Engine(tmp_path, builtin_dir=tmp_path)
    first.render("t.et.docx", {"v": "a"})
    compiled = dict(env._compiled.items())  # type: ignore[attr-defined]
    # Another engine (the casework makes one per call), other values: nothing compiled.
    out = docx_parts(Engine(tmp_path, builtin_dir=tmp_path).render("t.et.docx", {"v": "b"}))
    assert out["body"].startswith("esimene b") and out["footer"] == "b"
    assert dict(env._compiled.items()) == compiled  # type: ignore[attr-defined]
    # The office edits its template: its new source is compiled and read.
    _template(tmp_path, "t.et.docx", "teine {{ v }}")
    out = docx_parts(Engine(tmp_path, builtin_dir=tmp_path).render("t.et.docx", {"v": "c"}))
    assert out["body"].startswith("teine c")
    assert len(env._compiled) > len(compiled)  # type: ignore[attr-defined]


def test_engine_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match=r"ei leitud"):
        Engine(builtin_dir=tmp_path).render("puudub.et.docx", {})


def test_engine_lists_variables_with_loops(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ case_number }} {{ recipient.name }}")
    doc.add_paragraph("{%p for c in children %}")
    doc.add_paragraph("{{ c.name }}")
    doc.add_paragraph("{%p endfor %}")
    buf = io.BytesIO()
    doc.save(buf)
    (tmp_path / "x.et.docx").write_bytes(buf.getvalue())
    assert Engine(builtin_dir=tmp_path).variables("x.et.docx") == {
        "case_number", "recipient.name", "children", "children[].name"}


# --- the template taken apart once (render/docx_parts.py) against docxtpl itself --------

def _members(data: bytes) -> dict[str, bytes]:
    """Every zip member, its XML in canonical form (attribute order, quoting)."""
    import zipfile

    from lxml import etree

    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            blob = z.read(name)
            if name.endswith((".xml", ".rels")):
                blob = etree.tostring(etree.fromstring(blob), method="c14n")
            out[name] = blob
    return out


def _jobs() -> list[tuple[str, dict[str, object]]]:
    import datetime as dt

    from pipeline.render import context as ctx
    from pipeline.render import documents as d
    from pipeline.render.samples import sample_case

    today = dt.date(2026, 11, 26)
    jobs: list[tuple[str, dict[str, object]]] = []
    for lang in ("et", "ru", "en"):
        view = sample_case(lang)
        base = ctx.case_context(view, "et", today).as_dict()
        jobs += [("acknowledgement.et.docx", base), ("case_summary.et.docx", base),
                 ("blank_plan.et.docx", base), ("return_letter.et.docx", base)]
        for p in view.participants:
            plang = d.participant_lang(view, p)
            pc = ctx.case_context(view, plang, today, recipient=p).as_dict()
            jobs += [(f"{kind}.{plang}.docx", pc) for kind in
                     ("invitation", "plan", "follow_up_invitation", "agenda", "cancellation")]
    return jobs


def test_engine_split_template_renders_every_part_as_docxtpl_does(engine: Engine) -> None:
    from pipeline.render import docx_parts as split

    real = Engine()
    names = set()
    firsts = dict(reversed(_jobs()))  # each template once, with its first context
    for name, context in [*firsts.items(), ("t.et.docx", {"v": HOSTILE})]:
        eng = engine if name == "t.et.docx" else real
        data = eng.template_bytes(name)
        template = split.split(data)
        assert template is not None, name
        try:
            fast = template.render({**context, "provider_logo": ""}, eng.env)
        except TemplateError:
            continue  # a context the sample does not fill (the return letter's problems)
        assert _members(fast) == _members(eng._render_docxtpl(data, context)), name
        assert _members(eng.render(name, context)) == _members(fast)
        names.add(name)
    assert len(names) >= 15  # every letter kind in the three languages was compared


def test_engine_template_without_core_properties_goes_through_docxtpl(tmp_path: Path) -> None:
    import zipfile

    from pipeline.render import docx_parts as split

    _template(tmp_path, "full.et.docx", "{{ v }}")
    with zipfile.ZipFile(tmp_path / "full.et.docx") as zin, \
            zipfile.ZipFile(tmp_path / "bare.et.docx", "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                blob = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", blob)
            zout.writestr(info, blob)
    engine = Engine(builtin_dir=tmp_path)
    assert split.split(engine.template_bytes("bare.et.docx")) is None
    out = docx_parts(engine.render("bare.et.docx", {"v": HOSTILE}))
    assert out["header"] == HOSTILE and out["footer"] == HOSTILE
