"""A case through the conference from the command line, with the documents it writes."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import holidays
import pytest
from docx import Document
from test_render_helpers import fill_sdts
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Settings
from pipeline.model.referral import Referral
from pipeline.register.cases import register_referral
from pipeline.register.db import session_factory

runner = CliRunner()
# A Thursday some weeks ahead: booking a conference in the past is refused.
DAY = dt.date.today() + dt.timedelta(days=42 + (3 - dt.date.today().weekday()) % 7)
CONFERENCE = f"{DAY.isoformat()} 17:00"


def plr(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env={"COLUMNS": "160"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture
def home(tmp_path: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("PLR_DATABASE_URL", "PLR_LANG", "PLR_HOME"):
        monkeypatch.delenv(var, raising=False)
    factory = session_factory(Settings(home=tmp_path))
    with factory() as s:
        register_referral(
            session=s,
            referral=referral,
            warnings=[],
            source_file="a.pdf",
            sha256="a" * 64,
            received_at=dt.datetime(2026, 11, 20, 9),
        )
        s.commit()
    assert (
        plr(
            tmp_path,
            "coordinator",
            "add",
            "--name",
            "Kadri Lepik",
            "--email",
            "kadri.lepik@example.ee",
            "--languages",
            "et,ru",
        )[0]
        == 0
    )
    assert plr(tmp_path, "case", "assign", "PLR-2026-0001", "Kadri Lepik")[0] == 0
    return tmp_path


def schedule(home: Path, place: str = "Türi Perekeskus") -> Path:
    """Book the conference of case PLR-2026-0001; its outbox folder."""
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at", CONFERENCE,
                    "--place", place)
    assert code == 0, out
    return home / "outbox" / "PLR-2026-0001"


def _texts(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_casework_schedule_writes_invitations_agenda_and_blank_plan(
    home: Path, referral: Referral
) -> None:
    folder = schedule(home, "Türi Perekeskus, Tallinna 5")
    names = sorted(p.name for p in folder.iterdir())
    people = [c.name for c in referral.caregivers] + [n.name for n in referral.network]
    for person in people:
        assert f"{DAY} kutse – {person}.docx" in names
        assert f"{DAY} kutse – {person}.ics" in names
        assert person in _texts(folder / f"{DAY} kutse – {person}.docx")
    assert any("päevakord" in n for n in names)
    blank = next(folder.glob("*tegevusplaani vorm*.docx"))
    with zipfile.ZipFile(blank) as zf:
        body = zf.read("word/document.xml").decode()
        footers = "".join(zf.read(n).decode() for n in zf.namelist() if "footer" in n)
    assert "PLR-2026-0001" in body and "PLR-2026-0001" in footers
    ics = (folder / f"{DAY} kutse – {people[0]}.ics").read_text()
    assert f"DTSTART;TZID=Europe/Tallinn:{DAY:%Y%m%d}T170000" in ics
    assert "kadri.lepik@example.ee" in ics
    assert not list(folder.glob("*.tmp*"))


def test_casework_plan_writes_final_plan_and_follow_up(home: Path, referral: Referral) -> None:
    folder = schedule(home)
    blank = next(folder.glob("*tegevusplaani vorm*.docx"))
    filled = home / "täidetud plaan.docx"
    filled.write_bytes(
        fill_sdts(
            blank.read_bytes(),
            {
                "agreements[0].what": "Jüri läheb iga päev kooli & vanaema saadab ta bussini.",
                "agreements[0].who": "Ööbik Šmidt",
                "agreements[0].by_when": "iga koolipäev",
                "agreements[0].checks": "Helju Tamm",
                "contingency": "Kui Jüri puudub, helistab ema klassijuhatajale.",
            },
        )
    )
    code, out = plr(home, "case", "plan", "PLR-2026-0001", str(filled))
    assert code == 4 and "--force" in out  # the conference has not started yet
    code, out = plr(home, "case", "plan", "PLR-2026-0001", str(filled), "--force",
                    "--reason", "plaan lepiti kokku varem")
    assert code == 0, out
    # The section left empty is named to the coordinator.
    assert "Kuidas plaan tagab suunaja tingimused" in out
    plans = sorted(folder.glob(f"{DAY} tegevusplaan – *.docx"))
    assert len(plans) >= len(referral.caregivers)
    assert "Jüri läheb iga päev kooli & vanaema saadab ta bussini." in _texts(plans[0])
    follow_ups = sorted(folder.glob("* järelkohtumise kutse – *.ics"))
    assert follow_ups
    day = dt.date.fromisoformat(follow_ups[0].name[:10])
    assert day.weekday() < 5 and day not in holidays.country_holidays("EE", years=day.year)
    month_later = dt.date(DAY.year + DAY.month // 12, DAY.month % 12 + 1, min(DAY.day, 28))
    assert month_later <= day <= month_later + dt.timedelta(days=7)
    code, out = plr(home, "case", "show", "PLR-2026-0001", "--json")
    shown = json.loads(out)
    assert shown["state"] == "plan_agreed"


def test_casework_plan_of_another_case_is_refused(home: Path, tmp_path: Path) -> None:
    blank = next(schedule(home).glob("*tegevusplaani vorm*.docx"))
    code, out = plr(home, "case", "plan", "PLR-2026-0002", str(blank))
    assert code != 0
    assert "Traceback" not in out


def test_casework_purge_removes_the_case_files_too(home: Path) -> None:
    from pipeline.register.cases import get_case
    from pipeline.register.db import transaction

    schedule(home)
    archived = home / "archive" / "PLR-2026-0001"
    archived.mkdir(parents=True)
    (archived / "suunamine.pdf").write_bytes(b"%PDF-1.4")
    other = home / "outbox" / "PLR-2026-0002"
    other.mkdir()
    (other / "kiri.docx").write_bytes(b"PK")
    assert plr(home, "case", "close", "PLR-2026-0001", "--reason", "moved_away")[0] == 0
    with transaction(session_factory(Settings(home=home))) as s:
        get_case(session=s, number="PLR-2026-0001").closed_at = dt.datetime(2020, 1, 1)
    code, out = plr(home, "purge", "--older-than", "5y", "--dry-run")
    assert code == 0 and "PLR-2026-0001" in out
    assert (home / "outbox" / "PLR-2026-0001").is_dir()  # a dry run deletes nothing
    code, out = plr(home, "purge", "--older-than", "5y", "--yes")
    assert code == 0, out
    assert not (home / "outbox" / "PLR-2026-0001").exists() and not archived.exists()
    assert (other / "kiri.docx").exists()


# --- moved and cancelled meetings -------------------------------------------------------


def _event(path: Path) -> Any:
    from icalendar import Calendar

    cal = Calendar.from_ical(path.read_bytes())
    return cal, cal.walk("VEVENT")[0]


def test_casework_reschedule_supersedes_the_old_invitations(
    home: Path, referral: Referral
) -> None:
    folder = schedule(home)
    person = referral.caregivers[0].name
    old_ics = folder / f"{DAY} kutse – {person}.ics"
    _, old_event = _event(old_ics)
    new_day = DAY + dt.timedelta(days=7)
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at",
                    f"{new_day.isoformat()} 17:00", "--place", "Türi Perekeskus")
    assert code == 0, out
    names = {p.name for p in folder.iterdir() if p.is_file()}
    # The plain names are the new meeting's; nothing carries " (2)".
    assert f"{new_day} kutse – {person}.docx" in names
    assert not any("(2)" in n for n in names)
    assert not any(n.startswith(f"{DAY} kutse") or n.startswith(f"{DAY} päevakord")
                   for n in names)
    superseded = {p.name for p in (folder / "asendatud").iterdir()}
    assert f"{DAY} kutse – {person}.docx" in superseded
    assert f"{DAY} kutse – {person}.ics" in superseded
    assert any("tegevusplaani vorm" in n for n in superseded)
    # Everyone invited to the old time gets a cancellation notice and a CANCEL .ics.
    notice = folder / f"{DAY} tühistamisteade – {person}.docx"
    assert "Lahendusringi aeg on muutunud" in _texts(notice)
    cal, cancel = _event(folder / f"{DAY} tühistamisteade – {person}.ics")
    assert str(cal["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert cancel["UID"] == old_event["UID"]
    _, new_event = _event(folder / f"{new_day} kutse – {person}.ics")
    assert new_event["UID"] == old_event["UID"]
    assert int(new_event["SEQUENCE"]) > int(cancel["SEQUENCE"]) > int(old_event["SEQUENCE"])


def test_casework_close_cancels_the_meeting_ahead(home: Path, referral: Referral) -> None:
    folder = schedule(home)
    person = referral.caregivers[0].name
    code, out = plr(home, "case", "close", "PLR-2026-0001", "--reason", "consent_withdrawn")
    assert code == 0, out
    assert (folder / "asendatud" / f"{DAY} kutse – {person}.docx").exists()
    notice = folder / f"{DAY} tühistamisteade – {person}.docx"
    assert "Lahendusring jääb ära" in _texts(notice)
    cal, cancel = _event(folder / f"{DAY} tühistamisteade – {person}.ics")
    assert str(cal["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"


def test_casework_schedule_on_a_holiday_needs_force(home: Path) -> None:
    year = DAY.year + 1
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at", f"24.12.{year} 11.00",
                    "--place", "Türi Perekeskus")
    assert code == 4 and "jõululaupäev" in out and "--force" in out
    assert not (home / "outbox" / "PLR-2026-0001").exists()
    code, out = plr(home, "case", "schedule", "PLR-2026-0001", "--at", f"24.12.{year} 11.00",
                    "--place", "Türi Perekeskus", "--force")
    assert code == 0, out
    shown = json.loads(plr(home, "case", "show", "PLR-2026-0001", "--json")[1])
    assert "jõululaupäev" in shown["history"][-1]["note"]


def test_casework_participant_edit_and_remove_keep_history(home: Path) -> None:
    code, out = plr(home, "case", "participant", "add", "PLR-2026-0001", "--name", "Olga",
                    "--email", "olga@example.ee")
    assert code != 0 and "ees- ja perekonnanime" in out
    code, out = plr(home, "case", "participant", "add", "PLR-2026-0001", "--name",
                    "Olga Õpetaja", "--phone", "12")
    assert code != 0 and "Telefoninumber" in out
    code, out = plr(home, "case", "participant", "add", "PLR-2026-0001", "--name",
                    "Olga Õpetaja", "--email", "olga@example.ee", "--relation", "klassijuhataja")
    assert code == 0, out
    shown = json.loads(plr(home, "case", "show", "PLR-2026-0001", "--json")[1])
    olga = next(p for p in shown["participants"] if p["name"] == "Olga Õpetaja")
    code, out = plr(home, "case", "participant", "edit", "PLR-2026-0001", str(olga["id"]),
                    "--phone", "5123 4567")
    assert code == 0, out
    folder = schedule(home)
    assert (folder / f"{DAY} kutse – Olga Õpetaja.docx").exists()
    code, out = plr(home, "case", "participant", "remove", "PLR-2026-0001", str(olga["id"]))
    assert code == 0, out
    assert not (folder / f"{DAY} kutse – Olga Õpetaja.docx").exists()
    assert (folder / "asendatud" / f"{DAY} kutse – Olga Õpetaja.docx").exists()
    assert (folder / "asendatud" / f"{DAY} kutse – Olga Õpetaja.ics").exists()
    shown = json.loads(plr(home, "case", "show", "PLR-2026-0001", "--json")[1])
    assert all(p["name"] != "Olga Õpetaja" for p in shown["participants"])
    assert shown["history"][-1]["note"] == f"osaleja {olga['id']} eemaldatud"
    from sqlalchemy import select

    from pipeline.register.tables import Participant as Row

    with session_factory(Settings(home=home))() as s:
        row = s.execute(select(Row).where(Row.id == olga["id"])).scalar_one()
        assert row.removed_at is not None and row.phone == "+37251234567"
        assert [h["change"] for h in row.history or []] == ["muudetud", "eemaldatud"]


def test_casework_russian_family_gets_translated_texts_and_relations(
    tmp_path: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("PLR_DATABASE_URL", "PLR_LANG", "PLR_HOME"):
        monkeypatch.delenv(var, raising=False)
    network = [referral.network[0].model_copy(update={"relation": "hea tuttav"})]
    caregivers = [c.model_copy(update={"relation": "ema"}) for c in referral.caregivers]
    ru = referral.model_copy(update={"family_language": "ru", "network": network,
                                     "caregivers": caregivers})
    with session_factory(Settings(home=tmp_path))() as s:
        register_referral(session=s, referral=ru, warnings=[], source_file="a.pdf",
                          sha256="b" * 64, received_at=dt.datetime(2026, 11, 20, 9))
        s.commit()
    plr(tmp_path, "coordinator", "add", "--name", "Kadri Lepik", "--email",
        "kadri.lepik@example.ee", "--languages", "et,ru")
    assert plr(tmp_path, "case", "assign", "PLR-2026-0001", "Kadri Lepik")[0] == 0
    code, out = plr(tmp_path, "case", "translate", "PLR-2026-0001", "--lang", "ru",
                    "--question", "Как семья обеспечит, что Юри каждый день ходит в школу?")
    assert code == 0, out
    code, out = plr(tmp_path, "case", "schedule", "PLR-2026-0001", "--at", CONFERENCE,
                    "--place", "Türi Perekeskus")
    assert code == 0, out
    assert "„hea tuttav“" in out  # the coordinator is told what stays untranslated
    folder = tmp_path / "outbox" / "PLR-2026-0001"
    agenda = _texts(next(folder.glob("*päevakord*vene keeles.docx")))
    assert "Как семья обеспечит" in agenda and "мать" in agenda and "hea tuttav" in agenda
    assert referral.question and referral.question not in agenda
    # The bottom lines were not translated: printed as the referrer wrote them, marked.
    assert "Текст направившего специалиста (на эстонском языке)" in agenda
