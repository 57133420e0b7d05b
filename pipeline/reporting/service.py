"""The service functions behind `plr case time`, `plr payer`, `plr contract`,
`plr statement` and `plr report`, and the overview written when a case closes.

Each opens one register transaction (`casework.in_register`), calls the pure modules
beside this one, and writes files at the edge. The web app's page of figures calls
`report_page()`: the figures, their public tables and each chart as SVG bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pipeline.config import Settings
from pipeline.errors import PipelineError, Refused
from pipeline.model import spec
from pipeline.register import billing
from pipeline.register.cases import get_case, now
from pipeline.register.tables import Case, Contract, Payer, Statement, TimeEntry
from pipeline.reporting import charts, figures, overview, payers, statements, timelog
from pipeline.reporting.figures import Table

REPORTS_DIR = "aruanded"


def _in_register(settings: Settings, step: Any) -> Any:
    from pipeline.casework import in_register

    return in_register(settings, step)


def _actor() -> str:
    from pipeline.casework import actor

    return actor()


def parse_day(text: str | None, *, default: dt.date | None = None) -> dt.date:
    if text is None or not text.strip():
        if default is None:
            raise PipelineError.of("err.no_date", code="bad_date")
        return default
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise PipelineError.of("err.bad_date", code="bad_date", text=text[:20])


# --- the time log ------------------------------------------------------------


def _entry_json(e: TimeEntry, number: str) -> dict[str, Any]:
    return {"id": e.id, "case": number, "date": e.day.isoformat(), "activity": e.activity,
            "minutes": e.minutes, "note": e.note, "corrects": e.corrects_id,
            "statement": None, "locked": e.statement_id is not None, "actor": e.actor}


def add_time(settings: Settings, number: str, *, duration: str, activity: str,
             day: str | None = None, note: str | None = None,
             corrects: int | None = None) -> dict[str, Any]:
    """Record time on a case; a negative duration with `corrects` undoes part of an entry."""
    minutes = timelog.parse_duration(duration)
    code = timelog.activity(activity)
    when = parse_day(day, default=now().date())
    if when > now().date():
        raise timelog.BadTime.of("err.time_future", code="future_date")
    if minutes < 0 and corrects is None:
        raise timelog.BadTime.of("err.time_negative", code="bad_duration")

    def step(s: Session) -> dict[str, Any]:
        case = get_case(session=s, number=number)
        if case.purged_at is not None:
            raise Refused.of("err.case_purged", code="purged", number=case.number)
        if when < case.received_at.date():
            raise timelog.BadTime.of("err.time_before_case", code="bad_date",
                                     number=case.number, day=f"{case.received_at:%d.%m.%Y}")
        clean = timelog.check_note(note, [p.name for p in case.participants])
        entry = billing.add_time(session=s, case=case, day=when, activity=code,
                                 minutes=minutes, note=clean, corrects=corrects,
                                 actor=_actor())
        return _entry_json(entry, case.number)

    result: dict[str, Any] = _in_register(settings, step)
    return result


def list_time(settings: Settings, number: str) -> dict[str, Any]:
    def step(s: Session) -> dict[str, Any]:
        case = get_case(session=s, number=number)
        entries = billing.time_entries(session=s, case_id=case.id)
        numbers = {st.id: st.number for st in billing.list_statements(session=s)}
        rows = []
        for e in entries:
            row = _entry_json(e, case.number)
            row["statement"] = numbers.get(e.statement_id) if e.statement_id else None
            rows.append(row)
        totals = {a: 0 for a in timelog.ACTIVITIES}
        for e in entries:
            totals[e.activity] += e.minutes
        payer = billing.case_payer(s, case)
        return {"case": case.number, "payer": payer.code if payer else None,
                "entries": rows, "minutes_by_activity": {a: m for a, m in totals.items() if m},
                "total_minutes": sum(totals.values())}

    result: dict[str, Any] = _in_register(settings, step)
    return result


def minutes_by_activity(session: Session, case: Case) -> dict[str, int]:
    totals = {a: 0 for a in timelog.ACTIVITIES}
    for e in billing.time_entries(session=session, case_id=case.id):
        totals[e.activity] += e.minutes
    return totals


# --- payers and contracts ----------------------------------------------------


def _contract_json(c: Contract) -> dict[str, Any]:
    return {"id": c.id, "number": c.number, "unit": c.unit,
            "rate": str(payers.money(c.rate_cents)), "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat() if c.valid_to else None,
            "billable": list(c.billable), "rounding_minutes": c.rounding_minutes}


def _payer_json(s: Session, p: Payer) -> dict[str, Any]:
    return {"id": p.id, "code": p.code, "name": p.name, "municipalities": list(p.municipalities),
            "default": p.is_default,
            "contracts": [_contract_json(c) for c in billing.contracts_of(session=s,
                                                                           payer_id=p.id)]}


def add_payer(settings: Settings, *, code: str, name: str, municipalities: list[str],
              default: bool = False) -> dict[str, Any]:
    from pipeline.model.municipalities import canonical

    known = []
    for m in municipalities:
        c = canonical(m)
        if c is None:
            raise PipelineError.of("err.bad_municipality", code="bad_municipality",
                                       name=m[:40])
        known.append(c)

    def step(s: Session) -> dict[str, Any]:
        return _payer_json(s, billing.add_payer(session=s, code=code, name=name,
                                                municipalities=known, is_default=default))

    result: dict[str, Any] = _in_register(settings, step)
    return result


def list_payers(settings: Settings) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = _in_register(settings, lambda s: [
        _payer_json(s, p) for p in billing.list_payers(session=s)])
    return result


def add_contract(settings: Settings, payer: str, *, number: str, rate: str, unit: str = "hour",
                 valid_from: str, valid_to: str | None = None,
                 billable: list[str] | None = None, rounding_minutes: int = 1) -> dict[str, Any]:
    amount = payers.parse_money(rate)
    start = parse_day(valid_from)
    end = parse_day(valid_to) if valid_to else None
    acts = [timelog.activity(a) for a in (billable or list(payers.DEFAULT_BILLABLE))]
    payers.check_terms(unit=unit, valid_from=start, valid_to=end, billable=acts,
                       rounding_minutes=rounding_minutes)

    def step(s: Session) -> dict[str, Any]:
        p = billing.find_payer(session=s, ref=payer)
        return _contract_json(billing.add_contract(
            session=s, payer=p, number=number, unit=unit, rate_cents=payers.to_cents(amount),
            valid_from=start, valid_to=end, billable=acts, rounding_minutes=rounding_minutes))

    result: dict[str, Any] = _in_register(settings, step)
    return result


def set_case_payer(settings: Settings, number: str, payer: str) -> str:
    def step(s: Session) -> str:
        case = get_case(session=s, number=number)
        p = billing.find_payer(session=s, ref=payer)
        billing.set_case_payer(session=s, case=case, payer=p, actor=_actor())
        return p.code

    result: str = _in_register(settings, step)
    return result


# --- statements --------------------------------------------------------------


@dataclass(frozen=True)
class StatementResult:
    number: str | None  # None: a draft
    payer: str
    period: str
    total: Decimal
    content: dict[str, Any]
    files: list[Path]
    already_issued: bool = False


def _terms(c: Contract) -> payers.Terms:
    return payers.Terms(id=c.id, number=c.number, unit=c.unit, rate=payers.money(c.rate_cents),
                        valid_from=c.valid_from, valid_to=c.valid_to,
                        billable=frozenset(c.billable), rounding_minutes=c.rounding_minutes)


def _draft(s: Session, p: Payer, period: statements.Period) -> tuple[dict[str, Any], list[int]]:
    rows = billing.open_entries(session=s, payer=p, until=period.last)
    closed_by_end = {c.number for _, c in rows
                     if c.closed_at is not None and c.closed_at.date() <= period.last}
    due = closed_by_end - billing.fee_billed(session=s, payer_id=p.id)
    entries = [statements.Entry(id=e.id, case=c.number, day=e.day, activity=e.activity,
                                minutes=e.minutes) for e, c in rows]
    return statements.build(
        payer={"code": p.code, "name": p.name}, period=period, entries=entries,
        contracts=[_terms(c) for c in billing.contracts_of(session=s, payer_id=p.id)],
        fee_due=due)


def statement(settings: Settings, payer: str, month: str, *, issue: bool = False,
              formats: tuple[str, ...] = ("docx", "pdf", "csv", "xlsx")) -> StatementResult:
    """The month's statement for a payer: a draft, or with `issue` numbered and locked.

    An issued statement is written again from what was stored when it was issued, so its
    files never change; work recorded later goes on the next month's statement."""
    period = statements.Period.parse(month)
    if dt.date(period.year, period.month, 1) > now().date():
        raise Refused.of("err.future_statement", code="bad_period")

    def step(s: Session) -> tuple[dict[str, Any], str | None, dt.datetime | None, bool, str]:
        p = billing.find_payer(session=s, ref=payer)
        done = billing.issued(session=s, payer_id=p.id, period=period.key)
        if done is not None:
            return done.content, done.number, done.issued_at, True, p.code
        content, taken = _draft(s, p, period)
        if not issue:
            return content, None, None, False, p.code
        if not content["lines"]:
            raise Refused.of("err.empty_statement", code="empty_statement", payer=p.code,
                              period=period.key)
        row = billing.issue(session=s, payer=p, period=period.key, content=content,
                            digest=statements.digest(content),
                            total_cents=int(content["total_cents"]), entry_ids=taken,
                            actor=_actor())
        return row.content, row.number, row.issued_at, False, p.code

    content, number, issued_at, again, code = _in_register(settings, step)
    if number is not None:  # the month's drafts are superseded by the issued statement
        for old in (settings.outbox / REPORTS_DIR).glob(f"{period.key} {code} kavand*"):
            old.unlink()
    files = write_statement_files(settings, content, number, issued_at, formats)
    return StatementResult(number=number, payer=code, period=period.key,
                           total=statements.total_of(content), content=content, files=files,
                           already_issued=again)


