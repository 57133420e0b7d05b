"""The Litestar application: sessions from the register, deny-by-default guards, CSRF,
security headers, templates, error pages.

Every route declares who may use it (`opt={"roles": …}`, or `"public": True` for the
sign-in pages, static files and `/healthz`); a route that declares nothing is refused
to everybody, so a forgotten declaration fails closed. Handlers parse the request, call
one `casework`/`accounts` function in a worker thread and render the result.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import anyio.to_thread
from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from pipeline import accounts, casework
from pipeline.accounts import UserInfo
from pipeline.config import Settings
from pipeline.errors import NotFound, PipelineError
from pipeline.web.strings import tr

T = TypeVar("T")
SESSION_COOKIE = "plr_session"
CSRF_COOKIE = "plr_csrf"
STATIC = "/static"
HTMX = "htmx-2.0.11.min.js"
log = logging.getLogger("plr.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")


def package_dir(name: str) -> Path:
    return Path(str(files("pipeline.web") / name))


def settings_of(conn: ASGIConnection[Any, Any, Any, Any]) -> Settings:
    s: Settings = conn.app.state["settings"]
    return s


def user_of(conn: ASGIConnection[Any, Any, Any, Any]) -> UserInfo | None:
    user: UserInfo | None = conn.scope.get("state", {}).get("plr_user")
    return user


def current_user(conn: ASGIConnection[Any, Any, Any, Any]) -> UserInfo:
    user = user_of(conn)
    if user is None:  # the guard lets no such request through
        raise NotAuthorizedException()
    return user


def client_address(conn: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return conn.client.host[:64] if conn.client else None


async def call(conn: ASGIConnection[Any, Any, Any, Any], fn: Callable[..., T], *args: Any,
               **kwargs: Any) -> T:
    """Run a service function in a worker thread, recorded under the signed-in user."""
    user = user_of(conn)

    def run() -> T:
        if user is None:
            return fn(*args, **kwargs)
        with casework.acting_as(user.name):
            return fn(*args, **kwargs)

    return await anyio.to_thread.run_sync(run)


async def audit(conn: ASGIConnection[Any, Any, Any, Any], action: str,
                target: str | None = None, detail: str | None = None) -> None:
    await anyio.to_thread.run_sync(functools.partial(
        accounts.record, settings_of(conn), user_of(conn), action, target,
        client_address(conn), detail))


# --- sessions --------------------------------------------------------------------


class SessionMiddleware(ASGIMiddleware):
    """Finds the signed-in user from the session cookie (a register row)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send,
                     next_app: ASGIApp) -> None:
        state = scope.setdefault("state", {})
        state["plr_user"] = None
        state["plr_expired"] = False
        token = _cookie(scope, SESSION_COOKIE)
        if token and not scope["path"].startswith(STATIC + "/"):
            settings: Settings = scope["litestar_app"].state["settings"]
            user = await anyio.to_thread.run_sync(functools.partial(
                accounts.session_user, settings, token,
                idle_minutes=settings.session_idle_minutes))
            state["plr_user"] = user
            state["plr_expired"] = user is None
        await next_app(scope, receive, send)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def session_cookie(settings: Settings, token: str | None) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value=token or "", path="/", httponly=True,
                  samesite="lax", secure=settings.secure_cookies,
                  max_age=None if token else 0)


# --- who may use what --------------------------------------------------------------


class LoginNeeded(NotAuthorizedException):
    pass


