"""Every validation rule: a form that triggers it, and the good form that does not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.model.assemble import Assembled, assemble
from pipeline.model.issues import Issue
from pipeline.model.referral import Referral
from pipeline.model.validate import validate
from pipeline.samples import sample_referral

TODAY = dt.date(2026, 11, 24)

Edit = Callable[[dict[str, Any]], None]


def issues_after(edit: Edit, sender: str | None = None) -> list[Issue]:
    data = sample_referral().model_dump(mode="json")
    edit(data)
    return validate(Assembled(Referral.model_validate(data)), today=TODAY, sender=sender)


def codes(issues: list[Issue]) -> set[tuple[str, str]]:
    return {(i.code, i.field) for i in issues}


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value

    return edit


def test_validate_good_form_has_no_issues() -> None:
    assert issues_after(lambda d: None) == []


CASES: list[tuple[str, Edit, str, str]] = [
    ("required referrer name", _set("referrer.name", None), "E01", "referrer.name"),
    ("required question", _set("question", None), "E01", "question"),
    ("required consent date", _set("consent.date", None), "E01", "consent.date"),
    ("no children", _set("children", []), "E01", "children[0].name"),
    ("no caregivers", _set("caregivers", []), "E01", "caregivers[0].name"),
    ("child without name", _set("children.1.name", None), "E01", "children[1].name"),
    (
        "child without id and birth date",
        lambda d: d["children"][0].update(id_code=None, birth_date=None),
        "E01",
        "children[0].id_code",
    ),
    ("id checksum", _set("children.0.id_code", "61811230129"), "E02", "children[0].id_code"),
    ("id impossible date", _set("children.0.id_code", "61802300123"), "E02", "children[0].id_code"),
    ("id too short", _set("children.0.id_code", "6181123012"), "E02", "children[0].id_code"),
    (
        "id vs birth date",
        _set("children.0.birth_date", "2018-11-24"),
        "E03",
        "children[0].birth_date",
    ),
    (
        "adult child",
        lambda d: d["children"][0].update(id_code="50801010002", birth_date="2008-01-01"),
        "E04",
        "children[0].birth_date",
    ),
    ("no grounds", _set("grounds", []), "E05", "grounds"),
    (
        "no risk factor",
        lambda d: [side.update(risk=None) for side in d["factors"].values()],
        "E05",
        "factors.development.risk",
    ),
    ("no consent", _set("consent.given", False), "E06", "consent.given"),
    ("bad e-mail", _set("referrer.email", "kyllike@@example"), "E07", "referrer.email"),
    (
        "unknown municipality",
        _set("referrer.municipality", "Türri vald"),
        "E08",
        "referrer.municipality",
    ),
    ("substitute care", _set("grounds", ["birth_parent_contact"]), "E09", "guardianship_agreement"),
    ("acute danger", _set("acute_danger", True), "E10", "acute_danger"),
    ("future referral date", _set("referral_date", "2026-12-01"), "E11", "referral_date"),
    (
        "future birth date",
        lambda d: d["children"][1].update(id_code=None, birth_date="2027-01-05"),
        "E11",
        "children[1].birth_date",
    ),
    ("bad phone", _set("caregivers.1.phone", "12"), "W01", "caregivers[1].phone"),
    ("bad referrer phone", _set("referrer.phone", "+3721"), "W01", "referrer.phone"),
    (
        "no protective factor",
        lambda d: [side.update(protective=None) for side in d["factors"].values()],
        "W02",
        "factors.development.protective",
    ),
    ("no network", _set("network", []), "W03", "network"),
    ("interpreter", _set("interpreter_needed", True), "W04", "interpreter_needed"),
    ("old consent", _set("consent.date", "2026-04-01"), "W05", "consent.date"),
    ("consent after referral", _set("consent.date", "2026-11-03"), "W05", "consent.date"),
    ("child views", _set("child_views", None), "W07", "child_views"),
    ("other without text", _set("problem_areas", ["other"]), "W08", "problem_other"),
]


@pytest.mark.parametrize(("name", "edit", "code", "field"), CASES, ids=[c[0] for c in CASES])
def test_validate_rule_triggers(name: str, edit: Edit, code: str, field: str) -> None:
    found = issues_after(edit)
    assert (code, field) in codes(found), found
    issue = next(i for i in found if (i.code, i.field) == (code, field))
    assert issue.is_error == code.startswith("E")
    assert issue.message.endswith((".", "?")) and len(issue.message) > 30


def test_validate_sender_differs_gives_w06() -> None:
    assert ("W06", "referrer.email") in codes(issues_after(lambda d: None, "muu@example.ee"))
    assert issues_after(lambda d: None, "KYLLIKE.OUNAPUU@example.ee") == []


def test_validate_substitute_care_with_agreement_is_quiet() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["grounds"] = ["other_substitute_care"]
        d["guardianship_agreement"] = True

    assert issues_after(edit) == []


def test_validate_other_with_text_is_quiet() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["problem_areas"] = ["other"]
        d["problem_other"] = "Koolikiusamine"

    assert issues_after(edit) == []


def test_validate_child_just_under_18_is_quiet() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["children"][0].update(id_code=None, birth_date="2008-11-03")  # 18 on 3 Nov

    assert ("E04", "children[0].birth_date") not in codes(issues_after(edit))
    edit2 = _set("children.0", {"name": "X", "birth_date": "2008-11-02"})
    assert ("E04", "children[0].birth_date") in codes(issues_after(edit2))


def test_validate_municipality_suggests_closest_names() -> None:
    found = issues_after(_set("referrer.municipality", "Türri vald"))
    e08 = next(i for i in found if i.code == "E08")
    assert "„Türi vald“" in e08.message


def test_validate_errors_come_before_warnings() -> None:
    found = issues_after(lambda d: d.update(network=[], consent={"given": False}))
    severities = [i.is_error for i in found]
    assert severities == sorted(severities, reverse=True)


def test_validate_unreadable_date_is_reported_not_raised() -> None:
    a = assemble(
        {
            "referral_date": "eelmisel nädalal",
            "children[0].name": "Mari",
            "children[0].birth_date": "31.02.2019",
        }
    )
    found = codes(validate(a, today=TODAY))
    assert ("E01", "referral_date") in found
    assert ("E01", "children[0].birth_date") in found
    assert ("E01", "children[0].id_code") not in found


def test_validate_messages_never_name_people() -> None:
    r = sample_referral()
    found = issues_after(
        lambda d: (
            d["children"][0].update(id_code="61811230129"),
            d["caregivers"][1].update(phone="12"),
            d.update(acute_danger=True),
        )
    )
    text = " ".join(i.message for i in found)
    for person in [c.name for c in r.children] + [c.name for c in r.caregivers]:
        assert person and person not in text
    assert "61811230129" not in text
