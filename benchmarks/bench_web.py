"""p95 server time of the web app's main pages on a large register, beside a bare SELECT
of the same rows in the same run.

    .venv/bin/python benchmarks/bench_web.py [--cases 10000] [--ledger 50000] [--runs 60]

The register (SQLite) holds `--cases` cases (most closed, as in a register that has run for
years; a few hundred open, some waiting for a coordinator) and `--ledger` intake entries.
Each page is requested through the ASGI app in this process (Litestar's test client), as a
signed-in administrator: session lookup, the page's queries, template, audit row. The bare
SELECT is what the page cannot avoid: the rows it shows, read with SQLAlchemy Core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import insert, select  # noqa: E402

from pipeline import accounts  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.register.db import session_factory, transaction  # noqa: E402
from pipeline.register.tables import (  # noqa: E402
    Case,
    Coordinator,
    IntakeEntry,
    NumberSequence,
    Participant,
    ReferralVersion,
    StateChange,
)
from pipeline.samples import sample_referral  # noqa: E402

PASSWORD = "Päikeseline-2026"


def build(settings: Settings, n_cases: int, n_ledger: int) -> str:
    factory = session_factory(settings)
    data = sample_referral().model_dump(mode="json")
    start = dt.datetime(2020, 1, 1, 9)
    with transaction(factory) as s:
        s.execute(insert(Coordinator), [
            {"name": f"Koordinaator {i}", "email": f"k{i}@example.ee", "phone": None,
             "languages": ["et"], "capacity": 40, "active": True} for i in range(1, 21)])
        cases, versions, parts, history = [], [], [], []
        for i in range(1, n_cases + 1):
            when = start + dt.timedelta(hours=6 * i)
            year, seq = when.year, i
            open_case = i > n_cases - 300
            state = ("registered" if i > n_cases - 40 else "assigned") if open_case else "closed"
            cases.append({"id": i, "number": f"PLR-{year}-{seq:04d}", "year": year, "seq": seq,
                          "state": state, "received_at": when, "municipality": "Türi vald",
                          "family_language": "et", "children_count": 1,
                          "referrer_email": f"s{i}@example.ee", "child_keys": [f"{i:064x}"],
                          "coordinator_id": None if state == "registered" else 1 + i % 20,
                          "closed_at": None if open_case else when + dt.timedelta(days=60),
                          "close_reason": None if open_case else "plan_working"})
            child = dict(data["children"][0], name=f"Laps Number{i}", id_code=None)
            versions.append({"case_id": i, "version": 1, "data": dict(data, children=[child]),
                             "warnings": [], "source_file": f"{i}.pdf", "sha256": f"{i:064x}",
                             "received_at": when})
            parts.append({"case_id": i, "name": f"Laps Number{i}", "role": "child",
                          "language": "et", "parts": [1, 2, 3], "source": "referral"})
            history.append({"case_id": i, "at": when, "actor": "süsteem", "from_state": "received",
                            "to_state": "registered"})
        s.execute(insert(Case), cases)
        s.execute(insert(ReferralVersion), versions)
        s.execute(insert(Participant), parts)
        s.execute(insert(StateChange), history)
        s.execute(insert(NumberSequence), [{"year": y, "last": n_cases} for y in
                                           sorted({c["year"] for c in cases})])
        now = dt.datetime.now().replace(microsecond=0)
        outcomes = ("registered", "registered", "registered", "returned", "quarantined",
                    "duplicate")
        s.execute(insert(IntakeEntry), [
            {"file_name": f"20260101T000000-{i:08x}__suunamine-{i}.pdf", "sha256": f"{i:064x}",
             "received_at": now - dt.timedelta(minutes=5 * (n_ledger - i)),
             "outcome": outcomes[i % len(outcomes)], "cases": [], "codes": [],
             "reason": "Põhjus.", "closed_at": now} for i in range(n_ledger)])
    accounts.add_user(settings, name="Aino Admin", email="aino@example.ee", role="admin",
                      password=PASSWORD)
    return cases[-1]["number"]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--ledger", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=60)
    args = ap.parse_args()
    from litestar.testing import TestClient
    from web_helpers import csrf

    from pipeline.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), database_url=None)
        t0 = time.perf_counter()
        newest = build(settings, args.cases, args.ledger)
        print(f"register: {args.cases} cases, {args.ledger} ledger entries "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        factory = session_factory(settings)

        def bare(stmt: object) -> Callable[[], object]:
            def run() -> object:
                with factory() as s:
                    return s.execute(stmt).all()  # type: ignore[call-overload]
            return run

        bare_rows = {
            "/": select(IntakeEntry).order_by(IntakeEntry.id.desc()).limit(18),
            "/intake": select(IntakeEntry).order_by(IntakeEntry.id.desc()).limit(50),
            "/cases": select(Case).order_by(Case.received_at.desc()).limit(25),
            f"/cases/{newest}": select(Case, ReferralVersion, Participant, StateChange)
            .join(ReferralVersion).join(Participant).join(StateChange)
            .where(Case.number == newest),
        }
        app = create_app(settings)
        with TestClient(app) as client:
            client.get("/login")
            resp = client.post("/login", data={"_csrf_token": csrf(client),
                                               "email": "aino@example.ee",
                                               "password": PASSWORD})
            assert resp.status_code == 200, resp.status_code
            print(f"{'page':<24} {'p95 page':>10} {'p95 bare SELECT':>16}")
            for path, stmt in bare_rows.items():
                def get(path: str = path) -> None:
                    r = client.get(path)
                    assert r.status_code == 200, (path, r.status_code)
                page = timed(get, args.runs)
                base = timed(bare(stmt), args.runs)
                label = "/cases/<number>" if path.startswith("/cases/") else path
                print(f"{label:<24} {p95(page):>8.1f} ms {p95(base):>13.1f} ms")


if __name__ == "__main__":
    main()
