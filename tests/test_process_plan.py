"""A filled action plan dropped into the inbox is recorded on its case, or kept with a reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from test_process_pipeline import arrive, entries, good_docx
from test_render_helpers import fill_sdts
from typer.testing import CliRunner

from pipeline import casework, process
from pipeline.cli import app
from pipeline.register import db
from pipeline.register.cases import get_case, now

AGREEMENTS = {
    "agreements[0].what": "Jüri läheb iga päev kooli & vanaema saadab ta <bussini>.",
    "agreements[0].who": "Ööbik Šmidt",
    "agreements[0].by_when": "iga koolipäev",
    "agreements[0].checks": "Helju Tamm",
    "contingency": "Kui Jüri puudub, helistab ema klassijuhatajale.",
}


def scheduled_case(ctx: process.Context, *, started: bool = True) -> tuple[str, bytes]:
    """A registered case with a coordinator and a booked conference, which has started an
    hour ago (a plan may be recorded) or is ten days ahead; its blank plan."""
    result = process.run(arrive(ctx, "suunamine.docx", good_docx()), ctx)
    (number,) = result.cases
    casework.add_coordinator(ctx.settings, name="Kadri Lepik", email="kadri.lepik@example.ee",
                             phone=None, languages=["et"], capacity=5)
    casework.assign_case(ctx.settings, number, "Kadri Lepik")
    start = now() - dt.timedelta(hours=1) if started else now() + dt.timedelta(days=10)
    # Any time will do here (force: the past, a weekend or a holiday is not refused).
    done = casework.schedule_conference(ctx.settings, number,
                                        at=start.strftime("%Y-%m-%d %H:%M"),
                                        place="Türi Perekeskus", force=True)
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


def test_process_plan_before_the_conference_is_kept_aside_with_reason(
    ctx: process.Context,
) -> None:
    number, blank = scheduled_case(ctx, started=False)
    filled = fill_sdts(blank, AGREEMENTS)
    result = process.run(arrive(ctx, "plaan.docx", filled), ctx)
    # Not recorded: the case still waits for its conference, no plan, no follow-up.
    assert (result.outcome, result.cases, result.codes) == ("quarantined", [], ["too_early"])
    assert state_of(ctx, number) == "scheduled"
    with db.transaction(ctx.sessions) as s:
        case = get_case(session=s, number=number)
        assert not case.plans and [m.kind for m in case.meetings] == ["conference"]
    assert not list((ctx.layout.outbox / number).glob("* tegevusplaan – *.docx"))
    # Kept in one known place, byte for byte, with a reason a person can act on.
    kept = ctx.layout.quarantine / "plaan.docx"
    assert kept.read_bytes() == filled
    (entry,) = [e for e in entries(ctx) if e.file == "plaan.docx"]
    assert entry.outcome == "quarantined" and entry.codes == ["too_early"]
    assert number in entry.reason and "enne lahendusringi algust" in entry.reason
    assert f"plr case plan {number}" in entry.reason and "--force" in entry.reason
    assert entry.reason in (ctx.layout.quarantine / "plaan.docx.reason.txt").read_text()
    # The office sees it in `plr intake` (a wide terminal: the reason on few lines).
    out = CliRunner().invoke(app, ["intake", "--home", str(ctx.settings.home)],
                             env={"COLUMNS": "250", "PLR_LANG": "et"}).output
    assert "tegevusplaan ootab lahendusringi" in out and "quarantine/" in out
    # The coordinator can record the kept file later, confirming it with a reason.
    done = casework.record_plan(ctx.settings, number, kept, forced="ring peeti varem")
    assert done.files and state_of(ctx, number) == "plan_agreed"

