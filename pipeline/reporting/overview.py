"""The overview of the work done (*ülevaade tehtud tööst*), pure: what the referrer is told
when a case closes — what was done and when, how many took part, whether a plan was agreed,
the follow-up's result, why the case was closed and the hours spent."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pipeline.model.case import CaseView, Role
from pipeline.render.context import Provider
from pipeline.render.dates import long_date, short_date
from pipeline.reporting.figures import Change, note_code
from pipeline.reporting.payers import show_hours
from pipeline.reporting.timelog import ACTIVITIES

CLOSE_REASONS = {
    "plan_working": "pere tegevusplaan toimib",
    "consent_withdrawn": "pere võttis nõusoleku tagasi",
    "moved_away": "pere kolis teise piirkonda",
    "referred_elsewhere": "pere suunati teisele teenusele",
    "other": "muu põhjus",
}
FOLLOWUP_OUTCOMES = {
    "continue": "kokkulepped toimivad ja pere jätkab plaani järgi",
    "revise": "tegevusplaani otsustati täiendada",
    "new_conference": "otsustati kokku kutsuda uus lahendusring",
}
FAMILY_ROLES = {Role.CHILD, Role.CAREGIVER, Role.NETWORK}


def _count(n: int, one: str, many: str) -> str:
    """Estonian numerals: `1 osaleja`, `7 osalejat` (partitive after numbers other than 1)."""
    return f"{n} {one if n == 1 else many}"


def _code(note: str | None) -> str:
    return note_code(note)


def _events(history: list[Change]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for ch in history:
        day = short_date(ch.at.date())
        text = None
        if ch.to == "registered":
            text = "Suunamine võeti vastu ja registreeriti"
        elif ch.to == "assigned":
            text = "Juhtumile määrati koordinaator"
        elif ch.to == "scheduled" and ch.frm == "scheduled":
            text = "Lahendusringi aega muudeti"
        elif ch.to == "scheduled":
            text = "Lepiti kokku lahendusringi aeg ja saadeti kutsed"
        elif ch.to == "plan_agreed" and ch.frm == "scheduled":
            text = "Toimus lahendusring ja lepiti kokku pere tegevusplaan"
        elif ch.to == "plan_agreed":
            text = "Pere tegevusplaani täiendati"
        elif ch.to == "followed_up":
            text = ("Toimus järelkohtumine: "
                    + FOLLOWUP_OUTCOMES.get(_code(ch.note), "tulemus salvestati"))
        elif ch.to == "closed":
            text = "Juhtum lõpetati: " + CLOSE_REASONS.get(_code(ch.note), "muu põhjus")
        if text:
            rows.append({"date": day, "what": text})
    return rows


def context(view: CaseView, history: list[Change], minutes: dict[str, int], *,
            today: dt.date, close_reason: str | None, closed_at: dt.datetime | None,
            provider: Provider) -> dict[str, Any]:
    ref = view.referral
    r = ref.referrer
    people = [p for p in view.participants if p.role is not Role.COORDINATOR]
    family = sum(1 for p in people if p.role in FAMILY_ROLES)
    others = len(people) - family
    by_role = Counter(p.role for p in people)
    children = [c.name for c in ref.children if c.name]
    total = sum(minutes.values())
    plan = view.plan
    conference = view.conference
    follow_up = _code(next((h.note for h in reversed(history) if h.to == "followed_up"), None))
    return {
        "today": long_date(today, "et"),
        "case_number": view.number,
        "provider": provider,
        "referrer": {"name": r.name or "", "position": r.position or "",
                     "organisation": r.organisation or ""},
        "children_names": ", ".join(children) or "—",
        "one_child": len(children) == 1,
        "referral_date": short_date(ref.referral_date),
        "received": short_date(view.received_at.date()),
        "closed": short_date(closed_at.date()) if closed_at else "",
        "coordinator": view.coordinator.name if view.coordinator else "—",
        "close_reason": CLOSE_REASONS.get(close_reason or "", "—"),
        "events": _events(history),
        "conference_held": plan is not None,
        "conference_when": (f"{long_date(conference.start.date(), 'et')}, {conference.place}"
                            if conference and plan is not None else ""),
        "people": _count(len(people), "osaleja", "osalejat"),
        "family": _count(family, "pereliige või lähedane", "pereliiget ja lähedast"),
        "professionals": _count(others, "spetsialist", "spetsialisti"),
        "children_count": _count(by_role.get(Role.CHILD, 0), "laps", "last"),
        "plan_agreed": plan is not None,
        "agreements": _count(len(plan.agreements), "kokkulepe", "kokkulepet") if plan else "",
        "follow_up": FOLLOWUP_OUTCOMES.get(follow_up, "järelkohtumist ei toimunud"),
        "hours_total": show_hours(total),
        "hours": [{"activity": ACTIVITIES[a], "hours": show_hours(m)}
                  for a, m in minutes.items() if m],
    }
