"""Programme figures and statements for a big year, beside bare counting loops.

`figures.compute` over N synthetic cases (each with a full history and a conference)
against a bare loop that only counts the registered cases per month; `statements.build`
over 10 entries per case against a bare sum of the same minutes; and one chart as SVG.

    .venv/bin/python benchmarks/bench_report.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import Counter
from decimal import Decimal

from pipeline.reporting import charts, figures, payers, statements, timelog


def _cases(n: int) -> list[figures.CaseFacts]:
    rng = random.Random(14)
    out = []
    for i in range(n):
        arrived = dt.datetime(2026, 1, 1, 9) + dt.timedelta(minutes=rng.randint(0, 480_000))
        steps = ["registered", "assigned", "preparing", "scheduled", "plan_agreed",
                 "followed_up", "closed"][: rng.randint(1, 7)]
        at, frm, history = arrived, None, []
        for s in steps:
            note = {"assigned": f"koordinaator id {i % 7 + 1}", "followed_up": "continue",
                    "closed": "plan_working"}.get(s)
            history.append(figures.Change(at, frm, s, note))
            frm, at = s, at + dt.timedelta(days=rng.randint(1, 20))
        meetings = (figures.MeetingFact("conference", arrived + dt.timedelta(days=40),
                                        arrived + dt.timedelta(days=10)),)
        out.append(figures.CaseFacts(f"PLR-2026-{i + 1:05d}", arrived, f"vald {i % 40}",
                                     ("prevent_separation",), ("behaviour", "family_conflict"),
                                     tuple(history), meetings))
    return out


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    facts = figures.Facts(_cases(n), [], {k: f"K{k}" for k in range(1, 8)})
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    t0 = time.perf_counter()
    result = figures.compute(facts, start, end)
    t1 = time.perf_counter()
    bare = Counter(c.received_at.strftime("%Y-%m") for c in facts.cases
                   if start <= c.received_at.date() <= end)
    t2 = time.perf_counter()
    assert sum(bare.values()) == result["referrals"]["registered"]
    print(f"figures for {n} cases: {t1 - t0:.3f} s (bare month count {t2 - t1:.4f} s)")

    acts = list(timelog.ACTIVITIES)
    entries = [statements.Entry(j, c.number, dt.date(2026, 11, 1 + j % 28), acts[j % 7], 45)
               for j, c in enumerate(facts.cases * 10)]
    terms = payers.Terms(1, "L", "hour", Decimal("25"), dt.date(2026, 1, 1), None,
                         frozenset(acts), 15)
    t0 = time.perf_counter()
    content, _ = statements.build(payer={"code": "x", "name": "X"},
                                  period=statements.Period(2026, 11), entries=entries,
                                  contracts=[terms], fee_due=set())
    t1 = time.perf_counter()
    bare_minutes = sum(e.minutes for e in entries)
    t2 = time.perf_counter()
    print(f"statement of {len(entries)} entries, {len(content['lines'])} lines: "
          f"{t1 - t0:.3f} s (bare sum {t2 - t1:.4f} s), total {content['total']} €, "
          f"{bare_minutes} min")
    table = next(t for t in figures.tables(figures.public(result), {})
                 if t.name == "by_municipality")
    t0 = time.perf_counter()
    svg = charts.render(table, "svg")
    t1 = time.perf_counter()
    charts.render(table, "svg")
    t2 = time.perf_counter()
    print(f"chart of {len(table.rows)} bars as SVG: first {t1 - t0:.3f} s (loads matplotlib), "
          f"then {t2 - t1:.3f} s, {len(svg) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
