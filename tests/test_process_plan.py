"""A filled action plan dropped into the inbox is recorded on its case, or kept with a reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from test_process_pipeline import arrive, entries, good_docx
from test_render_helpers import fill_sdts

from pipeline import casework, process
from pipeline.register import db
from pipeline.register.cases import get_case

AGREEMENTS = {
    "agreements[0].what": "Jüri läheb iga päev kooli & vanaema saadab ta <bussini>.",
    "agreements[0].who": "Ööbik Šmidt",
    "agreements[0].by_when": "iga koolipäev",
    "agreements[0].checks": "Helju Tamm",
    "contingency": "Kui Jüri puudub, helistab ema klassijuhatajale.",
}


def scheduled_case(ctx: process.Context) -> tuple[str, bytes]:
    """A registered case with a coordinator and a booked conference; its blank plan."""
    result = process.run(arrive(ctx, "suunamine.docx", good_docx()), ctx)
    (number,) = result.cases
    casework.add_coordinator(ctx.settings, name="Kadri Lepik", email="kadri.lepik@example.ee",
                             phone=None, languages=["et"], capacity=5)
    casework.assign_case(ctx.settings, number, "Kadri Lepik")
    at = (dt.date.today() + dt.timedelta(days=10)).isoformat() + " 17:00"
    # Any day will do here (force: a weekend or holiday ten days on is not refused).
    done = casework.schedule_conference(ctx.settings, number, at=at, place="Türi Perekeskus",
                                        force=True)
    blank = next(p for p in done.files if "tegevusplaani vorm" in p.name)
    return number, blank.read_bytes()


def state_of(ctx: process.Context, number: str) -> str:
    with db.transaction(ctx.sessions) as s:
        return get_case(session=s, number=number).state


def test_process_plan_in_inbox_is_recorded_and_documents_written(
    ctx: process.Context,
) -> None:
    number, blank = scheduled_case(ctx)
    result = process.run(arrive(ctx, "plaan.docx", fill_sdts(blank, AGREEMENTS)), ctx)
    assert (result.outcome, result.cases, result.codes) == ("registered", [number],
                                                            ["action_plan"])
    assert state_of(ctx, number) == "plan_agreed"
    assert (ctx.layout.archive / number / "plaan.docx").exists()
    folder = ctx.layout.outbox / number
    plans = sorted(folder.glob("* tegevusplaan – *.docx"))
    assert plans, sorted(p.name for p in folder.iterdir())
    texts = [c.text for t in Document(str(plans[0])).tables for r in t.rows for c in r.cells]
    assert AGREEMENTS["agreements[0].what"] in texts
    assert list(folder.glob("* järelkohtumise kutse – *.ics"))
    assert entries(ctx)[0].outcome == "registered"


def test_process_plan_run_twice_after_a_crash_saves_one_plan(
    ctx: process.Context,
) -> None:
    number, blank = scheduled_case(ctx)
    job = arrive(ctx, "plaan.docx", fill_sdts(blank, AGREEMENTS))
    w = process.Work(job=job, ctx=ctx, path=Path(job.path))
    process.stage_read(w)
    process.stage_plan(w)  # the plan is committed; the watcher dies here
    assert process.run(job, ctx).outcome == "registered"  # the restart
    with db.transaction(ctx.sessions) as s:
        assert len(get_case(session=s, number=number).plans) == 1


def test_process_plan_for_unknown_case_is_quarantined_with_reason(
    ctx: process.Context,
) -> None:
    _, blank = scheduled_case(ctx)
    filled = fill_sdts(blank, {**AGREEMENTS, "case_number": "PLR-2026-9999"})
    result = process.run(arrive(ctx, "plaan.docx", filled), ctx)
    assert result.outcome == "quarantined"
    reason = (ctx.layout.quarantine / "plaan.docx.reason.txt").read_text()
    assert "PLR-2026-9999" in reason and "tegevusplaan" in reason


def test_process_plan_for_case_in_wrong_state_is_quarantined(
    ctx: process.Context,
) -> None:
    number, blank = scheduled_case(ctx)
    assert process.run(arrive(ctx, "plaan.docx", fill_sdts(blank, AGREEMENTS)), ctx).cases
    again = fill_sdts(blank, {**AGREEMENTS, "agreements[0].by_when": "igal hommikul"})
    result = process.run(arrive(ctx, "plaan2.docx", again), ctx)
    assert result.outcome == "quarantined"
    assert state_of(ctx, number) == "plan_agreed"
    assert number in (ctx.layout.quarantine / "plaan2.docx.reason.txt").read_text()


@pytest.mark.parametrize("values", [{}, {"contingency": "Ainult see."}])
def test_process_plan_without_agreements_is_quarantined(
    ctx: process.Context, values: dict[str, str]
) -> None:
    _, blank = scheduled_case(ctx)
    result = process.run(arrive(ctx, "tühi.docx", fill_sdts(blank, values)), ctx)
    assert result.outcome == "quarantined" and result.codes == ["plan_empty"]
