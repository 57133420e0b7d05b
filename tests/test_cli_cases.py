"""The case commands: tables for people, --json with stable keys, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Settings
from pipeline.model.referral import Referral
from pipeline.register import ledger
from pipeline.register.cases import register_referral
from pipeline.register.db import session_factory

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("PLR_DATABASE_URL", "PLR_LANG", "PLR_HOME"):
        monkeypatch.delenv(var, raising=False)
    factory = session_factory(Settings(home=tmp_path))
    with factory() as s:
        ru_child = referral.children[0].model_copy(update={"id_code": "61811230139",
                                                           "name": "Anna Ivanova"})
        for i, r in enumerate([referral, referral.model_copy(
                update={"children": [ru_child], "family_language": "ru"})]):
            register_referral(session=s, referral=r, warnings=[], source_file=f"{i}.pdf",
                              sha256=f"{i}" * 64, received_at=dt.datetime(2026, 11, 20 + i, 9))
        entry = ledger.record_arrival(session=s, file_name="0.pdf", sha256="0" * 64,
                                      received_at=dt.datetime(2026, 11, 20, 9))
        ledger.close_entry(session=s, entry_id=entry, outcome="registered",
                           cases=["PLR-2026-0001"], codes=["W03"], reason="")
        s.commit()
    return tmp_path


def plr(home: Path, *args: str, lang: str = "et", columns: int = 160) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env={"PLR_LANG": lang,
                                                                  "COLUMNS": str(columns)})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_cli_cases_json_has_stable_keys(home: Path) -> None:
    code, out = plr(home, "cases", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["number"] for r in rows] == ["PLR-2026-0001", "PLR-2026-0002"]
    assert {"number", "state", "received_at", "municipality", "children", "coordinator",
            "queue_position"} <= set(rows[0])
    assert rows[0]["children"] == ["Säde Tamm", "Jüri Tamm"]
    assert rows[1]["queue_position"] == 2
    code, out = plr(home, "cases", "--state", "assigned", "--json")
    assert json.loads(out) == []


def test_cli_cases_table_in_estonian_and_english(home: Path) -> None:
    assert "registreeritud" in plr(home, "cases")[1]
    assert "registered" in plr(home, "cases", lang="en")[1]


def test_cli_case_workflow(home: Path) -> None:
    assert plr(home, "coordinator", "add", "--name", "Kati Karu", "--email", "kati@example.ee",
               "--languages", "et,ru", "--capacity", "3")[0] == 0
    coords = json.loads(plr(home, "coordinator", "list", "--json")[1])
    assert coords[0]["languages"] == ["et", "ru"] and coords[0]["open_cases"] == 0
    show = json.loads(plr(home, "case", "show", "PLR-2026-0001", "--json")[1])
    assert show["suggestions"][0]["name"] == "Kati Karu"
    assert plr(home, "case", "assign", "PLR-2026-0001", "kati@example.ee")[0] == 0
    code, out = plr(home, "case", "participant", "add", "PLR-2026-0001", "--name", "Olga Õpetaja",
                    "--role", "information_giver", "--email", "olga@example.ee",
                    "--relation", "klassijuhataja")
    assert code == 0 and "osaleja" in out
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at", "2099-12-03 17:00",
                    "--place", "Türi Perekeskus")
    assert code == 0 and "03.12.2099 17:00" in out
    show = json.loads(plr(home, "case", "show", "PLR-2026-0001", "--json")[1])
    assert show["state"] == "scheduled" and show["conference"]["place"] == "Türi Perekeskus"
    assert [h["to"] for h in show["history"]] == ["registered", "assigned", "preparing",
                                                  "scheduled"]
    assert show["participants"][-1]["parts"] == [1]
    code, out = plr(home, "case", "show", "PLR-2026-0001")
    assert code == 0 and "Ajalugu" in out and "Olga Õpetaja" in out
    code, out = plr(home, "case", "close", "PLR-2026-0001", "--reason", "consent_withdrawn")
    assert code == 0 and "PLR-2026-0002" in out  # the waiting case is offered


def test_cli_case_refusals_exit_4_with_reason(home: Path) -> None:
    plr(home, "coordinator", "add", "--name", "Küllike Õunapuu-Žukovskaja", "--email",
        "k@example.ee")
    code, out = plr(home, "case", "assign", "PLR-2026-0001", "1")
    assert code == 4 and "suunaja" in out
    code, out = plr(home, "case", "followup", "PLR-2026-0001", "--outcome", "continue")
    assert code == 4 and "registreeritud" in out
    code, out = plr(home, "case", "show", "PLR-2026-0999")
    assert code == 3 and "PLR-2026-0999" in out
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at", "homme", "--place", "x")
    assert code != 0 and "2026-12-03 17:00" in out


def test_cli_intake_json(home: Path) -> None:
    rows = json.loads(plr(home, "intake", "--json")[1])
    assert rows == [{"id": 1, "file": "0.pdf", "sha256": "0" * 64,
                     "received_at": "2026-11-20T09:00:00", "outcome": "registered",
                     "cases": ["PLR-2026-0001"], "codes": ["W03"], "reason": "",
                     "placed": None}]


def test_cli_purge_dry_run_and_confirmation(home: Path) -> None:
    code, out = plr(home, "purge", "--older-than", "5y", "--dry-run")
    assert code == 0 and "ei ole" in out
    code, out = plr(home, "purge", "--older-than", "5x")
    assert code != 0 and "periood" in out


def test_cli_cases_wrong_use_never_a_traceback(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "case", "assign", "nonsense", "x", "--home",
         str(home)], capture_output=True, text=True, timeout=120,
    )
    # A malformed case number is wrong input (2); a well-formed unknown one is not found (3).
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "PLR-2026-0001" in result.stderr


def test_cli_cases_missing_file_is_named_in_the_users_language(home: Path) -> None:
    code, out = plr(home, "case", "plan", "PLR-2026-0001", "puudub.docx", lang="en")
    assert code == 2 and "No such file: puudub.docx" in out and "Error:" in out
    code, out = plr(home, "case", "plan", "PLR-2026-0001", "puudub.docx")
    assert code == 2 and "Faili ei ole: puudub.docx" in out


def test_cli_cases_coordinator_list_has_the_phone(home: Path) -> None:
    plr(home, "coordinator", "add", "--name", "Kadri Lepik", "--email", "k.lepik@example.ee",
        "--phone", "+372 5123 4567")
    code, out = plr(home, "coordinator", "list")
    assert code == 0 and "5123 4567" in out and "Telefon" in out


def test_cli_case_show_gives_the_referral_in_its_own_words(home: Path, referral: Referral) -> None:
    code, out = plr(home, "case", "show", "PLR-2026-0001")
    assert code == 0
    flat = " ".join(out.split())
    for text in (referral.question, referral.factors.parenting.risk, "Suunamise alus",
                 "Küsimus, millele pere plaan peab vastama", "Ajalugu"):
        assert text and " ".join(text.split()) in flat


def test_cli_intake_outcome_filter_limit_and_folder_column(tmp_path: Path) -> None:
    from pipeline import process
    from pipeline.config import Layout, Settings

    Layout(tmp_path).ensure()
    ctx = process.make_context(Settings(home=tmp_path, database_url=None))
    for name, data in (("katki.pdf", b"%PDF-1.4 broken %%EOF"), ("juhuslik.bin", b"\x00" * 64)):
        src = tmp_path / "inbox" / name
        src.write_bytes(data)
        from pipeline.intake.claim import Owner
        claimed = Owner(ctx.layout).claim(src)
        assert claimed is not None
        import hashlib
        process.run(process.record_claimed(ctx, claimed, hashlib.sha256(data).hexdigest()), ctx)
    rows = json.loads(plr(tmp_path, "intake", "--json", "--outcome", "quarantined")[1])
    assert [r["file"] for r in rows] == ["juhuslik.bin", "katki.pdf"]  # newest first
    assert all(r["placed"].startswith("quarantine/") for r in rows)
    assert len(json.loads(plr(tmp_path, "intake", "--json", "--limit", "1")[1])) == 1
    assert json.loads(plr(tmp_path, "intake", "--json", "--outcome", "returned")[1]) == []
    code, out = plr(tmp_path, "intake")
    assert code == 0 and "quarantine/" in out and "Kaust" in out
    code, out = plr(tmp_path, "intake", "--outcome", "kadunud")
    assert code != 0 and "Tundmatu tulemus" in out and "Traceback" not in out


MUNICIPALITIES = ("Saaremaa vald", "Tallinna linn", "Põhja-Sakala vald", "Lääne-Harju vald")


@pytest.fixture
def long_home(tmp_path: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A register as an office has it: cases of two children with double names, long
    municipality names, a coordinator with a double name, and intake rows with Estonian
    file names and the real, long quarantine reasons."""
    import hashlib

    from pipeline import process
    from pipeline.config import Layout
    from pipeline.intake.claim import Owner
    from pipeline.model import isikukood

    for var in ("PLR_DATABASE_URL", "PLR_LANG", "PLR_HOME"):
        monkeypatch.delenv(var, raising=False)
    Layout(tmp_path).ensure()
    settings = Settings(home=tmp_path, database_url=None)
    born = (dt.date(2018, 11, 23), dt.date(2015, 3, 5))
    with session_factory(settings)() as s:
        for i, (place, surname) in enumerate(zip(MUNICIPALITIES, (
                "Kõrvemaa", "Tamm", "Ivanova", "Õunapuu"), strict=True)):
            children = [referral.children[k].model_copy(update={
                "name": f"{first} {surname}", "birth_date": born[k],
                "id_code": isikukood.make(born[k], k == 0, 10 * i + k)})
                for k, first in enumerate(("Säde-Liis", "Jüri-Mattias"))]
            referrer = referral.referrer.model_copy(update={"municipality": place})
            register_referral(session=s, referral=referral.model_copy(
                update={"children": children, "referrer": referrer}), warnings=[],
                source_file=f"{i}.pdf", sha256=f"{i}" * 64,
                received_at=dt.datetime(2026, 11, 20 + i, 9, 15))
            entry = ledger.record_arrival(
                session=s, file_name=f"Suunamine_{place.replace(' ', '_')}_Õunapuu-Žukovskaja.pdf",
                sha256=f"{i}" * 64, received_at=dt.datetime(2026, 11, 20 + i, 9, 15))
            ledger.close_entry(session=s, entry_id=entry, outcome="registered",
                               cases=[f"PLR-2026-000{i + 1}"], codes=["W03"], reason="")
        s.commit()
    plr(tmp_path, "coordinator", "add", "--name", "Kadri-Liis Õunapuu", "--email",
        "kadri@example.ee", "--languages", "et,ru")
    plr(tmp_path, "case", "assign", "PLR-2026-0002", "kadri@example.ee")
    ctx = process.make_context(settings)
    for name, data in (("Suunamine_Ülemiste_Õunapuu_katki.pdf", b"%PDF-1.4 broken %%EOF"),
                       ("skänneeritud_pöördumine.bin", b"\x00" * 64)):
        src = tmp_path / "inbox" / name
        src.write_bytes(data)
        claimed = Owner(ctx.layout).claim(src)
        assert claimed is not None
        process.run(process.record_claimed(ctx, claimed, hashlib.sha256(data).hexdigest()), ctx)
    return tmp_path


