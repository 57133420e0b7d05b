"""Web users, their sessions, failed sign-ins, one-time links and heartbeats (rows only).

The rules (hashing, lock-out, expiry) are in `pipeline.accounts`; this module
reads and writes the rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from pipeline.register.tables import (
    Coordinator,
    Heartbeat,
    LoginFailure,
    SetupToken,
    User,
    WebSession,
)


def count_users(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def user_by_id(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_login(*, session: Session, login: str) -> User | None:
    key = login.strip().lower()
    return session.execute(
        select(User).where(or_(User.username == key, User.email == key))
    ).scalar_one_or_none()


def users_named(*, session: Session, ref: str) -> list[User]:
    """Users whose login, e-mail or name (case-insensitively) is `ref`."""
    key = " ".join(ref.split()).casefold()
    found = user_by_login(session=session, login=ref)
    if found is not None:
        return [found]
    return [u for u in session.execute(select(User).order_by(User.id)).scalars()
            if u.name.casefold() == key]


def list_users(*, session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.name, User.id)).scalars())


def coordinator_id_for(*, session: Session, email: str) -> int | None:
    return session.execute(
        select(Coordinator.id).where(Coordinator.email == email.lower())
    ).scalar_one_or_none()


def coordinator_ids_by_email(*, session: Session) -> dict[str, int]:
    return {e: i for e, i in session.execute(select(Coordinator.email, Coordinator.id))}


# --- sessions ----------------------------------------------------------------


def add_session(*, session: Session, token_hash: str, user_id: int, at: dt.datetime,
                address: str | None) -> None:
    session.add(WebSession(token_hash=token_hash, user_id=user_id, created_at=at, last_seen=at,
                           address=address))
    session.flush()


def get_session(*, session: Session, token_hash: str) -> WebSession | None:
    return session.get(WebSession, token_hash)


def drop_session(*, session: Session, token_hash: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def drop_sessions_of(*, session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def drop_idle_sessions(*, session: Session, before: dt.datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.last_seen < before))


# --- failed sign-ins ---------------------------------------------------------


def add_failure(*, session: Session, username: str, address: str | None, at: dt.datetime) -> None:
    session.add(LoginFailure(username=username, address=address, at=at))
    session.flush()


def failures_since(*, session: Session, since: dt.datetime, username: str,
                   address: str | None) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this login name, from this address)."""
    base = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_name = session.execute(base.where(LoginFailure.username == username)).scalar_one()
    by_address = 0
    if address:
        by_address = session.execute(base.where(LoginFailure.address == address)).scalar_one()
    return by_name, by_address


def clear_failures(*, session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))


# --- one-time links ----------------------------------------------------------


def add_token(*, session: Session, token_hash: str, user_id: int | None,
              expires_at: dt.datetime) -> None:
    session.add(SetupToken(token_hash=token_hash, user_id=user_id, expires_at=expires_at,
                           used_at=None))
    session.flush()


def get_token(*, session: Session, token_hash: str) -> SetupToken | None:
    return session.get(SetupToken, token_hash)


def drop_unused_tokens(*, session: Session, user_id: int | None) -> None:
    cond = SetupToken.user_id.is_(None) if user_id is None else SetupToken.user_id == user_id
    session.execute(delete(SetupToken).where(cond, SetupToken.used_at.is_(None)))


# --- heartbeats --------------------------------------------------------------


def beat(*, session: Session, name: str, at: dt.datetime, pid: int, host: str) -> None:
    row = session.get(Heartbeat, name)
    if row is None:
        session.add(Heartbeat(name=name, at=at, pid=pid, host=host))
    else:
        row.at, row.pid, row.host = at, pid, host
    session.flush()


def last_beat(*, session: Session, name: str) -> Heartbeat | None:
    return session.get(Heartbeat, name)
