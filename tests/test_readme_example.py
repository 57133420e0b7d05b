"""The README's coordinator's day runs as written, in a fresh folder, with real processes."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from sqlalchemy import text
from test_render_helpers import fill_sdts

from pipeline.config import Settings
from pipeline.register.db import session_factory
from pipeline.render.dates import booking_problems

ROOT = Path(__file__).resolve().parents[1]
# The conference the README's block books ("04.03.2027 17.00"): a real future working day
# when written, so the block runs as it stands; the test books a day ahead of its own run
# instead, so that it does not fail once that day has passed.
README_DAY = dt.date(2027, 3, 4)
AT, HOURS = dt.time(17, 0), 3


def bookable_day(today: dt.date) -> dt.date:
    """The first day from two weeks after `today` on which the README's conference
    (17.00, three hours) needs no confirmation: a working day, no holiday or its eve."""
    day = today + dt.timedelta(days=14)
    while booking_problems(dt.datetime.combine(day, AT),
                           dt.datetime.combine(day, AT) + dt.timedelta(hours=HOURS),
                           dt.datetime.combine(today, dt.time(0, 0))):
        day += dt.timedelta(days=1)
    return day


def _dated(line: str, day: dt.date) -> str:
    """The README's line with its conference date replaced by `day` (nothing else)."""
    return line.replace(README_DAY.strftime("%d.%m.%Y"), day.strftime("%d.%m.%Y"))


def _block(marker: str) -> list[str]:
    """The command lines of the shell block after `<!-- coordinator-day: marker -->`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"<!-- coordinator-day: {marker} -->")
    body = re.search(r"```sh\n(.*?)```", readme[start:], re.S)
    assert body is not None
    return [line for line in body.group(1).splitlines() if line.strip()
            and not line.lstrip().startswith("#")]


def _run(home: Path, line: str) -> str:
    # The case number's year is the year the referral arrives.
    line = line.replace("PLR-2026-", f"PLR-{dt.date.today().year}-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    env["PATH"] = "/usr/bin:/bin"  # no plr on the PATH: the README must not need one
    env["COLUMNS"] = "100"
    done = subprocess.run(["bash", "-c", line], cwd=home, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, (line, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


def _meetings_held(home: Path) -> None:
    """The conference (and the follow-up) took place: move the booked times a year back."""
    with session_factory(Settings(home=home))() as s:
        for row in s.execute(text("SELECT id, start, \"end\" FROM meetings")).all():
            start = dt.datetime.fromisoformat(str(row.start)) - dt.timedelta(days=365)
            end = dt.datetime.fromisoformat(str(row.end)) - dt.timedelta(days=365)
            s.execute(text("UPDATE meetings SET start = :s, \"end\" = :e WHERE id = :i"),
                      {"s": start, "e": end, "i": row.id})
        s.commit()


def test_readme_coordinator_day_runs_as_written(tmp_path: Path) -> None:
    home = tmp_path / "plr"
    (home / "inbox").mkdir(parents=True)
    (home / ".venv").symlink_to(ROOT / ".venv")
    (home / "tests").symlink_to(ROOT / "tests")
    lines = _block("before the conference")
    assert README_DAY.strftime("%d.%m.%Y") in lines[-1]  # the date the test replaces
    day = bookable_day(dt.date.today())
    outputs = [_run(home, _dated(line, day)) for line in lines]
    assert "Mari Mets" in outputs[5]
    number = f"PLR-{dt.date.today().year}-0001"
    folder = home / "outbox" / number
    assert (folder / f"{day.isoformat()} kutse – Mari Mets.docx").exists()
    blank = next(folder.glob("*tegevusplaani vorm.docx"))
    (home / "tegevusplaan.docx").write_bytes(fill_sdts(blank.read_bytes(), {
        "agreements[0].what": "Laps käib iga päev koolis.",
        "agreements[0].who": "ema", "agreements[0].by_when": "iga päev",
        "agreements[0].checks": "klassijuhataja",
        "contingency": "Kui laps puudub, helistab ema koordinaatorile.",
        "bottom_lines_met": "Laps ei viibi tülide juures."}))
    _meetings_held(home)
    plan, followup, close = _block("after the conference")
    out = _run(home, plan)
    assert "järelkohtumine" in out
    _meetings_held(home)
    _run(home, followup)
    _run(home, close)
    shown = _run(home, f".venv/bin/plr case show {number}")
    assert "suletud" in shown


def test_readme_coordinator_day_books_a_future_working_day_on_any_run_date() -> None:
    (line,) = [x for x in _block("before the conference") if "case schedule" in x]
    # Runs on the README's own day, after it, and in the Christmas and midsummer holidays.
    for today in (dt.date(2026, 12, 2), README_DAY, dt.date(2027, 3, 5),
                  dt.date(2027, 12, 10), dt.date(2031, 6, 9)):
        day = bookable_day(today)
        start = dt.datetime.combine(day, AT)
        assert day > today and day.weekday() < 5
        assert not booking_problems(start, start + dt.timedelta(hours=HOURS),
                                    dt.datetime.combine(today, dt.time(0, 0)))
        dated = _dated(line, day)
        assert f'--at "{day:%d.%m.%Y} 17.00"' in dated
        assert dated.replace(f"{day:%d.%m.%Y}", f"{README_DAY:%d.%m.%Y}") == line
    assert bookable_day(dt.date(2027, 12, 10)) == dt.date(2027, 12, 27)  # past the holidays
