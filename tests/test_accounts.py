"""Users, sign-in, sessions, one-time links and the audit log on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import accounts
from pipeline.accounts import LoginRefused
from pipeline.cli import app
from pipeline.config import Settings
from pipeline.errors import NotFound, PipelineError, Refused
from pipeline.register.audit import AuditFilter

PASSWORD = "Päikeseline-2026"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path, database_url=db_url)


def test_accounts_password_is_argon2id_and_sign_in_works(settings: Settings) -> None:
    user = accounts.add_user(settings, name="Aino Admin", email="Aino@Example.ee", role="admin",
                             password=PASSWORD)
    assert user.email == "aino@example.ee"
    assert accounts.authenticate(settings, "AINO@example.ee", PASSWORD, "10.0.0.1").id == user.id
    from pipeline.register.db import session_factory
    from pipeline.register.tables import User

    with session_factory(settings)() as s:
        assert s.get(User, user.id).password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    with pytest.raises(LoginRefused) as err:
        accounts.authenticate(settings, "aino@example.ee", "wrong-password", "10.0.0.1")
    assert err.value.code == "login_failed"
    with pytest.raises(LoginRefused):  # an unknown name gets the same answer
        accounts.authenticate(settings, "nobody@example.ee", PASSWORD, "10.0.0.1")


def test_accounts_lock_out_after_five_failures(settings: Settings) -> None:
    accounts.add_user(settings, name="Olev Kontor", email="olev@example.ee", role="office",
                      password=PASSWORD)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate(settings, "olev@example.ee", "nope-nope-nope", "10.0.0.2")
    with pytest.raises(LoginRefused) as err:
        accounts.authenticate(settings, "olev@example.ee", PASSWORD, "10.0.0.3")
    assert err.value.code == "locked"
    # A new password (an administrator's reset) lifts the lock on the account.
    accounts.reset_password(settings, "olev@example.ee", "Uus-salasõna-2026")
    assert accounts.authenticate(settings, "olev@example.ee", "Uus-salasõna-2026", "10.0.0.3")


def test_accounts_sessions_end_on_disable_and_logout(settings: Settings) -> None:
    user = accounts.add_user(settings, name="Kadri Lepik", email="kadri@example.ee",
                             role="coordinator", password=PASSWORD)
    accounts.add_user(settings, name="Aino Admin", email="aino@example.ee", role="admin",
                      password=PASSWORD)
    token = accounts.start_session(settings, user.id, "10.0.0.1")
    assert accounts.session_user(settings, token) is not None
    assert accounts.session_user(settings, token + "x") is None
    accounts.set_active(settings, "Kadri Lepik", False)
    assert accounts.session_user(settings, token) is None
    accounts.set_active(settings, user.id, True)
    token = accounts.start_session(settings, user.id, None)
    accounts.end_session(settings, token)
    assert accounts.session_user(settings, token) is None
    with pytest.raises(Refused):
        accounts.set_active(settings, "aino@example.ee", False)  # the last administrator


def test_accounts_coordinator_user_is_tied_by_email(settings: Settings) -> None:
    from pipeline import casework

    user = accounts.add_user(settings, name="Kadri Lepik", email="kadri@example.ee",
                             role="coordinator")
    assert user.coordinator_id is None and user.only_coordinator == -1
    cid = casework.add_coordinator(settings, name="Kadri Lepik", email="kadri@example.ee",
                                   phone=None, languages=["et"], capacity=3)
    assert accounts.list_users(settings)[0].coordinator_id == cid


def test_accounts_setup_link_once_and_bad_input(settings: Settings) -> None:
    user = accounts.add_user(settings, name="Olev Kontor", email="olev@example.ee", role="office")
    assert not user.has_password
    token = accounts.reset_password(settings, user.id)
    assert token is not None
    with pytest.raises(PipelineError):
        accounts.use_setup_link(settings, token, password="lühike")
    accounts.use_setup_link(settings, token, password=PASSWORD)
    with pytest.raises(NotFound):
        accounts.use_setup_link(settings, token, password=PASSWORD)
    with pytest.raises(PipelineError):
        accounts.add_user(settings, name="X", email="not-an-email", role="office")
    with pytest.raises(PipelineError):
        accounts.add_user(settings, name="X", email="x@example.ee", role="boss")
    with pytest.raises(Refused):
        accounts.add_user(settings, name="Olev", email="OLEV@example.ee", role="office")


def test_accounts_audit_log_filter_and_csv(settings: Settings) -> None:
    user = accounts.add_user(settings, name="Aino Admin", email="aino@example.ee", role="admin",
                             password=PASSWORD)
    accounts.record(settings, user, "view_case", "PLR-2026-0001", "10.0.0.1")
    accounts.record(settings, user, "close", "PLR-2026-0002", "10.0.0.1", "plan_working")
    page = accounts.audit_log(settings, AuditFilter(action="close"))
    assert page.total == 1 and page.rows[0]["target"] == "PLR-2026-0002"
    assert set(page.actions) == {"view_case", "close"}
    text = accounts.audit_csv(settings, AuditFilter(target="0001"))
    assert "view_case" in text and "close" not in text


def test_accounts_heartbeat_in_health(settings: Settings) -> None:
    assert accounts.health(settings)["watcher"] is None
    accounts.beat(settings)
    assert accounts.health(settings)["watcher"]["alive"] is True


def test_cli_user_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("PLR_DATABASE_URL", "PLR_HOME"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()
    home = ["--home", str(tmp_path)]
    out = runner.invoke(app, ["user", "add", "Kadri Lepik", "--email", "kadri@example.ee",
                              "--role", "coordinator", *home])
    assert out.exit_code == 0 and "/setup/" in out.output
    assert "plr coordinator add" in " ".join(out.output.split())
    out = runner.invoke(app, ["user", "add", "Aino Admin", "--email", "aino@example.ee",
                              "--role", "admin", "--password-stdin", *home], input=PASSWORD + "\n")
    assert out.exit_code == 0 and "/setup/" not in out.output
    out = runner.invoke(app, ["user", "list", *home])
    assert "parool määramata" in out.output and "administraator" in out.output
    assert runner.invoke(app, ["user", "disable", "Kadri Lepik", *home]).exit_code == 0
    assert "välja lülitatud" in runner.invoke(app, ["user", "list", *home]).output
    out = runner.invoke(app, ["user", "reset-password", "aino@example.ee", *home])
    assert out.exit_code == 0 and "/setup/" in out.output
    out = runner.invoke(app, ["user", "add", "X", "--email", "bad", "--role", "admin", *home])
    assert out.exit_code == 2 and "Viga" in out.output and "Traceback" not in out.output


def test_accounts_audit_rows_cannot_be_changed_or_deleted(settings: Settings) -> None:
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    from pipeline.register.db import session_factory, transaction
    from pipeline.register.tables import AuditEntry

    accounts.record(settings, None, "login_failed", "x@example.ee", "10.0.0.1")
    factory = session_factory(settings)
    for stmt in (update(AuditEntry).values(action="edited"), delete(AuditEntry)):
        with pytest.raises(DBAPIError), transaction(factory) as s:
            s.execute(stmt)
    assert accounts.audit_log(settings, AuditFilter()).rows[0]["action"] == "login_failed"