def _shown_words(home: Path, lang: str) -> dict[str, set[str]]:
    """Every word `plr cases` and `plr intake` show, from their --json rows."""
    from pipeline.i18n import state_label, t

    cases = json.loads(plr(home, "cases", "--json")[1])
    entries = json.loads(plr(home, "intake", "--json")[1])
    assert len(cases) == 4 and any(e["outcome"] == "quarantined" for e in entries)
    texts = {
        "cases": [" ".join([c["number"], state_label(c["state"], lang), c["municipality"],
                            ", ".join(c["children"]), c["coordinator"] or ""])
                  for c in cases],
        "intake": [" ".join([e["file"], e["reason"] or "", t(lang, f"outcome.{e['outcome']}"),
                             *e["cases"]]) for e in entries],
    }
    return {k: {w for text in v for w in text.split()} for k, v in texts.items()}


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("columns", [80, 100, 140])
def test_cli_tables_in_a_narrow_terminal_break_no_word(long_home: Path, columns: int,
                                                       lang: str) -> None:
    words = _shown_words(long_home, lang)
    assert {"Saaremaa", "Põhja-Sakala", "Jüri-Mattias", "Kadri-Liis"} <= words["cases"]
    assert "Suunamine_Ülemiste_Õunapuu_katki.pdf" in words["intake"]
    assert len(words["intake"]) > 30  # the quarantine reasons are long sentences
    for command in ("cases", "intake"):
        code, out = plr(long_home, command, lang=lang, columns=columns)
        assert code == 0
        assert max(len(line) for line in out.splitlines()) <= columns, (command, columns)
        assert "…" not in out  # no value hides behind an ellipsis
        # A word broken in the middle is no longer there whole.
        missing = sorted(words[command] - set(out.split()))
        assert not missing, (command, columns, lang, missing)
    # The time of arrival stays when it fits (it does here, even at 80 columns).
    assert "09:15" in plr(long_home, "cases", lang=lang, columns=columns)[1].split()


