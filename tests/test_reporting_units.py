"""The pure parts of reporting: durations, notes, money, rounding, percentiles, suppression."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.reporting import charts, figures, payers, statements, timelog


@pytest.mark.parametrize(("text", "minutes"), [
    ("1h30m", 90), ("90m", 90), ("1,5h", 90), ("1.5h", 90), ("1:30", 90), ("45", 45),
    ("2h", 120), ("-30m", -30), ("1t 15min", 75)])
def test_timelog_parse_duration_reads_what_people_type(text: str, minutes: int) -> None:
    assert timelog.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "0", "kaks tundi", "25h", "1h30", "h", "1x"])
def test_timelog_parse_duration_refuses_the_rest(text: str) -> None:
    with pytest.raises(timelog.BadTime):
        timelog.parse_duration(text)


def test_timelog_check_note_refuses_names_and_isikukood() -> None:
    names = ["Helju Tamm", "Jüri Tamm"]
    assert timelog.check_note("  kõne   kooliga ", names) == "kõne kooliga"
    assert timelog.check_note("", names) is None
    for bad in ("kõne Helju'ga", "jüri kool", "isikukood 61811230128", "x" * 201):
        with pytest.raises(timelog.BadTime):
            timelog.check_note(bad, names)
    assert timelog.check_note("tammik", names) == "tammik"  # a whole name, not a part


def test_payers_money_is_exact_and_estonian() -> None:
    assert payers.parse_money("25,50 €") == Decimal("25.50")
    assert payers.parse_money("1 250") == Decimal("1250.00")
    for bad in ("-1", "1,234", "abc", "NaN"):
        with pytest.raises(payers.BadContract):
            payers.parse_money(bad)
    assert payers.show_money(Decimal("1250.5")) == "1\u00a0250,50"
    assert payers.show_money(Decimal("-32.08")) == "-32,08"
    assert payers.hour_sum(20, Decimal("25")) == Decimal("8.33")
    assert payers.round_up(61, 15) == 75 and payers.round_up(60, 15) == 60
    assert payers.round_up(-70, 15) == -70


@given(st.lists(st.tuples(st.integers(1, 600), st.sampled_from(list(timelog.ACTIVITIES))),
                min_size=1, max_size=30), st.integers(1, 60))
def test_statements_total_is_exactly_the_sum_of_lines(
        items: list[tuple[int, str]], step: int) -> None:
    terms = payers.Terms(id=1, number="L", unit="hour", rate=Decimal("27.35"),
                         valid_from=dt.date(2026, 1, 1), valid_to=None,
                         billable=frozenset(timelog.ACTIVITIES) - {"travel"},
                         rounding_minutes=step)
    entries = [statements.Entry(i, f"PLR-2026-{i % 4 + 1:04d}", dt.date(2026, 3, 1 + i % 28),
                                a, m) for i, (m, a) in enumerate(items)]
    content, taken = statements.build(payer={"code": "x", "name": "X"},
                                      period=statements.Period(2026, 3), entries=entries,
                                      contracts=[terms], fee_due=set())
    assert sorted(taken) == list(range(len(items)))
    lines = content["lines"]
    assert sum(Decimal(ln["sum"]) for ln in lines) == Decimal(content["total"])
    for ln in lines:
        billable = sum(m for a, m in ln["minutes"].items() if a != "travel")
        assert billable <= ln["billed_minutes"] < billable + step
        assert ln["billed_minutes"] % step == 0
        assert Decimal(ln["sum"]) == payers.hour_sum(ln["billed_minutes"], Decimal("27.35"))


def test_statements_period_parses_both_ways() -> None:
    assert statements.Period.parse("2026-12").last == dt.date(2026, 12, 31)
    assert statements.Period.parse("02.2028").last == dt.date(2028, 2, 29)
    assert statements.Period.parse("2026-11").label == "november 2026"


@given(st.lists(st.integers(0, 400), min_size=1, max_size=50))
def test_figures_percentile_is_numpy_linear(values: list[int]) -> None:
    for q in (0.5, 0.9):
        assert figures.percentile(values, q) == round(float(np.percentile(values, q * 100)), 1)


def test_figures_public_never_shows_a_small_cell() -> None:
    exact = {"period": {"from": "2026-01-01", "to": "2026-12-31"},
             "referrals": {"received": 12, "registered": 9, "returned": 3,
                           "returned_share": 0.25, "by_month": [{"month": "2026-01",
                                                                 "registered": 4,
                                                                 "returned": 0}],
                           "by_municipality": {"A": 7, "C": 3, "B": 1},
                           "by_ground": {}, "by_problem_area": {}, "returned_codes": {}},
             "conferences": {"held": 4, "days_to_conference_median": 30.0,
                             "days_to_conference_p90": 44.0},
             "plans": {"agreed": 4, "revised": 0}, "follow_up_outcomes": {},
             "closing_reasons": {"plan_working": 5}, "open_by_coordinator": {},
             "waiting_queue": [{"date": "2026-01-31", "waiting": 2}]}
    pub = figures.public(exact)
    assert pub["referrals"]["by_municipality"] == {"A": 7, "B": "<5", "C": "<5"}
    assert pub["referrals"]["by_month"][0] == {"month": "2026-01", "registered": "<5",
                                               "returned": 0}
    assert pub["referrals"]["returned_share"] == "<5"
    assert pub["conferences"] == {"held": "<5", "days_to_conference_median": "<5",
                                  "days_to_conference_p90": "<5"}
    assert pub["closing_reasons"] == {"plan_working": 5}
    assert pub["waiting_queue"][0]["waiting"] == "<5"
    table = next(t for t in figures.tables(pub, {}) if t.name == "by_municipality")
    svg = charts.render(table, "svg")
    assert b"<svg" in svg and svg == charts.render(table, "svg")  # same figures, same file
    assert charts.render(table, "png").startswith(b"\x89PNG")


def test_service_report_page_gives_figures_tables_and_svg_for_the_web(tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.reporting import service

    page = service.report_page(Settings(home=tmp_path, database_url=None),
                               "2026-01-01", "2026-03-31")
    assert page.figures["referrals"]["registered"] == 0
    assert [m["month"] for m in page.public["referrals"]["by_month"]] == [
        "2026-01", "2026-02", "2026-03"]
    assert set(page.charts) == {t.name for t in page.tables}
    assert all(svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
               for svg in page.charts.values())
