"""A year of synthetic cases driven through the real commands; every figure of
`plr report --json` is checked against the same count made directly from the register's
events (state changes, meetings, the intake ledger), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from cli_helpers import EARLY, ok
from test_render_helpers import fill_sdts

from pipeline.config import Settings
from pipeline.model.referral import Referral
from pipeline.register import ledger
from pipeline.register.cases import register_referral
from pipeline.register.db import make_engine, session_factory
from pipeline.register.testing import distinct_referral

TODAY = dt.date.today()
YEAR = TODAY.year if TODAY.month > 1 else TODAY.year - 1
TOWNS = ["Türi vald"] * 5 + ["Tartu linn"] * 3 + ["Narva linn", "Viljandi vald", "Tallinn"]
GROUNDS = ["prevent_separation", "kinship_care", "other_substitute_care"]
AREAS = ["behaviour", "infant_care", "family_conflict", "separation_dispute", "foster_adjustment"]
CODES = ["E01", "E02", "E05", "E06", "E08", "W03"]
CASES = 30


def _options(referral: Referral, key: str, wanted: list[str]) -> list[str]:
    from pipeline.model import spec

    known = {c for c, _ in spec.by_key()[key].options}
    return [w for w in wanted if w in known] or sorted(known)[:1]


@pytest.fixture
def year(tmp_path: Path, db_url: str, referral: Referral,
         monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, dict[str, Counter[str]]]:
    """A year of cases: arrivals spread over the months, then every step of the process
    by the commands; returns the home, the database and what the test did."""
    for var in ("PLR_LANG", "PLR_HOME", "PLR_PDF", "PLR_SMTP_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PLR_DATABASE_URL", db_url)
    rng = random.Random(14)
    did: dict[str, Counter[str]] = {k: Counter() for k in ("close", "outcome")}
    last_month = TODAY.month - 1 if TODAY.year == YEAR else 12
    factory = session_factory(Settings(home=tmp_path, database_url=db_url))
    with factory() as s:
        for i in range(CASES):
            month = 1 + i * last_month // CASES
            when = dt.datetime(YEAR, month, rng.randint(1, 28), rng.randint(8, 16))
            r = distinct_referral(referral, 14, i)
            r = r.model_copy(update={
                "referrer": r.referrer.model_copy(update={"municipality": rng.choice(TOWNS)}),
                "guardianship_agreement": True,  # substitute care is agreed (E09)
                "grounds": _options(r, "grounds", rng.sample(GROUNDS, rng.randint(1, 2))),
                "problem_areas": _options(r, "problem_areas",
                                          rng.sample(AREAS, rng.randint(1, 3))),
            })
            register_referral(session=s, referral=r, warnings=[], source_file=f"{i}.pdf",
                              sha256=f"{i:064x}", received_at=when)
        for j in range(9):  # referrals returned to the referrer
            when = dt.datetime(YEAR, 1 + j * last_month // 9, rng.randint(1, 28), 10)
            entry = ledger.record_arrival(session=s, file_name=f"r{j}.pdf",
                                          sha256=f"{j + 100:064x}", received_at=when)
            ledger.close_entry(session=s, entry_id=entry, outcome="returned", cases=[],
                               codes=rng.sample(CODES, rng.randint(1, 3)), reason="")
        s.commit()
    for name, email in (("Kadri Lepik", "kadri@example.ee"), ("Mart Kask", "mart@example.ee"),
                        ("Anu Saar", "anu@example.ee")):
        ok(tmp_path, "coordinator", "add", "--name", name, "--email", email, "--languages",
           "et,ru", "--capacity", "20")
    coordinators = ["Kadri Lepik", "Mart Kask", "Anu Saar"]
    plan_file: Path | None = None
    for i in range(CASES - 4):  # the last four keep waiting
        n = f"PLR-{YEAR}-{i + 1:04d}"
        ok(tmp_path, "case", "assign", n, coordinators[i % 3])
        ok(tmp_path, "case", "time", "add", n, f"{rng.randint(1, 4)}h", "--activity",
           "preparation")
        step = rng.random()
        if step < 0.15:
            reason = rng.choice(["consent_withdrawn", "moved_away", "referred_elsewhere"])
            ok(tmp_path, "case", "close", n, "--reason", reason)
            did["close"][reason] += 1
            continue
        if step < 0.3:
            continue  # still preparing
        start = dt.datetime.combine(TODAY + dt.timedelta(days=rng.randint(2, 40)), dt.time(17))
        ok(tmp_path, "case", "schedule", n, "--at", f"{start:%Y-%m-%d %H:%M}", "--place",
           "Perekeskus", "--force")
        if rng.random() < 0.2:  # moved once
            start += dt.timedelta(days=7)
            ok(tmp_path, "case", "schedule", n, "--at", f"{start:%Y-%m-%d %H:%M}", "--place",
               "Perekeskus", "--force")
        if rng.random() < 0.15:
            continue  # the conference is still ahead
        plan_file = _plan(tmp_path, n)
        ok(tmp_path, "case", "plan", n, str(plan_file), *EARLY)
        ok(tmp_path, "case", "time", "add", n, "3h", "--activity", "conference")
        if rng.random() < 0.25:
            continue  # the follow-up is still ahead
        outcome = rng.choice(["continue", "continue", "revise", "new_conference"])
        ok(tmp_path, "case", "followup", n, "--outcome", outcome, *EARLY)
        did["outcome"][outcome] += 1
        if outcome == "revise":
            ok(tmp_path, "case", "plan", n, str(_plan(tmp_path, n)), *EARLY)
            ok(tmp_path, "case", "followup", n, "--outcome", "continue", *EARLY)
            did["outcome"]["continue"] += 1
        elif outcome == "new_conference":
            ok(tmp_path, "case", "schedule", n, "--at",
               f"{start + dt.timedelta(days=45):%Y-%m-%d %H:%M}", "--place", "Perekeskus",
               "--force")
            continue
        if rng.random() < 0.8:
            ok(tmp_path, "case", "close", n, "--reason", "plan_working")
            did["close"]["plan_working"] += 1
    return tmp_path, db_url, did


def _plan(home: Path, number: str) -> Path:
    folder = home / "outbox" / number
    blank = sorted(folder.glob("*tegevusplaani vorm*.docx"))[-1]
    filled = home / f"{number} plaan.docx"
    filled.write_bytes(fill_sdts(blank.read_bytes(), {
        "agreements[0].what": "Laps käib iga päev koolis.", "agreements[0].who": "ema",
        "agreements[0].by_when": "iga koolipäev", "agreements[0].checks": "vanaema"}))
    return filled


# --- the same figures, counted straight from the tables -----------------------


def _events(db_url: str) -> dict[str, Any]:
    engine = make_engine(db_url)
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.connect() as c:
        out = {
            "cases": c.execute(sa.select(t["cases"])).mappings().all(),
            "changes": c.execute(sa.select(t["state_changes"]).order_by(
                t["state_changes"].c.id)).mappings().all(),
            "meetings": c.execute(sa.select(t["meetings"]).order_by(
                t["meetings"].c.id)).mappings().all(),
            "returned": c.execute(sa.select(t["intake_ledger"]).where(
                t["intake_ledger"].c.outcome == "returned")).mappings().all(),
            "versions": c.execute(sa.select(t["referral_versions"])).mappings().all(),
            "coordinators": {r.id: r.name for r in c.execute(sa.select(t["coordinators"]))},
            "municipalities": dict(c.execute(
                sa.select(t["cases"].c.municipality, sa.func.count())
                .group_by(t["cases"].c.municipality)).all()),
        }
    engine.dispose()
    return out


def _expected(ev: dict[str, Any], start: dt.date, end: dt.date) -> dict[str, Any]:
    def inside(at: dt.datetime) -> bool:
        return start <= at.date() <= end

    cases = {c["id"]: c for c in ev["cases"]}
    reg = [c for c in ev["cases"] if inside(c["received_at"])]
    ret = [r for r in ev["returned"] if inside(r["received_at"])]
    latest: dict[int, Any] = {}
    for v in ev["versions"]:
        if v["case_id"] not in latest or v["version"] > latest[v["case_id"]]["version"]:
            latest[v["case_id"]] = v
    held = [ch for ch in ev["changes"] if inside(ch["at"])
            and ch["from_state"] == "scheduled" and ch["to_state"] == "plan_agreed"]
    days = []
    for ch in held:
        booked = [m for m in ev["meetings"] if m["case_id"] == ch["case_id"]
                  and m["kind"] == "conference" and m["created_at"] <= ch["at"]]
        days.append((booked[-1]["start"].date() - cases[ch["case_id"]]["received_at"].date())
                    .days)
    # A note starts with its code: "continue: …", "continue; enne kohtumise algust: …".
    to_state = Counter((ch["to_state"], re.findall(r"^[a-z_]*", ch["note"] or "")[0])
                       for ch in ev["changes"] if inside(ch["at"]))
    return {
        "registered": len(reg), "returned": len(ret),
        "by_municipality": Counter(c["municipality"] for c in reg),
        "by_ground": Counter(g for c in reg for g in latest[c["id"]]["data"]["grounds"]),
        "by_problem_area": Counter(g for c in reg
                                   for g in latest[c["id"]]["data"]["problem_areas"]),
        "returned_codes": Counter(code for r in ret for code in set(r["codes"])
                                  if code.startswith("E")),
        "held": len(held),
        "median": None if not days else round(float(np.percentile(days, 50)), 1),
        "p90": None if not days else round(float(np.percentile(days, 90)), 1),
        "revised": sum(1 for ch in ev["changes"] if inside(ch["at"])
                       and ch["from_state"] == "followed_up" and ch["to_state"] == "plan_agreed"),
        "outcomes": Counter({k[1]: v for k, v in to_state.items() if k[0] == "followed_up"}),
        "reasons": Counter({k[1]: v for k, v in to_state.items() if k[0] == "closed"}),
    }


def _waiting_at(ev: dict[str, Any], moment: dt.datetime) -> int:
    """Cases that had arrived and had not left `registered` by `moment`."""
    waiting = 0
    for c in ev["cases"]:
        if c["received_at"] > moment:
            continue
        left = [ch for ch in ev["changes"] if ch["case_id"] == c["id"]
                and ch["to_state"] != "registered" and ch["at"] <= moment]
        waiting += not left
    return waiting


def test_reporting_figures_of_a_year_match_the_events(
        year: tuple[Path, str, dict[str, Counter[str]]]) -> None:
    home, db_url, did = year
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    got = json.loads(ok(home, "report", "--from", start.isoformat(), "--to", end.isoformat(),
                        "--json"))
    ev = _events(db_url)
    want = _expected(ev, start, end)
    ref = got["referrals"]
    assert ref["registered"] == want["registered"] == CASES
    assert ref["returned"] == want["returned"] == 9
    assert ref["received"] == CASES + 9
    assert ref["returned_share"] == round(9 / (CASES + 9), 4)
    assert ref["by_municipality"] == dict(want["by_municipality"])
    assert sum(ref["by_municipality"].values()) == sum(ev["municipalities"].values())
    assert ref["by_ground"] == dict(want["by_ground"])
    assert ref["by_problem_area"] == dict(want["by_problem_area"])
    assert ref["returned_codes"] == dict(want["returned_codes"])
    months = Counter(c["received_at"].strftime("%Y-%m") for c in ev["cases"])
    returned_months = Counter(r["received_at"].strftime("%Y-%m") for r in ev["returned"])
    assert [m["month"] for m in ref["by_month"]] == [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    for m in ref["by_month"]:
        assert m["registered"] == months[m["month"]]
        assert m["returned"] == returned_months[m["month"]]
    conf = got["conferences"]
    assert want["held"] > 5 and conf["held"] == want["held"]
    assert conf["days_to_conference_median"] == want["median"]
    assert conf["days_to_conference_p90"] == want["p90"]
    assert got["plans"] == {"agreed": want["held"], "revised": want["revised"]}
    assert got["follow_up_outcomes"] == dict(want["outcomes"]) == dict(did["outcome"])
    assert got["closing_reasons"] == dict(want["reasons"]) == dict(did["close"])
    open_now = Counter(ev["coordinators"][c["coordinator_id"]] for c in ev["cases"]
                       if c["state"] not in ("closed", "registered"))
    assert got["open_by_coordinator"] == dict(open_now)
    for q in got["waiting_queue"]:
        moment = dt.datetime.combine(dt.date.fromisoformat(q["date"]), dt.time.max)
        assert q["waiting"] == _waiting_at(ev, moment), q
    assert got["waiting_queue"][-1]["waiting"] == 4

    # A half year: only what happened in it.
    half = json.loads(ok(home, "report", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-06-30",
                         "--json"))
    want_half = _expected(ev, dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30))
    assert half["referrals"]["registered"] == want_half["registered"] < CASES
    assert half["referrals"]["by_municipality"] == dict(want_half["by_municipality"])
    assert len(half["referrals"]["by_month"]) == 6

    # What leaves the provider: no cell of 1–4.
    pub = json.loads(ok(home, "report", "--from", start.isoformat(), "--to", end.isoformat(),
                        "--json", "--public"))
    assert _small_cells(pub) == []
    for town, n in ref["by_municipality"].items():
        assert pub["referrals"]["by_municipality"][town] == (n if n >= 5 else "<5")
    folder = home / "export"
    ok(home, "report", "--from", start.isoformat(), "--to", end.isoformat(), "--export",
       str(folder))
    names = {p.name for p in folder.iterdir()}
    assert {"naitajad.json", "by_municipality.csv", "by_municipality.svg",
            "by_municipality.png", "waiting_queue.svg"} <= names
    exported = (folder / "by_municipality.csv").read_text("utf-8")
    small = [t for t, n in ref["by_municipality"].items() if 0 < n < 5]
    assert small and all(f"{t},<5" in exported for t in small)
    assert _small_cells(json.loads((folder / "naitajad.json").read_text("utf-8"))) == []
    assert (folder / "by_municipality.svg").read_bytes().lstrip().startswith(b"<?xml")


def _small_cells(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _small_cells(v)]
    if isinstance(value, list):
        return [x for v in value for x in _small_cells(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) \
        and 0 < value < 5 else []
