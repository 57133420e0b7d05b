"""Money and contracts, pure: exact Decimal arithmetic, the contract valid on a day, rounding.

Money is a `Decimal` with two places everywhere in code and whole cents in the register;
sums are rounded half up to the cent once per statement line, so a statement's total is
exactly the sum of its lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pipeline.errors import PipelineError
from pipeline.reporting.timelog import ACTIVITIES

CENT = Decimal("0.01")
NBSP = "\u00a0"
UNITS = {"hour": "tund", "case": "juhtum"}
DEFAULT_BILLABLE = tuple(ACTIVITIES)  # all working time counts unless the contract says not


class BadContract(PipelineError):
    code = "bad_contract"


def money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def parse_money(text: str) -> Decimal:
    """`25`, `25,50`, `25.5 €`, `1 250,00` → Decimal with two places."""
    raw = re.sub(r"[\s\u00a0€]|EUR", "", text.strip(), flags=re.IGNORECASE).replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadContract.of("err.money_not_number", code="bad_money", text=text[:20]) from None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise BadContract.of("err.money_bad", code="bad_money")
    return value.quantize(CENT)


def show_money(amount: Decimal) -> str:
    """`1 250,00` the Estonian way (thin grouping space, decimal comma)."""
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount.quantize(CENT)):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NBSP.join(groups) + "," + frac


def show_hours(minutes: int) -> str:
    """Minutes as hours with two places and a decimal comma: 90 → `1,50`."""
    return f"{hours(minutes):.2f}".replace(".", ",")


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Terms:
    """A contract as the statement needs it."""

    id: int
    number: str
    unit: str  # "hour" | "case"
    rate: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    billable: frozenset[str]
    rounding_minutes: int = 1

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def contract_on(contracts: list[Terms], day: dt.date) -> Terms | None:
    """The contract in force on `day`: of those covering it, the one that began last."""
    valid = [c for c in contracts if c.covers(day)]
    return max(valid, key=lambda c: (c.valid_from, c.id)) if valid else None


def round_up(minutes: int, step: int) -> int:
    """A case's billable minutes rounded up to the contract's step (15 → quarter hours).
    A net correction (zero or less) is not rounded: a credit is exactly what was wrong."""
    if step <= 1 or minutes <= 0:
        return minutes
    return -(-minutes // step) * step


def hour_sum(minutes: int, rate: Decimal) -> Decimal:
    """Minutes at an hourly rate, rounded half up to the cent."""
    return (Decimal(minutes) * rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def check_terms(*, unit: str, valid_from: dt.date, valid_to: dt.date | None,
                billable: list[str], rounding_minutes: int) -> None:
    if unit not in UNITS:
        raise BadContract.of("err.contract_unit", code="bad_unit")
    if valid_to is not None and valid_to < valid_from:
        raise BadContract.of("err.contract_dates", code="bad_dates")
    if not billable:
        raise BadContract.of("err.contract_billable", code="bad_billable")
    if not 1 <= rounding_minutes <= 60:
        raise BadContract.of("err.contract_rounding", code="bad_rounding")
