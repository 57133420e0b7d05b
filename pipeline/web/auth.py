"""Signing in and out, the one-time password links, the language choice, /healthz."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from pipeline import accounts
from pipeline.accounts import LoginRefused
from pipeline.errors import NotFound, PipelineError
from pipeline.web.app import (
    SESSION_COOKIE,
    audit,
    call,
    client_address,
    current_user,
    lang_of,
    page,
    session_cookie,
    settings_of,
    user_of,
)
from pipeline.web.strings import tr

PUBLIC = {"public": True}
ANYONE = {"roles": {"office", "coordinator", "admin"}}


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@get("/login", opt=PUBLIC, sync_to_thread=False)
def login_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    if user_of(request) is not None:
        return Redirect("/", status_code=303)
    notice = ("login.expired" if request.query_params.get("expired")
              else "login.out" if request.query_params.get("out") else None)
    return page(request, "login.html", next=_safe_next(request.query_params.get("next")),
                notice=notice, error=None, email="")


@post("/login", opt=PUBLIC)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await _form(request)
    email, password = form.get("email", "").strip(), form.get("password", "")
    target = _safe_next(form.get("next"))
    settings = settings_of(request)
    address = client_address(request)
    try:
        user = await call(request, accounts.authenticate, settings, email, password, address)
    except LoginRefused as exc:
        await audit(request, "login_failed", email[:300] or None, exc.code)
        return page(request, "login.html", status=429 if exc.code == "locked" else 400,
                    next=target, notice=None, error=exc.text(lang_of(request)), email=email)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # a new session at every sign-in: a planted cookie is worth nothing
        await call(request, accounts.end_session, settings, old)
    token = await call(request, accounts.start_session, settings, user.id, address)
    request.scope["state"]["plr_user"] = user
    await audit(request, "login")
    resp = Redirect(target, status_code=303)
    resp.set_cookie(session_cookie(settings, token))
    return resp


@post("/logout", opt=PUBLIC)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    token = request.cookies.get(SESSION_COOKIE)
    if user_of(request) is not None:
        await audit(request, "logout")
    if token:
        await call(request, accounts.end_session, settings_of(request), token)
    resp = Redirect("/login?out=1", status_code=303)
    resp.set_cookie(session_cookie(settings_of(request), None))
    # Drop what the browser kept of the signed-in pages (the back button shows nothing).
    resp.headers["Clear-Site-Data"] = '"cache"'
    return resp


@get("/setup/{token:str}", opt=PUBLIC)
async def setup_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    try:
        link = await call(request, accounts.setup_link, settings_of(request), token)
    except NotFound as exc:
        return page(request, "error.html", status=404, code=404,
                    message=exc.text(lang_of(request)))
    return page(request, "setup.html", link=link, token=token, error=None)


@post("/setup/{token:str}", opt=PUBLIC)
async def setup(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
    form = await _form(request)
    settings = settings_of(request)
    try:
        link = await call(request, accounts.setup_link, settings, token)
    except NotFound as exc:
        return page(request, "error.html", status=404, code=404,
                    message=exc.text(lang_of(request)))
    if form.get("password", "") != form.get("password2", ""):
        return page(request, "setup.html", status=400, link=link, token=token,
                    error=tr(lang_of(request), "setup.mismatch"))
    try:
        user = await call(request, accounts.use_setup_link, settings, token,
                          password=form.get("password", ""),
                          name=form.get("name") if link.first_admin else None,
                          email=form.get("email") if link.first_admin else None)
    except PipelineError as exc:
        return page(request, "setup.html", status=400, link=link, token=token,
                    error=exc.text(lang_of(request)))
    request.scope["state"]["plr_user"] = user
    await audit(request, "password_set", user.email)
    request.scope["state"]["plr_user"] = None
    return Redirect("/login?setup=1", status_code=303)


@post("/account/lang", opt=ANYONE)
async def set_language(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await _form(request)
    user = current_user(request)
    await call(request, accounts.set_lang, settings_of(request), user.id, form.get("lang", "et"))
    return Redirect(_safe_next(form.get("next")), status_code=303)


@get("/healthz", opt=PUBLIC)
async def healthz(request: Request[Any, Any, Any]) -> Response[Any]:
    data = await call(request, accounts.health, settings_of(request))
    return Response(content=data, status_code=200 if data["register"] else 503,
                    media_type="application/json")


ROUTES = [login_page, login, logout, setup_page, setup, set_language, healthz]
