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
