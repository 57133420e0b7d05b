"""The dashboard, the intake ledger (with upload and retry) and the case list."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import File, Template

from pipeline import accounts, casework
from pipeline.errors import PipelineError
from pipeline.model.case import State
from pipeline.register import ledger
from pipeline.register.webviews import CaseQuery, LedgerQuery
from pipeline.web.app import audit, call, current_user, lang_of, page, settings_of
from pipeline.web.strings import tr

ALL = {"roles": {"office", "coordinator", "admin"}}
OFFICE = {"roles": {"office", "admin"}}
OUTCOMES = [o.value for o in ledger.Outcome]
STATES = [s.value for s in State if s is not State.RECEIVED]


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def _dashboard_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    user = current_user(request)
    settings = settings_of(request)
    data = await call(request, casework.dashboard, settings,
                      only_coordinator=user.only_coordinator,
                      show_intake=user.role in ("office", "admin"))
    if user.role in ("office", "admin"):
        recent = await call(request, casework.ledger_list, settings, LedgerQuery(
            since=data["today"].date(), per_page=8))
        data["recent"] = [r["entry"] for r in recent.rows]
    data["health"] = await call(request, accounts.health, settings)
    return data


@get("/", opt=ALL)
async def dashboard(request: Request[Any, Any, Any]) -> Template:
    return page(request, "dashboard.html", d=await _dashboard_data(request), nav="dashboard")


@get("/dashboard/live", opt=ALL)
async def dashboard_live(request: Request[Any, Any, Any]) -> Template:
    """The dashboard's changing part, fetched every few seconds by htmx."""
    return page(request, "_dashboard_live.html", d=await _dashboard_data(request))


# --- intake ----------------------------------------------------------------------


def _ledger_query(request: Request[Any, Any, Any]) -> LedgerQuery:
    qp = request.query_params
    outcome = qp.get("outcome") if qp.get("outcome") in OUTCOMES else None
    return LedgerQuery(outcome=outcome, since=_date(qp.get("since")),
                       until=_date(qp.get("until")), q=(qp.get("q") or "").strip()[:200] or None,
                       page=_int(qp.get("page"), 1))


async def _intake_page(request: Request[Any, Any, Any], *, status: int = 200,
                       message: str | None = None, error: str | None = None) -> Template:
    query = _ledger_query(request)
    result = await call(request, casework.ledger_list, settings_of(request), query)
    return page(request, "intake.html", status=status, nav="intake", q=query, result=result,
                outcomes=OUTCOMES, message=message, error=error)


@get("/intake", opt=OFFICE)
async def intake(request: Request[Any, Any, Any]) -> Template:
    return await _intake_page(request)


@post("/intake/upload", opt=OFFICE, request_max_body_size=None)
async def upload(request: Request[Any, Any, Any]) -> Response[Any]:
    settings = settings_of(request)
    form = await request.form()
    uploads = [v for v in form.getall("files", []) if isinstance(v, UploadFile) and v.filename]
    saved: list[str] = []
    errors: list[str] = []
    for f in uploads:
        data = await f.read(settings.limits.max_file_bytes + 1)
        try:
            name = await call(request, casework.upload_to_inbox, settings, f.filename, data)
        except PipelineError as exc:
            errors.append(f"{f.filename[:100]}: {exc.text(lang_of(request))}")
            await audit(request, "upload_refused", None, exc.code)
            continue
        saved.append(name)
        await audit(request, "upload", f"inbox/{name}")
    t = functools.partial(tr, lang_of(request))
    message = t("intake.uploaded", names=", ".join(saved)) if saved else None
    if request.headers.get("accept", "").startswith("application/json"):
        return Response(content={"saved": saved, "errors": errors},
                        status_code=200 if saved or not errors else 400)
    if not uploads:
        errors.append(t("intake.drop"))
    return await _intake_page(request, status=200 if saved or not errors else 400,
                              message=message, error="; ".join(errors) or None)


@post("/intake/{entry_id:int}/retry", opt=OFFICE)
async def retry(request: Request[Any, Any, Any], entry_id: FromPath[int]) -> Response[Any]:
    try:
        name = await call(request, casework.retry_quarantined, settings_of(request), entry_id)
    except PipelineError as exc:
        await audit(request, "retry_refused", f"intake/{entry_id}", exc.code)
        return await _intake_page(request, status=409, error=exc.text(lang_of(request)))
    await audit(request, "retry", f"intake/{entry_id}")
    t = functools.partial(tr, lang_of(request))
    return await _intake_page(request, message=t("intake.retried", name=name))


@get("/intake/{entry_id:int}/letter", opt=OFFICE)
async def return_letter(request: Request[Any, Any, Any], entry_id: FromPath[int]) -> File:
    path = await call(request, casework.return_letter, settings_of(request), entry_id)
    await audit(request, "download", f"intake/{entry_id}", "return_letter")
    return File(path=path, filename=path.name, headers={"Cache-Control": "no-store"})


# --- cases ---------------------------------------------------------------------------


@get("/cases", opt=ALL)
async def cases(request: Request[Any, Any, Any]) -> Template:
    user = current_user(request)
    qp = request.query_params
    coordinator = qp.get("coordinator")
    sort = qp.get("sort") or "received"
    query = CaseQuery(
        q=(qp.get("q") or "").strip()[:100] or None,
        state=qp.get("state") if qp.get("state") in STATES else None,
        coordinator_id=int(coordinator) if coordinator and coordinator.isdigit() else None,
        municipality=(qp.get("municipality") or None),
        sort=sort, descending=qp.get("dir") != "asc", page=_int(qp.get("page"), 1),
        only_coordinator=user.only_coordinator, search_names=user.role != "office")
    settings = settings_of(request)
    result = await call(request, casework.find_cases, settings, query)
    coords = [] if user.role == "coordinator" else await call(
        request, casework.coordinators, settings)
    return page(request, "cases.html", nav="cases", q=query, result=result, states=STATES,
                coordinators=coords, sorts=("received", "number", "state", "municipality"),
                show_names=query.search_names, links=user.role != "office")


ROUTES = [dashboard, dashboard_live, intake, upload, retry, return_letter, cases]
