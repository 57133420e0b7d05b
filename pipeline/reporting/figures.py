"""The programme's figures, pure: counted from the register's events for a period.

Every figure is a count of events whose time falls in the period (the state changes the
register writes, the meetings, the intake ledger), so the same figures can be made again
from the raw tables. Definitions:

- referrals: cases registered (by arrival time) and referrals returned to the referrer;
  by month, municipality, ground and problem area; the share returned and the error codes.
- conferences held: the changes scheduled → plan agreed (a plan is recorded only after its
  conference); days from referral to conference: arrival to that conference's start.
- plans: first plans (from scheduled) and revised plans (from the follow-up).
- follow-up outcomes, closing reasons: the changes to followed_up / closed, by their code.
- open cases per coordinator and the waiting queue: the state each case was in at a moment
  (the period's last day; the end of each month for the queue).

`public()` is the same figures for anything that leaves the provider: a count of 1–4 is
"<5", as are medians and shares made from fewer than five cases.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SMALL = 5
SUPPRESSED = "<5"
# "koordinaator Kadri Lepik", "koordinaator vahetatud: Kadri Lepik" (older notes: "… id 3").
_COORD_NOTE = re.compile(r"^koordinaator (?:vahetatud: )?(?:id (\d+)|(.+?))\s*$")


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    frm: str | None
    to: str
    note: str | None


@dataclass(frozen=True)
class MeetingFact:
    kind: str
    start: dt.datetime
    created_at: dt.datetime


@dataclass(frozen=True)
class CaseFacts:
    number: str
    received_at: dt.datetime
    municipality: str | None
    grounds: tuple[str, ...]
    problem_areas: tuple[str, ...]
    history: tuple[Change, ...]
    meetings: tuple[MeetingFact, ...] = ()


@dataclass(frozen=True)
class Returned:
    received_at: dt.datetime
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    cases: list[CaseFacts]
    returned: list[Returned]
    coordinators: dict[int, str] = field(default_factory=dict)


def _in(at: dt.datetime, start: dt.date, end: dt.date) -> bool:
    return start <= at.date() <= end


def _ranked(counter: Counter[str]) -> dict[str, int]:
    """Most first, then by name: the order a table and a chart show."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _months(start: dt.date, end: dt.date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    ends = []
    for key in _months(start, end):
        y, m = int(key[:4]), int(key[5:])
        last = dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
        ends.append(min(last, end))
    return ends


def percentile(values: list[int], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC)."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (pos - lo), 1)


def _state_at(case: CaseFacts, moment: dt.datetime) -> tuple[str | None, int | str | None]:
    """The case's state and coordinator (an id in older notes, else the name the history
    names) at `moment` (None before it arrived)."""
    state: str | None = None
    coordinator: int | str | None = None
    for ch in case.history:
        if ch.at > moment:
            break
        state = ch.to
        if ch.note and (m := _COORD_NOTE.search(ch.note)):
            coordinator = int(m.group(1)) if m.group(1) else m.group(2)
    return state, coordinator


_NOTE_CODE = re.compile(r"[a-z_]+")


def note_code(note: str | None) -> str:
    """The outcome or close-reason code a history note starts with ("continue: …",
    "continue; enne kohtumise algust: …"), or ""."""
    m = _NOTE_CODE.match((note or "").strip())
    return m.group() if m else ""


def _code(note: str | None) -> str:
    return note_code(note) or "other"


