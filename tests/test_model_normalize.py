"""Normalisation and the isikukood, with property-based tests."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.model import isikukood, municipalities, normalize
from pipeline.model.assemble import assemble

MONTH_NAMES = list(normalize.MONTHS_ET)
dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31))


@given(dates, st.booleans(), st.integers(0, 999))
def test_isikukood_made_codes_pass_and_give_their_date(
    born: dt.date, female: bool, serial: int
) -> None:
    code = isikukood.make(born, female, serial)
    result = isikukood.check(code)
    assert result.ok and result.birth_date == born
    assert (int(code[0]) % 2 == 0) == female


@given(dates, st.integers(0, 999), st.integers(1, 9))
def test_isikukood_wrong_check_digit_fails(born: dt.date, serial: int, delta: int) -> None:
    code = isikukood.make(born, False, serial)
    wrong = code[:10] + str((int(code[10]) + delta) % 10)
    assert isikukood.check(wrong).problem == "checksum"


def test_isikukood_known_problems() -> None:
    assert isikukood.check("3850614").problem == "format"
    assert isikukood.check("95001010000").problem == "century"
    assert isikukood.check("61802300123").problem == "date"
    assert isikukood.check("61811230129").problem == "checksum"
    assert isikukood.check("37605030299").ok  # the well-known sample code


def test_isikukood_second_weight_round() -> None:
    # 3760503006: the first weights leave remainder 10, the second give 4.
    assert isikukood.check_digit("3760503006") == 4
    assert isikukood.check("37605030064").ok


@given(
    dates,
    st.sampled_from(
        [
            "{d}.{m}.{y}",
            "{d:02d}.{m:02d}.{y}",
            "{y}-{m:02d}-{d:02d}",
            "{d}. {mn} {y}",
            "{d}. {MN} {y}",
        ]
    ),
)
def test_normalize_parse_date_accepts_every_spec_style(day: dt.date, fmt: str) -> None:
    text = fmt.format(
        d=day.day,
        m=day.month,
        y=day.year,
        mn=MONTH_NAMES[day.month - 1],
        MN=MONTH_NAMES[day.month - 1].upper(),
    )
    assert normalize.parse_date(text) == day


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2026, 11, 24)))
def test_normalize_parse_date_two_digit_year(day: dt.date) -> None:
    text = f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}"
    assert normalize.parse_date(text, pivot=2026) == day


@pytest.mark.parametrize("bad", ["31.02.2019", "eile", "2019", "5. mürts 2015", "12/13/2020"])
def test_normalize_parse_date_rejects_non_dates(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize.parse_date(bad)


@given(st.text(max_size=40))
def test_normalize_parse_date_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(ValueError):
        normalize.parse_date(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5123 4567", "+37251234567"),
        ("+372 5123 4567", "+37251234567"),
        ("00372 51234567", "+37251234567"),
        ("+358 40 1234567", "+358401234567"),
    ],
)
def test_normalize_phone_e164(typed: str, expected: str) -> None:
    assert normalize.phone(typed) == (expected, True)


def test_normalize_email_lower_and_trimmed() -> None:
    assert normalize.email("  Mari.Maasikas@Tyri.EE ") == ("mari.maasikas@tyri.ee", True)
    assert normalize.email("mari@@x")[1] is False


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("türi", "Türi vald"),
        ("Türi vallavalitsus", "Türi vald"),
        ("Tallinna linn", "Tallinn"),
        ("Tallinna Linnavalitsus", "Tallinn"),
        ("TARTU LINN", "Tartu linn"),
        ("Tartu vald", "Tartu vald"),
        ("Narva-Jõesuu linn", "Narva-Jõesuu linn"),
        ("Saaremaa vallavalitsus", "Saaremaa vald"),
    ],
)
def test_municipalities_canonical(typed: str, expected: str) -> None:
    assert municipalities.canonical(typed) == expected


@pytest.mark.parametrize(
    ("read", "expected"),
    [("Türi vaid", "Türi vald"), ("Pärnu llnn", "Pärnu linn"), ("Töri vald", None),
     ("Sake vald", None), ("Türi", None)],
)
def test_municipalities_nearest_only_when_one_name_is_a_letter_away(
        read: str, expected: str | None) -> None:
    assert municipalities.nearest(read) == expected


def test_municipalities_list_has_79() -> None:
    assert len(municipalities.names()) == 79


def test_assemble_texts_and_rows() -> None:
    a = assemble(
        {
            "referrer.name": "  Mari   Maasikas ",
            "situation": "Esimene  lõik.\r\n\r\n\r\nTeine lõik & <b>\x07",
            "children[0].name": "",
            "children[1].name": "Säde",
            "children[1].id_code": "618 1123 0128",
            "grounds.kinship_care": "X",
            "problem_areas": ["Perekonflikt", "muu"],
            "family_language": "Vene",
            "consent.given": "☒",
        }
    )
    r = a.referral
    assert r.referrer.name == "Mari Maasikas"
    assert r.situation == "Esimene lõik.\n\nTeine lõik & <b>"
    assert [c.name for c in r.children] == ["Säde"]
    assert r.children[0].id_code == "61811230128"
    assert r.children[0].birth_date == dt.date(2018, 11, 23)
    assert r.grounds == ["kinship_care"]
    assert r.problem_areas == ["family_conflict", "other"]
    assert r.family_language == "ru"
    assert r.consent.given is True


@pytest.mark.parametrize("tick", ["X", "x", "☒", "[X]", "[x]", "jah", "✓", True])
def test_normalize_boolean_ticks(tick: str | bool) -> None:
    assert normalize.boolean(tick) is True


@pytest.mark.parametrize("blank", ["", "☐", "[ ]", "ei", None, False, "/Off"])
def test_normalize_boolean_blanks(blank: str | bool | None) -> None:
    assert normalize.boolean(blank) is False
