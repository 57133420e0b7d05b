"""`plr templates check` and `plr preview` through the real command line."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from test_render_helpers import docx_text
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def test_render_cli_templates_check_passes_on_builtin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["templates", "check", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "korras  invitation.ru.docx (sisseehitatud)" in result.output


def test_render_cli_templates_check_fails_on_unknown_variable(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    doc = Document()
    doc.add_paragraph("Hea {{ saaja.nimi }}!")
    doc.save(tmp_path / "templates" / "agenda.ru.docx")
    result = runner.invoke(app, ["templates", "check", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "VIGA  agenda.ru.docx (kontori oma)" in result.output
    assert "tundmatu muutuja: saaja.nimi" in result.output


def test_render_cli_preview_writes_a_filled_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["preview", "kutse", "--lang", "ru", "--home", str(tmp_path),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "out").iterdir()
    text = docx_text(path.read_bytes())
    assert "Приглашение на семейную конференцию" in text and "Светлана Иванова" in text


def test_render_cli_preview_refuses_unknown_language(tmp_path: Path) -> None:
    result = runner.invoke(app, ["preview", "case_summary", "--lang", "ru",
                                 "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "ainult keeltes: et" in result.output
