"""The programme's figures (issue 14) in the browser: the period's tables with their charts,
each table downloadable as CSV. Figures come from `reporting.service`, as `plr report` gives
them; what is shown is the public version (a cell of 1–4 cases is "<5"), so that a page
printed or passed on never identifies a family."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from typing import Any

from litestar import Request, Response, get
from litestar.response import Template

from pipeline.errors import NotFound, PipelineError
from pipeline.lazy import lazy
from pipeline.web.app import audit, call, lang_of, page, settings_of

service = lazy("pipeline.reporting.service")

REPORTS = {"roles": {"admin", "office"}}


def _period(request: Request[Any, Any, Any]) -> tuple[str, str]:
    qp = request.query_params
    today = dt.date.today()
    return (qp.get("from") or f"{today.year}-01-01", qp.get("to") or today.isoformat())


@get("/reports", opt=REPORTS)
async def reports(request: Request[Any, Any, Any]) -> Template:
    start, end = _period(request)
    try:
        report = await call(request, service.report_page, settings_of(request), start, end)
    except PipelineError as exc:
        return page(request, "reports.html", status=400, nav="reports",
                    error=exc.text(lang_of(request)), start=start, end=end, tables=[], charts={})
    await audit(request, "view_reports", f"{start}–{end}")
    charts = {name: base64.b64encode(svg).decode("ascii") for name, svg in report.charts.items()}
    return page(request, "reports.html", nav="reports", error=None, start=start, end=end,
                tables=report.tables, charts=charts)


@get("/reports.csv", opt=REPORTS)
async def reports_csv(request: Request[Any, Any, Any]) -> Response[Any]:
    start, end = _period(request)
    name = request.query_params.get("table", "")
    try:
        exact = await call(request, service.programme_figures, settings_of(request), start, end)
    except PipelineError as exc:
        return Response(content=exc.text(lang_of(request)), status_code=400,
                        media_type="text/plain")
    found = [t for t in service.figure_tables(service.public_figures(exact)) if t.name == name]
    if not found:
        raise NotFound.of("err.no_table", code="no_table")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(found[0].headers)
    writer.writerows(found[0].rows)
    await audit(request, "export_reports", f"{start}–{end}", name)
    return Response(content=buf.getvalue().encode("utf-8-sig"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                             "Cache-Control": "no-store"})


ROUTES = [reports, reports_csv]