def write_statement_files(settings: Settings, content: dict[str, Any], number: str | None,
                          issued_at: dt.datetime | None, formats: tuple[str, ...]) -> list[Path]:
    """The statement's files in `outbox/aruanded/`. An issued statement's files are written
    once and then kept as they are (asking again gives the same files); a draft's files are
    replaced by the newest draft."""
    from pipeline.deliver.outbox import write_atomic
    from pipeline.render.context import provider_ctx
    from pipeline.render.engine import Engine

    folder = settings.outbox / REPORTS_DIR
    stem = f"{content['period']} {content['payer']['code']} {number or 'kavand'}"

    def put(name: str, make: Any) -> Path:
        path = folder / name
        if path.exists():
            if number is not None:
                return path
            path.unlink()
        return write_atomic(folder, name, make())

    written: list[Path] = []
    if "docx" in formats or "pdf" in formats:
        ctx = statements.docx_context(content, number=number, issued=issued_at,
                                      provider=provider_ctx(settings.provider))
        docx = put(f"{stem} aruanne.docx", lambda: Engine.for_settings(
            settings).render("statement.et.docx", ctx))
        written.append(docx)
        if "pdf" in formats:
            pdf = docx.with_suffix(".pdf")
            written += [pdf] if pdf.exists() and number is not None else _pdf(docx)
    if "csv" in formats:
        written.append(put(f"{stem}.csv", lambda: statements.to_csv(content, number)))
    if "xlsx" in formats:
        written.append(put(f"{stem}.xlsx", lambda: statements.to_xlsx(content, number)))
    return written


