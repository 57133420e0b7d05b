"""Web users: passwords (argon2id), sign-in with lock-out, sessions, one-time links,
the audit log and the watcher's heartbeat.

The web app and `plr user …` call these; neither holds a rule of its own. Tokens
(session cookies, one-time links) are random; the register keeps only their SHA-256,
so a copy of the database lets nobody sign in.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from pipeline.casework import in_register
from pipeline.config import Settings
from pipeline.errors import NotFound, PipelineError, Refused
from pipeline.register import audit
from pipeline.register import users as rows
from pipeline.register.cases import now
from pipeline.register.tables import User

# Five failures within the window lock the login name and the address for its length.
MAX_FAILURES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
MIN_PASSWORD = 10
SETUP_HOURS = 24
# A session's last-seen time is written at most this often (one write per page otherwise).
TOUCH_SECONDS = 60
HEARTBEAT_SECONDS = 15

_hasher = PasswordHasher()  # argon2id with the library's recommended (RFC 9106) costs
# Verified against when the login name is unknown, so both answers take as long.
_DUMMY = _hasher.hash("plr-no-such-user")


class Role(StrEnum):
    OFFICE = "office"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class LoginRefused(PipelineError):
    code = "login_failed"


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    email: str
    role: str
    active: bool
    lang: str
    has_password: bool
    # The coordinator record with the same e-mail (coordinator users only).
    coordinator_id: int | None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def only_coordinator(self) -> int | None:
        """For a coordinator, the id whose cases alone they may see (-1: none yet)."""
        if self.role != Role.COORDINATOR:
            return None
        return self.coordinator_id if self.coordinator_id is not None else -1


def _info(session: Session, u: User) -> UserInfo:
    cid = (rows.coordinator_id_for(session=session, email=u.email)
           if u.role == Role.COORDINATOR else None)
    return UserInfo(u.id, u.name, u.email, u.role, u.active, u.lang, u.password_hash is not None,
                    cid)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PipelineError.of("err.weak_password", code="weak_password", min=MIN_PASSWORD)


def _email(text: str) -> str:
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise PipelineError.of("err.user_email", code="bad_email") from None


def _role(text: str) -> str:
    try:
        return Role(text.strip().lower()).value
    except ValueError:
        raise PipelineError.of("err.user_role", code="bad_role") from None


# --- users -------------------------------------------------------------------


def add_user(settings: Settings, *, name: str, email: str, role: str,
             password: str | None = None, lang: str = "et") -> UserInfo:
    """A new user; without a password they set one through a one-time link."""
    if not name.strip():
        raise PipelineError.of("err.user_name", code="bad_user")
    address, kind = _email(email), _role(role)
    if password is not None:
        _check_password(password)

    def step(s: Session) -> UserInfo:
        if rows.user_by_login(session=s, login=address) is not None:
            raise Refused.of("err.user_exists", code="user_exists")
        u = User(username=address, name=" ".join(name.split()), email=address, role=kind,
                 password_hash=_hasher.hash(password) if password else None, active=True,
                 lang=lang if lang in ("et", "en") else "et", created_at=now())
        s.add(u)
        s.flush()
        return _info(s, u)

    return in_register(settings, step)


def list_users(settings: Settings) -> list[UserInfo]:
    return in_register(settings, lambda s: [_info(s, u) for u in rows.list_users(session=s)])


def _one(s: Session, ref: str) -> User:
    found = rows.users_named(session=s, ref=ref)
    if not found:
        raise NotFound.of("err.no_user", code="no_user")
    if len(found) > 1:
        raise Refused.of("err.user_ambiguous", code="ambiguous_user")
    return found[0]


def _by_ref(s: Session, ref: str | int) -> User:
    if isinstance(ref, int):
        u = rows.user_by_id(session=s, user_id=ref)
        if u is None:
            raise NotFound.of("err.no_user", code="no_user")
        return u
    return _one(s, ref)


def set_active(settings: Settings, ref: str | int, active: bool) -> UserInfo:
    """Disable (ending every session of theirs at once) or enable a user."""
    def step(s: Session) -> UserInfo:
        u = _by_ref(s, ref)
        if not active and u.role == Role.ADMIN and u.active:
            admins = [x for x in rows.list_users(session=s) if x.role == Role.ADMIN and x.active]
            if len(admins) == 1:
                raise Refused.of("err.last_admin", code="last_admin")
        u.active = active
        if not active:
            rows.drop_sessions_of(session=s, user_id=u.id)
        s.flush()
        return _info(s, u)

    return in_register(settings, step)


def set_role(settings: Settings, user_id: int, role: str) -> UserInfo:
    kind = _role(role)

    def step(s: Session) -> UserInfo:
        u = _by_ref(s, user_id)
        u.role = kind
        rows.drop_sessions_of(session=s, user_id=u.id)
        s.flush()
        return _info(s, u)

    return in_register(settings, step)


def set_lang(settings: Settings, user_id: int, lang: str) -> None:
    def step(s: Session) -> None:
        u = _by_ref(s, user_id)
        u.lang = lang if lang in ("et", "en") else "et"

    in_register(settings, step)


def reset_password(settings: Settings, ref: str | int, password: str | None = None) -> str | None:
    """Set a new password, or (without one) give a one-time link to set it; either way
    the user's sessions end. Returns the link's token."""
    if password is not None:
        _check_password(password)

    def step(s: Session) -> str | None:
        u = _by_ref(s, ref)
        rows.drop_sessions_of(session=s, user_id=u.id)
        if password is not None:
            u.password_hash = _hasher.hash(password)
            rows.clear_failures(session=s, username=u.username)
            return None
        u.password_hash = None
        return _new_token(s, u.id)

    return in_register(settings, step)


# --- one-time links ----------------------------------------------------------


def _new_token(s: Session, user_id: int | None) -> str:
    rows.drop_unused_tokens(session=s, user_id=user_id)
    token = secrets.token_urlsafe(32)
    rows.add_token(session=s, token_hash=_digest(token), user_id=user_id,
                   expires_at=now() + dt.timedelta(hours=SETUP_HOURS))
    return token


def first_admin_link(settings: Settings) -> str | None:
    """While no user exists: a fresh one-time token to create the first administrator."""
    def step(s: Session) -> str | None:
        if rows.count_users(session=s):
            return None
        return _new_token(s, None)

    return in_register(settings, step)


@dataclass(frozen=True)
class SetupLink:
    first_admin: bool
    user: UserInfo | None


def setup_link(settings: Settings, token: str) -> SetupLink:
    """What a one-time link is for; NotFound when it is unknown, used or expired."""
    def step(s: Session) -> SetupLink:
        row = rows.get_token(session=s, token_hash=_digest(token))
        if row is None or row.used_at is not None or row.expires_at < now():
            raise NotFound.of("err.bad_link", code="bad_link")
        if row.user_id is None:
            if rows.count_users(session=s):
                raise NotFound.of("err.bad_link", code="bad_link")
            return SetupLink(True, None)
        u = _by_ref(s, row.user_id)
        return SetupLink(False, _info(s, u))

    return in_register(settings, step)


def use_setup_link(settings: Settings, token: str, *, password: str, name: str | None = None,
                   email: str | None = None) -> UserInfo:
    """Set the password (creating the first administrator when that is what the link is
    for); the link cannot be used again."""
    _check_password(password)
    address = _email(email) if email is not None else None

    def step(s: Session) -> UserInfo:
        row = rows.get_token(session=s, token_hash=_digest(token))
        if row is None or row.used_at is not None or row.expires_at < now():
            raise NotFound.of("err.bad_link", code="bad_link")
        row.used_at = now()
        if row.user_id is None:
            if rows.count_users(session=s):
                raise NotFound.of("err.bad_link", code="bad_link")
            if not (name and name.strip()) or address is None:
                raise PipelineError.of("err.setup_name_email", code="bad_user")
            u = User(username=address, name=" ".join(name.split()), email=address,
                     role=Role.ADMIN.value, password_hash=_hasher.hash(password), active=True,
                     lang="et", created_at=now())
            s.add(u)
        else:
            u = _by_ref(s, row.user_id)
            u.password_hash = _hasher.hash(password)
            rows.clear_failures(session=s, username=u.username)
        s.flush()
        return _info(s, u)

    return in_register(settings, step)


# --- signing in --------------------------------------------------------------


def authenticate(settings: Settings, login: str, password: str,
                 address: str | None) -> UserInfo:
    """The user, or LoginRefused: a wrong name or password (one message for both), or a
    lock-out after MAX_FAILURES failures of the name or the address within LOCK_MINUTES."""
    key = login.strip().lower()[:100]

    def check(s: Session) -> tuple[User | None, bool]:
        since = now() - dt.timedelta(minutes=LOCK_MINUTES)
        by_name, by_address = rows.failures_since(session=s, since=since, username=key,
                                                  address=address)
        return rows.user_by_login(session=s, login=key), max(by_name, by_address) >= MAX_FAILURES

    user, locked = in_register(settings, check)
    if locked:
        raise LoginRefused.of("err.login_locked", code="locked", minutes=LOCK_MINUTES)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY,
                            password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.password_hash is not None and user.active

    def record(s: Session) -> UserInfo | None:
        if not ok or user is None:
            rows.add_failure(session=s, username=key, address=address, at=now())
            return None
        rows.clear_failures(session=s, username=key)
        u = _by_ref(s, user.id)
        if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
            u.password_hash = _hasher.hash(password)
        return _info(s, u)

    info = in_register(settings, record)
    if info is None:
        raise LoginRefused.of("err.login_failed", code="login_failed")
    return info


def start_session(settings: Settings, user_id: int, address: str | None) -> str:
    """A new session (always a new token: a session is never carried across a sign-in)."""
    token = secrets.token_urlsafe(32)

    def step(s: Session) -> None:
        rows.drop_idle_sessions(session=s, before=now() - dt.timedelta(minutes=IDLE_MINUTES))
        rows.add_session(session=s, token_hash=_digest(token), user_id=user_id, at=now(),
                         address=address)

    in_register(settings, step)
    return token


def session_user(settings: Settings, token: str, *,
                 idle_minutes: float = IDLE_MINUTES) -> UserInfo | None:
    """The user of a live session (its idle time renewed), or None."""
    def step(s: Session) -> UserInfo | None:
        row = rows.get_session(session=s, token_hash=_digest(token))
        if row is None:
            return None
        at = now()
        if row.last_seen < at - dt.timedelta(minutes=idle_minutes):
            rows.drop_session(session=s, token_hash=row.token_hash)
            return None
        u = rows.user_by_id(session=s, user_id=row.user_id)
        if u is None or not u.active:
            rows.drop_session(session=s, token_hash=row.token_hash)
            return None
        if (at - row.last_seen).total_seconds() >= TOUCH_SECONDS:
            row.last_seen = at
        return _info(s, u)

    return in_register(settings, step)


def end_session(settings: Settings, token: str) -> None:
    in_register(settings, lambda s: rows.drop_session(session=s, token_hash=_digest(token)))


# --- audit log ---------------------------------------------------------------


def record(settings: Settings, user: UserInfo | None, action: str, target: str | None = None,
           address: str | None = None, detail: str | None = None) -> None:
    """One audit row. `detail` names codes and numbers, never a person."""
    in_register(settings, lambda s: audit.add(
        session=s, at=now(), user_id=user.id if user else None,
        username=user.email if user else None, action=action, target=target,
        address=address, detail=detail))


@dataclass(frozen=True)
class AuditPage:
    rows: list[dict[str, Any]]
    total: int
    actions: list[str]


def audit_log(settings: Settings, f: audit.AuditFilter, *, offset: int = 0,
              limit: int | None = 100) -> AuditPage:
    def step(s: Session) -> AuditPage:
        found, total = audit.entries(session=s, f=f, offset=offset, limit=limit)
        return AuditPage(
            [{"id": r.id, "at": r.at, "user": r.username, "action": r.action,
              "target": r.target, "address": r.address, "detail": r.detail} for r in found],
            total, audit.actions(session=s))

    return in_register(settings, step)


def audit_csv(settings: Settings, f: audit.AuditFilter) -> str:
    page = audit_log(settings, f, limit=None)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "at", "user", "action", "target", "address", "detail"])
    for r in page.rows:
        w.writerow([r["id"], r["at"].isoformat(timespec="seconds"), r["user"] or "",
                    r["action"], r["target"] or "", r["address"] or "", r["detail"] or ""])
    return out.getvalue()


# --- the watcher's heartbeat and health ------------------------------------------


def beat(settings: Settings, name: str = "watcher") -> None:
    in_register(settings, lambda s: rows.beat(session=s, name=name, at=now(), pid=os.getpid(),
                                              host=socket.gethostname()[:200]))


def start_heartbeat(settings: Settings, stop: threading.Event,
                    name: str = "watcher") -> threading.Thread:
    """A thread writing the heartbeat every HEARTBEAT_SECONDS until `stop` is set; a
    register outage only skips a beat (the watcher has its own handling of it)."""
    def run() -> None:
        while True:
            with contextlib.suppress(PipelineError):
                beat(settings, name)
            if stop.wait(HEARTBEAT_SECONDS):
                return

    thread = threading.Thread(target=run, name="plr-heartbeat", daemon=True)
    thread.start()
    return thread


def health(settings: Settings) -> dict[str, Any]:
    """For `GET /healthz`: the register reachable, the watcher last seen."""
    try:
        last = in_register(settings, lambda s: (lambda b: (b.at, b.pid, b.host) if b else None)(
            rows.last_beat(session=s, name="watcher")))
    except PipelineError:
        return {"status": "error", "register": False, "watcher": None}
    if last is None:
        return {"status": "ok", "register": True, "watcher": None}
    age = (now() - last[0]).total_seconds()
    return {"status": "ok", "register": True,
            "watcher": {"last_seen": last[0].isoformat(timespec="seconds"),
                        "seconds_ago": int(age),
                        "alive": age <= 3 * HEARTBEAT_SECONDS, "pid": last[1]}}