def access_guard(conn: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Deny by default: public routes, or a signed-in user whose role the route names."""
    if handler.opt.get("public"):
        return
    user = user_of(conn)
    if user is None:
        raise LoginNeeded()
    roles = handler.opt.get("roles")
    if not roles or user.role not in roles:
        raise PermissionDeniedException()


# --- responses -----------------------------------------------------------------------


def lang_of(conn: ASGIConnection[Any, Any, Any, Any]) -> str:
    user = user_of(conn)
    if user is not None:
        return user.lang
    wanted = conn.query_params.get("lang") or conn.cookies.get("plr_lang")
    return wanted if wanted in ("et", "en") else "et"


def page(request: Request[Any, Any, Any], template: str, *, status: int = 200,
         **context: Any) -> Template:
    lang = lang_of(request)
    user = user_of(request)
    params = {k: v for k, v in request.query_params.items() if k != "page"}

    def page_url(n: int) -> str:
        return request.url.path + "?" + urlencode({**params, "page": n})

    ctx = {"user": user, "lang": lang, "htmx": f"{STATIC}/{HTMX}",
           "t": functools.partial(tr, lang), "path": request.url.path,
           "role": user.role if user else None, "page_url": page_url,
           "query_string": urlencode(params), **context}
    return Template(template_name=template, context=ctx, status_code=status)


def _wants_fragment(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def _login_redirect(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    expired = bool(request.scope.get("state", {}).get("plr_expired"))
    target = "/login?next=" + quote(request.url.path) + ("&expired=1" if expired else "")
    if _wants_fragment(request):
        resp: Response[Any] = Response(content="", status_code=401,
                                       headers={"HX-Redirect": target})
    else:
        resp = Redirect(path=target, status_code=303)
    if expired:
        resp.set_cookie(session_cookie(settings_of(request), None))
    return resp


def _error_page(request: Request[Any, Any, Any], status: int, key: str,
                message: str | None = None) -> Response[Any]:
    if request.url.path.startswith("/healthz"):
        return Response(content={"status": "error"}, status_code=status)
    return page(request, "error.html", status=status, code=status,
                message=message or tr(lang_of(request), key))


def _handle_http(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, LoginNeeded):
        return _login_redirect(request, exc)
    if isinstance(exc, NotFoundException):
        return _error_page(request, 404, "err.404")
    if isinstance(exc, PermissionDeniedException):
        csrf = "CSRF" in str(getattr(exc, "detail", ""))
        return _error_page(request, 403, "err.csrf" if csrf else "err.403")
    if isinstance(exc, NotAuthorizedException):
        return _login_redirect(request, exc)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _error_page(request, status, "err.500" if status >= 500 else "err.404")


def _handle_pipeline(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, PipelineError)
    if isinstance(exc, NotFound):
        return _error_page(request, 404, "err.404")
    return _error_page(request, 400, "err.500", exc.text(lang_of(request)))


def _handle_crash(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # No traceback reaches a user; the log names the error class and the path only.
    log.error("web_error %s on %s", type(exc).__name__, request.url.path)
    return _error_page(request, 500, "err.500")


_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware(ASGIMiddleware):
    """The security headers on every response, error pages included; `no-store` on
    everything but the static files (pages and downloads hold personal data)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send,
                     next_app: ASGIApp) -> None:
        static = scope["path"].startswith(STATIC + "/")

        async def wrapped(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in {h for h, _ in _HEADERS}]
                headers += _HEADERS
                if not static:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, wrapped)


def _secret(settings: Settings) -> str:
    """The CSRF secret, kept in data/ (owner only) so forms survive a restart."""
    path = settings.layout.data / "web-secret"
    try:
        text = path.read_text().strip()
        if len(text) >= 32:
            return text
    except OSError:
        pass
    settings.layout.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(text)
    return text


def create_app(settings: Settings) -> Litestar:
    from pipeline.web import admin, auth, case, pages, reports

    settings.layout.ensure()
    static = create_static_files_router(
        path=STATIC, directories=[package_dir("static")], opt={"public": True},
        include_in_schema=False, send_as_attachment=False,
        cache_control=None)
    return Litestar(
        route_handlers=[*auth.ROUTES, *pages.ROUTES, *case.ROUTES, *admin.ROUTES,
                        *reports.ROUTES, static],
        middleware=[SecurityHeadersMiddleware(), SessionMiddleware()],
        guards=[access_guard],
        csrf_config=CSRFConfig(secret=_secret(settings), cookie_name=CSRF_COOKIE,
                               cookie_secure=settings.secure_cookies, cookie_httponly=True,
                               cookie_samesite="strict", header_name="x-csrftoken"),
        template_config=TemplateConfig(directory=package_dir("templates"),
                                       engine=JinjaTemplateEngine),
        exception_handlers={HTTPException: _handle_http, PipelineError: _handle_pipeline,
                            Exception: _handle_crash},
        state=_state(settings),
        openapi_config=None,
        # Litestar's default logging config sets the root logger to INFO with a handler of
        # its own, which printed alembic's migration lines at start-up; the process's
        # logging is `pipeline.logging.setup` (libraries: warnings and worse only).
        logging_config=None,
        debug=False,
    )


def _state(settings: Settings) -> Any:
    from litestar.datastructures import State

    return State({"settings": settings})