def _pdf(docx: Path) -> list[Path]:
    from pipeline.render.pdf import PdfPool, available

    if not available():
        return []
    with PdfPool(workers=1) as pool:
        made = pool.convert(docx)
    return [made] if made is not None else []


def verify_statement(settings: Settings, number: str) -> bool:
    """Whether an issued statement is still exactly as issued (its content's hash)."""
    def step(s: Session) -> bool:
        row: Statement = billing.get_statement(session=s, number=number)
        return statements.digest(row.content) == row.sha256

    result: bool = _in_register(settings, step)
    return result


# --- the overview of work done -----------------------------------------------


def write_overview(settings: Settings, session: Session, number: str) -> list[Path]:
    """Render the overview for the referrer of a case just closed, into its outbox folder
    (called inside `close_case`'s transaction, so a failure leaves the case open)."""
    from pipeline.casework import pdf_copies
    from pipeline.deliver.outbox import case_dir, write_atomic
    from pipeline.register.cases import case_view
    from pipeline.render.context import provider_ctx
    from pipeline.render.documents import filename
    from pipeline.render.engine import Engine

    view = case_view(session=session, number=number)
    case = get_case(session=session, number=number)
    history = [figures.Change(h.at, h.from_state, h.to_state, h.note) for h in case.history]
    ctx = overview.context(view, history, minutes_by_activity(session, case),
                           today=now().date(), close_reason=case.close_reason,
                           closed_at=case.closed_at, provider=provider_ctx(settings.provider))
    data = Engine.for_settings(settings).render(
        "work_overview.et.docx", ctx)
    referrer = view.referral.referrer
    name = filename(now().date(), "ülevaade tehtud tööst", referrer.name)
    path = write_atomic(case_dir(settings.outbox, view.number), name, data)
    if settings.smtp_url and referrer.email:
        from pipeline.deliver import mail

        # Queued once per case: closing is final, so the key needs no content hash.
        mail.enqueue(settings.layout.mail_spool, f"{view.number}-ulevaade",
                     mail.documents_message(sender=settings.smtp_from, to=referrer.email,
                                            folder=view.number, subject="Ülevaade tehtud tööst",
                                            files=[(path.name, data)]))
    return [path, *pdf_copies(settings, [path])]


