"""The monthly statement, pure: which entries it takes, its lines and total, and its files.

A statement for payer P and month M takes every time entry of P's cases that is dated on or
before M's last day and is on no issued statement yet: the month's work and any late entries
or corrections of earlier months. Lines are per case and contract; a case's line lists only
its number, hours by activity, the billable total, the rate and the sum (no names: a payer
reads the case number, the provider's register says who it is).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.errors import Refused
from pipeline.render.context import Provider
from pipeline.render.dates import long_date
from pipeline.reporting.payers import (
    UNITS,
    Terms,
    contract_on,
    hour_sum,
    hours,
    money,
    round_up,
    show_hours,
    show_money,
    to_cents,
)
from pipeline.reporting.timelog import ACTIVITIES

MONTHS_ET = ("jaanuar", "veebruar", "märts", "aprill", "mai", "juuni", "juuli", "august",
             "september", "oktoober", "november", "detsember")


@dataclass(frozen=True)
class Entry:
    id: int
    case: str
    day: dt.date
    activity: str
    minutes: int


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        raw = text.strip()
        for sep in ("-", "/", "."):
            parts = raw.split(sep)
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                a, b = int(parts[0]), int(parts[1])
                year, month = (a, b) if a > 12 else (b, a)  # 2026-12 or 12.2026
                if 2000 <= year <= 2999 and 1 <= month <= 12:
                    return cls(year, month)
        raise Refused.of("err.bad_month", code="bad_period", text=text[:20])

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{MONTHS_ET[self.month - 1]} {self.year}"


def build(*, payer: dict[str, str], period: Period, entries: list[Entry],
          contracts: list[Terms], fee_due: set[str]) -> tuple[dict[str, Any], list[int]]:
    """The statement's content and the ids of the entries it takes.

    `fee_due`: cases a per-case contract may bill now (closed by the month's end and not
    billed before). Refused when an entry falls outside every contract: a statement that
    silently dropped work would be wrong."""
    groups: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    terms: dict[int, Terms] = {}
    uncovered: list[str] = []
    for e in entries:
        if e.day > period.last:
            continue
        c = contract_on(contracts, e.day)
        if c is None:
            uncovered.append(f"{e.case} ({e.day.strftime('%d.%m.%Y')})")
            continue
        terms[c.id] = c
        groups[(e.case, c.id)].append(e)
    if uncovered:
        raise Refused.of("err.no_contract", code="no_contract",
                         entries=", ".join(sorted(set(uncovered))[:10]))
    lines: list[dict[str, Any]] = []
    taken: list[int] = []
    for (case, cid), items in sorted(groups.items()):
        c = terms[cid]
        if c.unit == "case" and case not in fee_due:
            continue  # a per-case fee is billed once the case is closed
        by_activity = {a: 0 for a in ACTIVITIES}
        for e in items:
            by_activity[e.activity] += e.minutes
        billable = sum(m for a, m in by_activity.items() if a in c.billable)
        billed = round_up(billable, c.rounding_minutes)
        amount = hour_sum(billed, c.rate) if c.unit == "hour" else c.rate
        lines.append({
            "case": case,
            "contract": c.number,
            "unit": c.unit,
            "minutes": {a: m for a, m in by_activity.items() if m},
            "billable_minutes": billable,
            "billed_minutes": billed,
            "hours": str(hours(billed)),
            "rate": str(c.rate),
            "sum": str(amount),
            "entries": sorted(e.id for e in items),
        })
        taken.extend(e.id for e in items)
    total = sum((Decimal(line["sum"]) for line in lines), Decimal("0.00"))
    content = {
        "payer": payer,
        "period": period.key,
        "lines": lines,
        "total": str(total),
        "total_cents": to_cents(total),
    }
    return content, sorted(taken)


def digest(content: dict[str, Any]) -> str:
    """sha256 of the canonical content: what an issued statement is checked against."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def used_activities(content: dict[str, Any]) -> list[str]:
    seen = {a for line in content["lines"] for a in line["minutes"]}
    return [a for a in ACTIVITIES if a in seen]


# --- the files ---------------------------------------------------------------


def docx_context(content: dict[str, Any], *, number: str | None, issued: dt.datetime | None,
                 provider: Provider) -> dict[str, Any]:
    period = Period.parse(content["period"])
    rows = []
    for line in content["lines"]:
        acts = "; ".join(f"{ACTIVITIES[a]} {show_hours(m)}" for a, m in line["minutes"].items())
        rows.append({
            "case": line["case"], "activities": acts or "—",
            "hours": show_hours(line["billed_minutes"]),
            "rate": show_money(Decimal(line["rate"])) + " € / " + UNITS[line["unit"]],
            "sum": show_money(Decimal(line["sum"])),
            "contract": line["contract"],
        })
    return {
        "number": number or "KAVAND",
        "draft": number is None,
        "issued": long_date(issued.date(), "et") if issued else "",
        "payer": content["payer"]["name"],
        "provider": provider,
        "period": period.label,
        "period_dates": f"{period.first.strftime('%d.%m.%Y')}–{period.last.strftime('%d.%m.%Y')}",
        "contracts": ", ".join(sorted({line["contract"] for line in content["lines"]})) or "—",
        "lines": rows,
        "cases": len({line["case"] for line in content["lines"]}),
        "total_hours": show_hours(sum(line["billed_minutes"] for line in content["lines"])),
        "total": show_money(Decimal(content["total"])),
    }


CSV_HEAD = ["statement", "period", "payer", "case", "contract", "unit",
            *(f"{a}_hours" for a in ACTIVITIES), "billable_hours", "rate", "sum"]


def to_csv(content: dict[str, Any], number: str | None) -> bytes:
    """One row per line, comma-separated, dot decimals, UTF-8: what accounting imports."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEAD)
    for line in content["lines"]:
        w.writerow([number or "", content["period"], content["payer"]["code"], line["case"],
                    line["contract"], line["unit"],
                    *(str(hours(line["minutes"].get(a, 0))) for a in ACTIVITIES),
                    line["hours"], line["rate"], line["sum"]])
    w.writerow([number or "", content["period"], content["payer"]["code"], "TOTAL", "", "",
                *("" for _ in ACTIVITIES), "", "", content["total"]])
    return out.getvalue().encode("utf-8")


def to_xlsx(content: dict[str, Any], number: str | None) -> bytes:
    """The same table as a workbook: numbers as numbers (two places), the total under them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = content["period"]
    ws.append([f"Aruanne {number or 'KAVAND'}", content["payer"]["name"], content["period"]])
    ws.append([])
    head = ["Juhtum", "Leping", "Ühik", *ACTIVITIES.values(), "Arvestatud tunnid",
            "Määr (€)", "Summa (€)"]
    ws.append(head)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for line in content["lines"]:
        ws.append([line["case"], line["contract"], UNITS[line["unit"]],
                   *(hours(line["minutes"].get(a, 0)) for a in ACTIVITIES),
                   Decimal(line["hours"]), Decimal(line["rate"]), Decimal(line["sum"])])
    ws.append(["Kokku", *([""] * (len(head) - 2)), Decimal(content["total"])])
    ws[ws.max_row][0].font = Font(bold=True)
    for row in ws.iter_rows(min_row=4, min_col=4):
        for cell in row:
            cell.number_format = "0.00"
    ws.column_dimensions["A"].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def total_of(content: dict[str, Any]) -> Decimal:
    return money(int(content["total_cents"]))
