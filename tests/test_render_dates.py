"""Dates the Estonian (Russian, English) way and the follow-up booking."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.render import dates


def test_dates_when_in_three_languages() -> None:
    t = dt.datetime(2026, 12, 3, 17, 0)
    assert dates.when(t, "et") == "3. detsember 2026, neljapäev, kell 17.00"
    assert dates.when(t, "ru") == "3 декабря 2026\u202fг., четверг, 17:00"
    assert dates.when(t, "en") == "Thursday, 3 December 2026, 17:00"


@pytest.mark.parametrize(
    ("conference", "follow_up"),
    [
        (dt.date(2026, 12, 3), dt.date(2027, 1, 4)),  # 3 Jan is a Sunday
        (dt.date(2027, 1, 24), dt.date(2027, 2, 25)),  # 24 Feb: Independence Day
        (dt.date(2026, 11, 24), dt.date(2026, 12, 28)),  # 24-26 Dec, then the weekend
        (dt.date(2027, 1, 31), dt.date(2027, 3, 1)),  # 28 Feb 2027 is a Sunday
        (dt.date(2026, 10, 14), dt.date(2026, 11, 16)),  # 14 Nov is a Saturday
        (dt.date(2026, 10, 13), dt.date(2026, 11, 13)),  # an ordinary Friday
    ],
)
def test_dates_follow_up_one_month_later_on_a_working_day(
    conference: dt.date, follow_up: dt.date
) -> None:
    got = dates.follow_up_date(conference)
    assert got == follow_up
    assert dates.is_working_day(got)


def test_render_dates_booking_problems_name_the_reason() -> None:
    from pipeline.render.dates import booking_problems

    now = dt.datetime(2026, 12, 1, 9, 0)

    def why(start: dt.datetime, hours: float = 3) -> str:
        return "; ".join(booking_problems(start, start + dt.timedelta(hours=hours), now))

    assert why(dt.datetime(2026, 12, 3, 17, 0)) == ""  # a Thursday evening
    assert "jõululaupäev" in why(dt.datetime(2026, 12, 24, 11, 0))
    assert "jõululaupäeva eelne päev" in why(dt.datetime(2026, 12, 23, 11, 0))
    assert "võidupüha eelne päev" in why(dt.datetime(2027, 6, 22, 11, 0))
    assert "võidupüha" in why(dt.datetime(2027, 6, 23, 11, 0))
    assert "laupäev" in why(dt.datetime(2026, 12, 5, 11, 0))
    assert "08.00–21.00" in why(dt.datetime(2026, 12, 3, 19, 0))  # ends at 22.00
    assert "08.00–21.00" in why(dt.datetime(2026, 12, 3, 7, 0))
    assert "möödas" in why(dt.datetime(2026, 11, 30, 17, 0))
