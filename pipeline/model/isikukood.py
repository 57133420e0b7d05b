"""The Estonian personal identification code (isikukood): GYYMMDDSSSC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
_W2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000, 7: 2100, 8: 2100}


def check_digit(first_ten: str) -> int:
    digits = [int(c) for c in first_ten]
    r = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if r == 10:
        r = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if r == 10:
            r = 0
    return r


@dataclass(frozen=True)
class IdCheck:
    """Why a code is wrong, in a form the validator turns into a message."""

    ok: bool
    problem: str | None = None  # "format" | "century" | "date" | "checksum"
    birth_date: dt.date | None = None


def check(code: str) -> IdCheck:
    if len(code) != 11 or not code.isdigit():
        return IdCheck(False, "format")
    century = _CENTURY.get(int(code[0]))
    if century is None:
        return IdCheck(False, "century")
    try:
        born = dt.date(century + int(code[1:3]), int(code[3:5]), int(code[5:7]))
    except ValueError:
        return IdCheck(False, "date")
    if check_digit(code[:10]) != int(code[10]):
        return IdCheck(False, "checksum", born)
    return IdCheck(True, None, born)


def birth_date(code: str) -> dt.date | None:
    result = check(code)
    return result.birth_date if result.ok else None


def make(born: dt.date, female: bool = False, serial: int = 1) -> str:
    """Build a valid code (synthetic test data, samples)."""
    base = (born.year - 1800) // 100 * 2 + 1 + (1 if female else 0)
    first = f"{base}{born:%y%m%d}{serial:03d}"
    return first + str(check_digit(first))
