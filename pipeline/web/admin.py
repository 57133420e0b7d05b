"""Administration: users, coordinators (capacity, languages), the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from pipeline import accounts, casework
from pipeline.errors import PipelineError
from pipeline.register.audit import AuditFilter
from pipeline.web.app import audit, call, lang_of, page, settings_of
from pipeline.web.strings import tr

ADMIN = {"roles": {"admin"}}
PER_PAGE = 100


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def base_url(request: Request[Any, Any, Any]) -> str:
    configured = settings_of(request).public_url
    return (configured or str(request.base_url)).rstrip("/")


async def _users_page(request: Request[Any, Any, Any], *, status: int = 200,
                      message: str | None = None, error: str | None = None,
                      link: str | None = None) -> Template:
    users = await call(request, accounts.list_users, settings_of(request))
    return page(request, "admin_users.html", status=status, nav="users", users=users,
                message=message, error=error, link=link, roles=[r.value for r in accounts.Role])


@get("/admin/users", opt=ADMIN)
async def users(request: Request[Any, Any, Any]) -> Template:
    return await _users_page(request)


@post("/admin/users", opt=ADMIN)
async def add_user(request: Request[Any, Any, Any]) -> Response[Any]:
    f = await _form(request)
    settings = settings_of(request)
    try:
        user = await call(request, accounts.add_user, settings, name=f.get("name", ""),
                          email=f.get("email", ""), role=f.get("role", ""))
        token = await call(request, accounts.reset_password, settings, user.id)
    except PipelineError as exc:
        return await _users_page(request, status=400, error=exc.text(lang_of(request)))
    await audit(request, "user_add", user.email, user.role)
    return await _users_page(request, message=tr(lang_of(request), "users.added"),
                             link=f"{base_url(request)}/setup/{token}")


@post("/admin/users/{user_id:int}/active", opt=ADMIN)
async def set_active(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Response[Any]:
    f = await _form(request)
    active = f.get("active") == "1"
    try:
        user = await call(request, accounts.set_active, settings_of(request), user_id, active)
    except PipelineError as exc:
        return await _users_page(request, status=409, error=exc.text(lang_of(request)))
    await audit(request, "user_enable" if active else "user_disable", user.email)
    return Redirect("/admin/users", status_code=303)


@post("/admin/users/{user_id:int}/reset", opt=ADMIN)
async def reset(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Response[Any]:
    try:
        token = await call(request, accounts.reset_password, settings_of(request), user_id)
    except PipelineError as exc:
        return await _users_page(request, status=409, error=exc.text(lang_of(request)))
    await audit(request, "password_reset", f"user/{user_id}")
    return await _users_page(request, link=f"{base_url(request)}/setup/{token}")


# --- coordinators ---------------------------------------------------------------------


async def _coordinators_page(request: Request[Any, Any, Any], *, status: int = 200,
                             message: str | None = None, error: str | None = None) -> Template:
    rows = await call(request, casework.coordinators, settings_of(request))
    return page(request, "admin_coordinators.html", status=status, nav="coordinators",
                coordinators=rows, message=message, error=error)


@get("/admin/coordinators", opt=ADMIN)
async def coordinators(request: Request[Any, Any, Any]) -> Template:
    return await _coordinators_page(request)


def _languages(form: Any) -> list[str]:
    return [x for x in form.getall("languages", []) if isinstance(x, str)]


@post("/admin/coordinators", opt=ADMIN)
async def add_coordinator(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    f = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    try:
        cid = await call(request, casework.add_coordinator, settings_of(request),
                         name=f.get("name", ""), email=f.get("email", ""),
                         phone=f.get("phone") or None, languages=_languages(form) or ["et"],
                         capacity=int(f.get("capacity") or 5))
    except (PipelineError, ValueError) as exc:
        msg = (exc.text(lang_of(request)) if isinstance(exc, PipelineError)
               else "Piir peab olema arv.")
        return await _coordinators_page(request, status=400, error=msg)
    await audit(request, "coordinator_add", f"coordinator/{cid}")
    return await _coordinators_page(request, message=tr(lang_of(request), "coord.added"))


@post("/admin/coordinators/{cid:int}", opt=ADMIN)
async def edit_coordinator(request: Request[Any, Any, Any], cid: FromPath[int]) -> Response[Any]:
    form = await request.form()
    f = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    try:
        await call(request, casework.update_coordinator, settings_of(request), cid,
                   capacity=int(f.get("capacity") or 0), languages=_languages(form),
                   active=f.get("active") == "1")
    except (PipelineError, ValueError) as exc:
        msg = (exc.text(lang_of(request)) if isinstance(exc, PipelineError)
               else "Piir peab olema arv.")
        return await _coordinators_page(request, status=400, error=msg)
    await audit(request, "coordinator_edit", f"coordinator/{cid}")
    return await _coordinators_page(request, message=tr(lang_of(request), "coord.saved"))


# --- audit log ---------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter(request: Request[Any, Any, Any]) -> AuditFilter:
    qp = request.query_params
    return AuditFilter(user=qp.get("user") or None, action=qp.get("action") or None,
                       target=qp.get("target") or None, since=_date(qp.get("since")),
                       until=_date(qp.get("until")))


@get("/admin/audit", opt=ADMIN)
async def audit_log(request: Request[Any, Any, Any]) -> Template:
    f = _filter(request)
    try:
        n = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        n = 1
    result = await call(request, accounts.audit_log, settings_of(request), f,
                        offset=(n - 1) * PER_PAGE, limit=PER_PAGE)
    pages = max(1, -(-result.total // PER_PAGE))
    return page(request, "admin_audit.html", nav="audit", f=f, result=result, page_no=n,
                pages=pages)


@get("/admin/audit.csv", opt=ADMIN)
async def audit_export(request: Request[Any, Any, Any]) -> Response[Any]:
    f = _filter(request)
    text = await call(request, accounts.audit_csv, settings_of(request), f)
    await audit(request, "audit_export")
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="auditilogi.csv"',
                             "Cache-Control": "no-store"})


ROUTES = [users, add_user, set_active, reset, coordinators, add_coordinator, edit_coordinator,
          audit_log, audit_export]
