"""Time log, payers and contracts, and the monthly statement, through the real commands,
on SQLite and (with PLR_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Settings
from pipeline.errors import Refused
from pipeline.model.referral import Referral
from pipeline.register.cases import register_referral
from pipeline.register.db import session_factory
from pipeline.register.tables import CasePayer, Payer, Statement, TimeEntry
from pipeline.register.testing import distinct_referral

runner = CliRunner()
TODAY = dt.date.today()
# A month that is over, and the one before it: statements are made for past months.
LAST = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
PREV = (LAST - dt.timedelta(days=1)).replace(day=1)


def _key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


@pytest.fixture
def home(tmp_path: Path, db_url: str, referral: Referral,
         monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("PLR_LANG", "PLR_HOME", "PLR_PDF"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PLR_DATABASE_URL", db_url)
    assert plr(tmp_path, "payer", "add", "--code", "turi", "--name", "Türi Vallavalitsus",
               "--municipality", "Türi vald")[0] == 0
    assert plr(tmp_path, "payer", "add", "--code", "ska", "--name", "Sotsiaalkindlustusamet",
               "--default")[0] == 0
    factory = session_factory(Settings(home=tmp_path, database_url=db_url))
    with factory() as s:
        for i, town in enumerate(["Türi vald", "Türi vald", "Tartu linn"]):
            r = distinct_referral(referral, 7, i)
            r = r.model_copy(update={"referrer": r.referrer.model_copy(
                update={"municipality": town})})
            register_referral(session=s, referral=r, warnings=[], source_file=f"{i}.pdf",
                              sha256=f"{i}" * 64,
                              received_at=dt.datetime.combine(PREV, dt.time(9)))
        s.commit()
    return tmp_path


def plr(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def add(home: Path, number: str, duration: str, activity: str, day: dt.date,
        *extra: str) -> int:
    code, out = plr(home, "case", "time", "add", number, duration, "--activity", activity,
                    "--date", day.isoformat(), "--json", *extra)
    assert code == 0, out
    entry_id: int = json.loads(out)["id"]
    return entry_id


def statement(home: Path, payer: str, month: dt.date, *extra: str) -> dict[str, object]:
    code, out = plr(home, "statement", payer, _key(month), "--json", *extra)
    assert code == 0, out
    data: dict[str, object] = json.loads(out)
    return data


def _hour_sum(minutes: int, rate: str) -> Decimal:
    return (Decimal(minutes) * Decimal(rate) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_reporting_case_gets_payer_of_its_municipality_and_it_can_change(
        home: Path, db_url: str) -> None:
    with session_factory(Settings(home=home, database_url=db_url))() as s:
        pinned = {r.case_id: s.get(Payer, r.payer_id).code  # type: ignore[union-attr]
                  for r in s.query(CasePayer)}
    assert sorted(pinned.values()) == ["ska", "turi", "turi"]
    assert json.loads(plr(home, "case", "time", "list", _number(3), "--json")[1]
                      )["payer"] == "ska"  # Tartu has no payer of its own: the default
    code, _ = plr(home, "case", "payer", _number(3), "turi")
    assert code == 0
    assert json.loads(plr(home, "case", "time", "list", _number(3), "--json")[1])["payer"] \
        == "turi"
    assert plr(home, "case", "payer", _number(3), "nobody")[0] == 3


def _number(i: int) -> str:
    return f"PLR-{PREV.year}-{i:04d}"


def test_reporting_time_entries_refuse_names_future_and_bad_durations(home: Path) -> None:
    n = _number(1)
    code, out = plr(home, "case", "time", "add", n, "1h30m", "--activity", "preparation",
                    "--note", "Kõne Helju Tamm'ega")
    assert code == 2 and "nimeta" in out
    code, out = plr(home, "case", "time", "add", n, "kaks tundi", "--activity", "preparation")
    assert code == 2 and "1h30m" in out
    code, out = plr(home, "case", "time", "add", n, "1h", "--activity", "golf")
    assert code == 2 and "preparation" in out
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    code, out = plr(home, "case", "time", "add", n, "1h", "--activity", "travel",
                    "--date", future)
    assert code == 2 and "tulevikus" in out
    code, out = plr(home, "case", "time", "add", n, "-30m", "--activity", "travel")
    assert code == 2 and "--corrects" in out
    add(home, n, "1,5h", "family", PREV, "--note", "kodukülastus")
    listed = json.loads(plr(home, "case", "time", "list", n, "--json")[1])
    assert listed["total_minutes"] == 90 and listed["entries"][0]["note"] == "kodukülastus"


def test_reporting_statement_sums_exactly_and_issued_never_changes(
        home: Path, db_url: str) -> None:
    # Türi: 25 €/h until the 15th, 27,50 €/h after; travel is not billable; quarter hours.
    mid = PREV.replace(day=15)
    for number, rate, start, end in (("TV-1", "25", PREV.replace(day=1), mid),
                                     ("TV-2", "27,50", mid + dt.timedelta(days=1), None)):
        args = ["contract", "add", "turi", "--number", number, "--rate", rate, "--from",
                start.isoformat(), "--billable",
                "preparation,family,network,conference,follow_up,documents", "--rounding", "15"]
        assert plr(home, *args, *(["--to", end.isoformat()] if end else []))[0] == 0
    one, two = _number(1), _number(2)
    first = add(home, one, "1h10m", "preparation", PREV.replace(day=3))
    add(home, one, "45m", "travel", PREV.replace(day=3))
    add(home, one, "3h", "conference", PREV.replace(day=20))
    add(home, one, "20m", "documents", PREV.replace(day=21))
    add(home, two, "2h", "family", PREV.replace(day=10))
    draft = statement(home, "turi", PREV)
    assert draft["number"] is None
    lines = draft["lines"]
    assert isinstance(lines, list)
    got = {(ln["case"], ln["contract"]): ln for ln in lines}
    # one, TV-1: 70 min billable → 75 (rounded up to 15) at 25 €; travel listed, not billed.
    assert got[(one, "TV-1")]["minutes"] == {"preparation": 70, "travel": 45}
    assert got[(one, "TV-1")]["billed_minutes"] == 75
    assert Decimal(got[(one, "TV-1")]["sum"]) == _hour_sum(75, "25") == Decimal("31.25")
    # one, TV-2: 200 min → 210 at 27,50 €.
    assert Decimal(got[(one, "TV-2")]["sum"]) == _hour_sum(210, "27.50") == Decimal("96.25")
    assert Decimal(got[(two, "TV-1")]["sum"]) == Decimal("50.00")
    total = sum(Decimal(ln["sum"]) for ln in lines)
    assert Decimal(str(draft["total"])) == total == Decimal("177.50")

    issued = statement(home, "turi", PREV, "--issue")
    number = issued["number"]
    assert isinstance(number, str) and number.startswith("A-")
    assert issued["lines"] == draft["lines"] and issued["total"] == draft["total"]
    files = {Path(f).suffix: home / str(f) for f in issued["files"]}  # type: ignore[attr-defined]
    assert {".docx", ".csv", ".xlsx"} <= set(files)
    rows = list(csv.DictReader(io.StringIO(files[".csv"].read_text("utf-8"))))
    assert sum(Decimal(r["sum"]) for r in rows if r["case"] != "TOTAL") == total
    assert next(r for r in rows if r["case"] == "TOTAL")["sum"] == "177.50"
    sheet = load_workbook(files[".xlsx"]).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Kokku"]
    assert Decimal(str(values[0][-1])) == total

    # Locked: a late entry for that month and a correction go on the next statement.
    add(home, two, "30m", "network", PREV.replace(day=28))
    add(home, one, "-1h10m", "preparation", LAST.replace(day=2), "--corrects", str(first))
    again = statement(home, "turi", PREV)
    assert again["number"] == number and again["already_issued"] is True
    assert again["lines"] == issued["lines"] and again["total"] == issued["total"]
    assert plr(home, "statement", "turi", _key(PREV), "--issue")[0] == 0  # same one again
    assert again["files"] == issued["files"]  # written once, then kept as issued
    assert sorted(p.name for p in (home / "outbox" / "aruanded").glob(f"*{number}*")) == \
        sorted(Path(str(f)).name for f in issued["files"])  # type: ignore[attr-defined]
    listed = json.loads(plr(home, "case", "time", "list", one, "--json")[1])
    assert {e["id"]: e["statement"] for e in listed["entries"]}[first] == number
    nxt = statement(home, "turi", LAST)
    nl = {ln["case"]: ln for ln in nxt["lines"]}  # type: ignore[attr-defined]
    assert nl[one]["billed_minutes"] == -70 and Decimal(nl[one]["sum"]) == Decimal("-32.08")
    # The late entry is dated after the 15th: 27,50 €/h.
    assert nl[two]["billed_minutes"] == 30 and Decimal(nl[two]["sum"]) == Decimal("13.75")

    # Not even the register's own code can change an issued statement or its entries.
    with session_factory(Settings(home=home, database_url=db_url))() as s:
        _cannot(s, lambda: setattr(s.query(Statement).one(), "total_cents", 1))
        _cannot(s, lambda: setattr(s.get(TimeEntry, first), "minutes", 5))
        _cannot(s, lambda: s.delete(s.get(TimeEntry, first)))
        row = s.query(Statement).one()
        assert row.total_cents == 17750
    assert json.loads(plr(home, "statement", "turi", _key(PREV), "--json")[1]
                      )["total"] == "177.50"


def _cannot(s: Session, change: object) -> None:
    assert callable(change)
    change()
    with pytest.raises(Refused):
        s.flush()
    s.rollback()


def test_reporting_statement_per_case_fee_after_closing_and_refusals(home: Path) -> None:
    assert plr(home, "contract", "add", "ska", "--number", "SKA-9", "--rate", "400",
               "--per", "case", "--from", PREV.isoformat())[0] == 0
    three = _number(3)
    add(home, three, "2h", "family", PREV.replace(day=5))
    assert statement(home, "ska", PREV)["lines"] == []  # open case: no fee yet
    code, out = plr(home, "statement", "ska", _key(PREV), "--issue")
    assert code == 4 and "arveldada" in out
    assert plr(home, "case", "close", three, "--reason", "moved_away")[0] == 0
    lines = statement(home, "ska", TODAY.replace(day=1))["lines"]  # closed this month
    assert isinstance(lines, list) and [ln["sum"] for ln in lines] == ["400.00"]
    # No contract covers the Türi case's time: the statement says so instead of dropping it.
    add(home, _number(1), "1h", "family", PREV.replace(day=5))
    code, out = plr(home, "statement", "turi", _key(PREV))
    assert code == 4 and _number(1) in out
    code, out = plr(home, "statement", "turi", "2099-01")
    assert code == 4
    code, out = plr(home, "statement", "turi", "detsember")
    assert code == 4 and "2026-12" in out
