"""The overview of the work done (*ülevaade tehtud tööst*), written when a case closes."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import EARLY, ok
from docx import Document
from test_render_helpers import fill_sdts

from pipeline.config import Settings
from pipeline.model.referral import Referral
from pipeline.register.cases import register_referral
from pipeline.register.db import session_factory

START = dt.date.today() + dt.timedelta(days=10)


@pytest.fixture
def home(tmp_path: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("PLR_DATABASE_URL", "PLR_LANG", "PLR_HOME", "PLR_PDF"):
        monkeypatch.delenv(var, raising=False)
    with session_factory(Settings(home=tmp_path))() as s:
        register_referral(session=s, referral=referral, warnings=[], source_file="a.pdf",
                          sha256="a" * 64, received_at=dt.datetime(2026, 11, 3, 9))
        s.commit()
    ok(tmp_path, "coordinator", "add", "--name", "Kadri Lepik", "--email", "kadri@example.ee")
    return tmp_path


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def test_reporting_overview_after_plan_and_follow_up(home: Path, referral: Referral) -> None:
    n = "PLR-2026-0001"
    ok(home, "case", "assign", n, "Kadri Lepik")
    ok(home, "case", "time", "add", n, "1h30m", "--activity", "preparation", "--date",
       "2026-11-05")
    ok(home, "case", "time", "add", n, "45m", "--activity", "travel", "--date", "2026-11-05")
    ok(home, "case", "schedule", n, "--at", f"{START} 17:00", "--place", "Türi Perekeskus",
       "--force")
    blank = next((home / "outbox" / n).glob("*tegevusplaani vorm*.docx"))
    filled = home / "plaan.docx"
    filled.write_bytes(fill_sdts(blank.read_bytes(), {
        "agreements[0].what": "Laps käib koolis.", "agreements[0].who": "ema",
        "agreements[0].by_when": "iga päev", "agreements[0].checks": "vanaema",
        "agreements[1].what": "Pere käib nõustamisel.", "agreements[1].who": "isa",
        "agreements[1].by_when": "kord nädalas", "agreements[1].checks": "suunaja"}))
    ok(home, "case", "plan", n, str(filled), *EARLY)
    ok(home, "case", "time", "add", n, "3h", "--activity", "conference")
    ok(home, "case", "followup", n, "--outcome", "continue", *EARLY)
    ok(home, "case", "close", n, "--reason", "plan_working")
    letters = list((home / "outbox" / n).glob("*ülevaade tehtud tööst*.docx"))
    assert [p.name.split(" – ")[-1] for p in letters] == [f"{referral.referrer.name}.docx"]
    text = _text(letters[0])
    for expected in ("Ülevaade tehtud tööst", f"Hea {referral.referrer.name}!",
                     "Juhtumi number PLR-2026-0001", "Kadri Lepik",
                     "Lõpetamise põhjus pere tegevusplaan toimib",
                     "Toimus lahendusring ja lepiti kokku pere tegevusplaan",
                     "leppisid kokku tegevusplaani, milles on 2 kokkulepet",
                     "Järelkohtumise tulemus: kokkulepped toimivad ja pere jätkab plaani järgi",
                     "Juhtumile kulus kokku 5,25 tundi", "ettevalmistus 1,50", "sõit 0,75",
                     "lahendusring 3,00", f"Lahendusring toimus {START.day}."):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    for child in referral.children:
        assert child.id_code and child.id_code not in text  # no isikukood in a letter


def test_reporting_overview_of_a_case_closed_early(home: Path) -> None:
    ok(home, "case", "close", "PLR-2026-0001", "--reason", "consent_withdrawn")
    letter = next((home / "outbox" / "PLR-2026-0001").glob("*ülevaade tehtud tööst*.docx"))
    text = _text(letter)
    assert "pere võttis nõusoleku tagasi" in text
    assert "Lahendusringini juhtumi käigus ei jõutud" in text
    assert "Tegevusplaani kokku ei lepitud" in text
    assert "Juhtumile ei ole tööaega märgitud" in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice and pdftoppm render the letter")
def test_reporting_overview_renders_as_a_page(home: Path, tmp_path: Path) -> None:
    ok(home, "case", "assign", "PLR-2026-0001", "Kadri Lepik")
    ok(home, "case", "time", "add", "PLR-2026-0001", "2h", "--activity", "family")
    ok(home, "case", "close", "PLR-2026-0001", "--reason", "moved_away")
    letter = next((home / "outbox" / "PLR-2026-0001").glob("*ülevaade tehtud tööst*.docx"))
    out = tmp_path / "png"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(out), str(letter)],
                   check=True, capture_output=True, timeout=180)
    pdf = next(out.glob("*.pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "page")], check=True,
                   timeout=60)
    pages = sorted(out.glob("page*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 5000


def test_reporting_overview_is_queued_to_the_referrer(
        home: Path, referral: Referral, monkeypatch: pytest.MonkeyPatch) -> None:
    import email
    from email import policy

    monkeypatch.setenv("PLR_SMTP_URL", "smtp://127.0.0.1:2525")
    ok(home, "case", "close", "PLR-2026-0001", "--reason", "referred_elsewhere")
    queued = list((home / "data" / "mail").glob("*.eml"))
    assert [p.name for p in queued] == ["PLR-2026-0001-ulevaade.eml"]
    msg = email.message_from_bytes(queued[0].read_bytes(), policy=policy.default)
    assert msg["To"] == referral.referrer.email
    assert [a.get_filename() for a in msg.iter_attachments()
            if "ülevaade" in (a.get_filename() or "")]