def test_cli_tables_not_on_a_terminal_are_80_columns(long_home: Path) -> None:
    words = _shown_words(long_home, "et")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    for command in ("cases", "intake"):
        run = subprocess.run([sys.executable, "-m", "pipeline", command, "--home",
                              str(long_home)], env=env, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        assert max(len(line) for line in run.stdout.splitlines()) <= 80
        assert not words[command] - set(run.stdout.split())
        assert "\x1b[" not in run.stdout  # no styles into a pipe


@pytest.mark.parametrize("columns", [80, 120])
def test_cli_cases_tables_never_break_a_word_that_fits(home: Path, columns: int) -> None:
    plr(home, "coordinator", "add", "--name", "Kadri Lepik", "--email",
        "kadri.lepik@example.ee", "--phone", "+372 5123 4567", "--languages", "et,ru")
    plr(home, "case", "assign", "PLR-2026-0002", "Kadri Lepik")
    plr(home, "case", "participant", "add", "PLR-2026-0002", "--name",
        "Olga Ivanova-Tšernõševa", "--email", "olga.ivanova@example.ee",
        "--relation", "sotsiaalpedagoog")
    shown = json.loads(plr(home, "case", "show", "PLR-2026-0002", "--json")[1])
    words = {w for p in shown["participants"] for w in p["name"].split()}
    words |= {"kadri.lepik@example.ee", "20.11.2026", "09:00", "sotsiaalpedagoog",
              "registreeritud", "PLR-2026-0001", "PLR-2026-0002"}
    outputs = [plr(home, *args, columns=columns)[1] for args in (
        ("cases",), ("case", "show", "PLR-2026-0002"), ("coordinator", "list"), ("intake",))]
    text = "\n".join(outputs)
    assert all(len(line) <= columns for line in text.splitlines())
    for word in sorted(words):
        assert word in text, (columns, word)


def test_cli_cases_help_shows_no_bool_metavar(home: Path) -> None:
    for args in (("--help",), ("case", "schedule", "--help"), ("cases", "--help")):
        result = runner.invoke(app, list(args), env={"COLUMNS": "100"})
        assert result.exit_code == 0 and "<bool>" not in result.output
        assert "--help" in result.output


def test_cli_options_given_a_value_are_still_checked(home: Path) -> None:
    # An option left out skips typer's pydantic adapter (issue 8); one given goes through it.
    code, out = plr(home, "intake", "--limit", "0")
    assert code == 2 and "--limit" in out
    code, out = plr(home, "intake", "--limit", "kaks")
    assert code == 2 and "--limit" in out
    assert len(json.loads(plr(home, "intake", "--json", "--limit", "1")[1])) == 1
    assert plr(home, "cases", "--state", "registered", "--json")[0] == 0