# --- programme figures -------------------------------------------------------


def _facts(s: Session) -> figures.Facts:
    cases = []
    for c in billing.all_cases(s):
        data = c.versions[-1].data if c.versions else {}
        cases.append(figures.CaseFacts(
            number=c.number, received_at=c.received_at, municipality=c.municipality,
            grounds=tuple(data.get("grounds") or ()),
            problem_areas=tuple(data.get("problem_areas") or ()),
            history=tuple(figures.Change(h.at, h.from_state, h.to_state, h.note)
                          for h in c.history),
            meetings=tuple(figures.MeetingFact(m.kind, m.start, m.created_at)
                           for m in c.meetings)))
    returned = [figures.Returned(e.received_at, tuple(e.codes or ()))
                for e in billing.returned_entries(s)]
    return figures.Facts(cases=cases, returned=returned,
                         coordinators=billing.coordinator_names(s))


def _period(start: str, end: str) -> tuple[dt.date, dt.date]:
    a, b = parse_day(start), parse_day(end)
    if b < a:
        raise PipelineError.of("err.period_order", code="bad_period")
    return a, b


def programme_figures(settings: Settings, start: str, end: str) -> dict[str, Any]:
    """The exact figures for the period (for the provider's own use)."""
    a, b = _period(start, end)
    result: dict[str, Any] = _in_register(settings, lambda s: figures.compute(_facts(s), a, b))
    return result


# What each error code means, as the return letter says it (README, "What the codes mean").
CODE_TITLES = {
    "E01": "kohustuslik väli on täitmata", "E02": "isikukood ei ole õige",
    "E03": "isikukood ja sünniaeg ei klapi", "E04": "laps on 18-aastane või vanem",
    "E05": "suunamise alus või riskitegur puudub", "E06": "pere nõusolek puudub",
    "E07": "suunaja e-posti aadress ei ole korrektne", "E08": "tundmatu kohalik omavalitsus",
    "E09": "eestkosteasutusega kooskõlastamata", "E10": "laps on vahetus ohus",
    "E11": "kuupäev on tulevikus",
}


def labels() -> dict[str, dict[str, str]]:
    by_key = spec.by_key()
    return {
        "grounds": dict(by_key["grounds"].options),
        "problem_areas": dict(by_key["problem_areas"].options),
        "reasons": overview.CLOSE_REASONS,
        "outcomes": overview.FOLLOWUP_OUTCOMES,
        "codes": {k: f"{k} {v}" for k, v in CODE_TITLES.items()},
    }


@dataclass(frozen=True)
class ReportPage:
    """What a page of figures shows: exact figures for the provider, the public (suppressed)
    figures, the tables behind the charts and each chart as SVG."""

    figures: dict[str, Any]
    public: dict[str, Any]
    tables: list[Table]
    charts: dict[str, bytes]


def public_figures(exact: dict[str, Any]) -> dict[str, Any]:
    return figures.public(exact)


def figure_tables(data: dict[str, Any]) -> list[Table]:
    """The figures (exact or public) as the titled tables behind the charts."""
    return figures.tables(data, labels())


def report_page(settings: Settings, start: str, end: str, *, fmt: str = "svg") -> ReportPage:
    """For the web app's page: exact figures, public figures, their tables, each chart
    (SVG by default, `fmt="png"` for PNG) drawn from the public table."""
    exact = programme_figures(settings, start, end)
    pub = figures.public(exact)
    tables = figures.tables(pub, labels())
    return ReportPage(exact, pub, tables, {t.name: charts.render(t, fmt) for t in tables})


def export_report(settings: Settings, start: str, end: str, folder: Path | None = None
                  ) -> list[Path]:
    """Everything that may leave the provider: the public figures as JSON, and per chart
    its table as CSV beside the chart as SVG and PNG."""
    import csv
    import io
    import json

    from pipeline.deliver.outbox import write_atomic

    page = report_page(settings, start, end)
    a, b = page.figures["period"]["from"], page.figures["period"]["to"]
    out = folder or settings.outbox / REPORTS_DIR / f"näitajad {a}–{b}"
    written = [write_atomic(out, "naitajad.json", json.dumps(
        page.public, ensure_ascii=False, indent=2).encode())]
    for t in page.tables:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(t.headers)
        w.writerows(t.rows)
        written.append(write_atomic(out, f"{t.name}.csv", buf.getvalue().encode()))
        written.append(write_atomic(out, f"{t.name}.svg", page.charts[t.name]))
        written.append(write_atomic(out, f"{t.name}.png", charts.render(t, "png")))
    return written