def compute(facts: Facts, start: dt.date, end: dt.date) -> dict[str, Any]:
    registered = [c for c in facts.cases if _in(c.received_at, start, end)]
    returned = [r for r in facts.returned if _in(r.received_at, start, end)]
    month_reg = Counter(c.received_at.strftime("%Y-%m") for c in registered)
    month_ret = Counter(r.received_at.strftime("%Y-%m") for r in returned)
    by_month = [{"month": k, "registered": month_reg[k], "returned": month_ret[k]}
                for k in _months(start, end)]
    received = len(registered) + len(returned)

    days: list[int] = []
    first_plans = revised = 0
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for c in facts.cases:
        for ch in c.history:
            if not _in(ch.at, start, end):
                continue
            if ch.to == "plan_agreed" and ch.frm == "scheduled":
                first_plans += 1
                held = [m for m in c.meetings if m.kind == "conference" and m.created_at <= ch.at]
                if held:
                    days.append((held[-1].start.date() - c.received_at.date()).days)
            elif ch.to == "plan_agreed":
                revised += 1
            elif ch.to == "followed_up":
                outcomes[_code(ch.note)] += 1
            elif ch.to == "closed":
                reasons[_code(ch.note)] += 1

    moment = dt.datetime.combine(end, dt.time.max)
    per_coordinator: Counter[str] = Counter()
    for c in facts.cases:
        state, who = _state_at(c, moment)
        if state not in (None, "closed", "returned", "registered") and who is not None:
            name = who if isinstance(who, str) else facts.coordinators.get(who, f"id {who}")
            per_coordinator[name] += 1
    queue = []
    for day in _month_ends(start, end):
        at = dt.datetime.combine(day, dt.time.max)
        waiting = sum(1 for c in facts.cases if _state_at(c, at)[0] == "registered")
        queue.append({"date": day.isoformat(), "waiting": waiting})

    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "referrals": {
            "received": received,
            "registered": len(registered),
            "returned": len(returned),
            "returned_share": round(len(returned) / received, 4) if received else None,
            "by_month": by_month,
            "by_municipality": _ranked(Counter(c.municipality or "—" for c in registered)),
            "by_ground": _ranked(Counter(g for c in registered for g in c.grounds)),
            "by_problem_area": _ranked(Counter(p for c in registered for p in c.problem_areas)),
            "returned_codes": _ranked(Counter(
                code for r in returned for code in sorted(set(r.codes)) if code.startswith("E"))),
        },
        "conferences": {
            "held": len(days),
            "days_to_conference_median": percentile(days, 0.5),
            "days_to_conference_p90": percentile(days, 0.9),
        },
        "plans": {"agreed": first_plans, "revised": revised},
        "follow_up_outcomes": _ranked(outcomes),
        "closing_reasons": _ranked(reasons),
        "open_by_coordinator": _ranked(per_coordinator),
        "waiting_queue": queue,
    }


def _small(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return SUPPRESSED if 0 < value < SMALL else value


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _walk(v) for k, v in value.items()}
        if value and all(isinstance(v, int) for v in value.values()):
            # Suppressed cells last and by name: their order would tell their sizes apart.
            return dict(sorted(out.items(), key=lambda kv: (kv[1] == SUPPRESSED,
                                                            kv[0] if kv[1] == SUPPRESSED
                                                            else "")))
        return out
    if isinstance(value, list):
        return [_walk(v) for v in value]
    return _small(value)


def public(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures for anything that leaves the provider: small cells are "<5"."""
    out: dict[str, Any] = _walk({k: v for k, v in figures.items() if k != "period"})
    out = {"period": figures["period"], **out, "suppressed_below": SMALL}
    conf = figures["conferences"]
    if conf["held"] < SMALL:
        out["conferences"]["days_to_conference_median"] = SUPPRESSED
        out["conferences"]["days_to_conference_p90"] = SUPPRESSED
    ref = figures["referrals"]
    if ref["returned"] < SMALL or ref["received"] - ref["returned"] < SMALL:
        out["referrals"]["returned_share"] = SUPPRESSED if ref["received"] else None
    return out


# --- the tables behind the charts (and the CSV export) ------------------------


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    chart: str  # "bar", "barh", "line"


def tables(figures: dict[str, Any], labels: dict[str, dict[str, str]]) -> list[Table]:
    """The figures as titled tables, one per chart; `labels` names codes in Estonian."""
    ref = figures["referrals"]

    def coded(name: str, title: str, head: str, data: dict[str, Any], chart: str = "barh",
              kind: str | None = None) -> Table:
        names = labels.get(kind or name, {})
        return Table(name, title, (head, "juhtumeid"),
                     [(names.get(k, k), v) for k, v in data.items()], chart)

    return [
        Table("referrals_by_month", "Suunamised kuude kaupa",
              ("kuu", "registreeritud", "tagastatud"),
              [(m["month"], m["registered"], m["returned"]) for m in ref["by_month"]], "bar"),
        coded("by_municipality", "Suunamised omavalitsuste kaupa", "omavalitsus",
              ref["by_municipality"]),
        coded("by_ground", "Suunamise alused", "alus", ref["by_ground"], kind="grounds"),
        coded("by_problem_area", "Probleemivaldkonnad", "valdkond", ref["by_problem_area"],
              kind="problem_areas"),
        coded("returned_codes", "Tagastamise põhjused", "kood", ref["returned_codes"],
              kind="codes"),
        coded("follow_up_outcomes", "Järelkohtumise tulemused", "tulemus",
              figures["follow_up_outcomes"], kind="outcomes"),
        coded("closing_reasons", "Sulgemise põhjused", "põhjus", figures["closing_reasons"],
              kind="reasons"),
        coded("open_by_coordinator", "Avatud juhtumid koordinaatorite kaupa", "koordinaator",
              figures["open_by_coordinator"]),
        Table("waiting_queue", "Järjekord kuu lõpus", ("kuupäev", "ootel"),
              [(q["date"], q["waiting"]) for q in figures["waiting_queue"]], "line"),
    ]
