"""Dates and times the way each language writes them, and the follow-up booking.

Estonian: `3. detsember 2026, neljapäev, kell 17.00`; Russian and English the
same facts in their own order and punctuation. Babel supplies month and day
names so that cases (3 декабря) are right.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache

import holidays
from babel.dates import format_date

LANGS = ("et", "ru", "en")
_LOCALE = {"et": "et", "ru": "ru", "en": "en_GB"}


def locale(lang: str) -> str:
    return _LOCALE.get(lang, "et")


def long_date(d: dt.date, lang: str) -> str:
    """`3. detsember 2026` / `3 декабря 2026 г.` / `3 December 2026`."""
    if lang == "ru":
        return format_date(d, "long", locale="ru")
    if lang == "en":
        return format_date(d, "d MMMM y", locale="en_GB")
    return format_date(d, "d. MMMM y", locale="et")


def weekday(d: dt.date, lang: str) -> str:
    return format_date(d, "EEEE", locale=locale(lang))


def clock(t: dt.datetime | dt.time, lang: str) -> str:
    """Estonian writes `17.00`; Russian and English `17:00`."""
    sep = "." if lang not in ("ru", "en") else ":"
    return f"{t.hour:02d}{sep}{t.minute:02d}"


def short_date(d: dt.date | None) -> str:
    """`23.11.2018`: the numeric form used in tables in all three languages."""
    return "" if d is None else f"{d.day:02d}.{d.month:02d}.{d.year}"


def when(start: dt.datetime, lang: str) -> str:
    """The full phrase for a meeting's start, as a letter writes it."""
    # Russian and English letters follow the time with its end (`17:00–20:00`), so
    # they carry no preposition; Estonian `kell 17.00–20.00` reads right either way.
    if lang == "ru":
        return f"{long_date(start, 'ru')}, {weekday(start, 'ru')}, {clock(start, 'ru')}"
    if lang == "en":
        return f"{weekday(start, 'en')}, {long_date(start, 'en')}, {clock(start, 'en')}"
    return f"{long_date(start, 'et')}, {weekday(start, 'et')}, kell {clock(start, 'et')}"


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("EE", years=year)


def is_working_day(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in _holidays(d.year)


def add_month(d: dt.date) -> dt.date:
    """The same day next month, or that month's last day (31 January -> 28 February)."""
    year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def follow_up_date(conference: dt.date) -> dt.date:
    """One month after the conference, moved on to the next working day if needed."""
    d = add_month(conference)
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


# --- when a conference may be booked -----------------------------------------------------

# The days before these holidays are shortened working days in Estonia (Employment
# Contracts Act § 51): families and professionals are travelling or preparing.
_EVES = {(2, 23): "iseseisvuspäeva eelne päev", (6, 22): "võidupüha eelne päev",
         (12, 23): "jõululaupäeva eelne päev", (12, 31): "vana-aastaõhtu"}
_EVES_EN = {(2, 23): "the day before Independence Day", (6, 22): "the day before Victory Day",
            (12, 23): "the day before Christmas Eve", (12, 31): "New Year's Eve"}
EARLIEST, LATEST = dt.time(8, 0), dt.time(21, 0)


@cache
def _holiday_names(year: int, lang: str = "et") -> holidays.HolidayBase:
    return holidays.country_holidays("EE", years=year,
                                     language="en_US" if lang == "en" else "et")


def holiday_name(d: dt.date, lang: str = "et") -> str | None:
    """The Estonian public holiday on `d` (`jõululaupäev`; in English `Christmas Eve`), or
    None."""
    name = _holiday_names(d.year, lang).get(d)
    return str(name) if name else None


def booking_problems(start: dt.datetime, end: dt.datetime, now: dt.datetime,
                     lang: str = "et") -> list[str]:
    """Why a meeting at this time needs the coordinator's confirmation, if at all: in the
    past, a weekend, a public holiday or its eve, outside 08.00–21.00. Estonian, or
    English for `lang="en"` (the CLI under PLR_LANG=en)."""
    en = lang == "en"
    out: list[str] = []
    day = start.date()
    date = long_date(day, "en" if en else "et")
    at, until = clock(start, lang), clock(end, lang)
    if start < now:
        out.append(f"{date} {at} is in the past" if en else f"aeg {date} kell {at} on möödas")
    if day.weekday() >= 5:
        out.append(f"{date} is a {weekday(day, 'en')}" if en
                   else f"{date} on {weekday(day, 'et')}")
    name = holiday_name(day, lang)
    if name:
        out.append(f"{date} is a public holiday ({name})" if en
                   else f"{date} on riigipüha ({name})")
    eve = (_EVES_EN if en else _EVES).get((day.month, day.day))
    if eve and not name:
        out.append(f"{date} is {eve} (a shortened working day)" if en
                   else f"{date} on {eve} (lühendatud tööpäev)")
    if start.time() < EARLIEST or end.time() > LATEST or end.date() != day:
        first, last = clock(EARLIEST, lang), clock(LATEST, lang)
        out.append(f"a meeting at {at}–{until} does not fit within {first}–{last}" if en
                   else f"kohtumine kell {at}–{until} ei mahu ajavahemikku {first}–{last}")
    return out
