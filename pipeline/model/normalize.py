"""Normalising raw form values the way the spec says (pure functions)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MONTHS_ET = {
    "jaanuar": 1,
    "veebruar": 2,
    "märts": 3,
    "aprill": 4,
    "mai": 5,
    "juuni": 6,
    "juuli": 7,
    "august": 8,
    "september": 9,
    "oktoober": 10,
    "november": 11,
    "detsember": 12,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str) -> str:
    """NFC, control characters dropped, non-breaking spaces made plain."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\u00a0", " ").replace("\u200b", "").replace("\r\n", "\n")
    return _CONTROL.sub("", value.replace("\r", "\n"))


def text(value: str | None) -> str | None:
    """One-line text: trimmed, inner white space collapsed, case kept."""
    if value is None:
        return None
    out = re.sub(r"\s+", " ", clean(value)).strip()
    return out or None


def longtext(value: str | None) -> str | None:
    """Long text: trimmed, each line's spaces collapsed, paragraphs kept as `\\n`."""
    if value is None:
        return None
    lines = [re.sub(r"[ \t\f\v]+", " ", ln).strip() for ln in clean(value).split("\n")]
    out = "\n".join(lines).strip("\n ")
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out or None


_NUMERIC = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{2}|\d{4})\.?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\.?\s*([a-zõäöüšž]+)\.?\s*(\d{4})\.?(?:\s*a\.?)?$")


def parse_date(value: str | None, *, pivot: int | None = None) -> dt.date | None:
    """Parse `5.3.2015`, `05.03.15`, `2015-03-05`, `5. märts 2015`.

    Raises ValueError on text that is not a date. A two-digit year is taken
    in the century that puts it no later than `pivot` (default: this year).
    """
    s = text(value)
    if s is None:
        return None
    s = s.lower().rstrip(",")
    if m := _ISO.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(s):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            limit = (pivot or dt.date.today().year) % 100
            year += 2000 if year <= limit else 1900
        return dt.date(year, month, day)
    if m := _WORDS.match(s):
        named = MONTHS_ET.get(m[2])
        if named is None:
            # "märtsil", "detsembri": a month name with a case ending.
            named = next((n for k, n in MONTHS_ET.items() if m[2].startswith(k[:4])), None)
        if named is None:
            raise ValueError(f"unknown month {m[2]!r}")
        return dt.date(int(m[3]), named, int(m[1]))
    raise ValueError("not a date")


def phone(value: str | None) -> tuple[str | None, bool]:
    """(E.164 or the trimmed text, valid?). A number without a country code is Estonian."""
    s = text(value)
    if s is None:
        return None, True
    try:
        num = phonenumbers.parse(s, "EE")
    except phonenumbers.NumberParseException:
        return s, False
    if not phonenumbers.is_valid_number(num):
        return s, False
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), True


def email(value: str | None) -> tuple[str | None, bool]:
    """(lower-case address, valid?). The syntax only: no DNS lookups."""
    s = text(value)
    if s is None:
        return None, True
    s = s.replace(" ", "").strip("<>").lower()
    if s.startswith("mailto:"):
        s = s[len("mailto:") :]
    try:
        validate_email(s, check_deliverability=False)
    except EmailNotValidError:
        return s, False
    return s, True


_TRUE = {"x", "☒", "☑", "✓", "✔", "✗", "✘", "jah", "yes", "true", "1", "on", "[x]", "(x)", "да"}
_FALSE = {"", "☐", "□", "ei", "no", "false", "0", "off", "[ ]", "[]", "( )", "/off", "нет"}


def boolean(value: str | bool | None) -> bool:
    """A tick: `X`, `☒`, `jah`, `[X]`... True; empty, `☐`, `ei`... False."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    s = re.sub(r"\s+", " ", value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return bool(re.match(r"^[\[(]?\s*[x☒☑✓✔]\s*[\])]?", s))


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
