"""`plr serve`, `plr run` (watcher and web app together) and `plr user …`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import HomeOption, console, err_console, handle_errors, settings
from pipeline.errors import PipelineError

if TYPE_CHECKING:  # pydantic-settings is loaded when a command runs, not for --help
    from pipeline.config import Settings

HostOption = Annotated[str, typer.Option(
    "--host", help="Aadress, millel veebirakendus kuulab (vaikimisi ainult see arvuti).")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")]

ROLE_LABELS = {"office": "kontor", "coordinator": "koordinaator", "admin": "administraator"}


def _address(host: str, port: int, cfg: Settings) -> str:
    if cfg.public_url:
        return cfg.public_url.rstrip("/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}"


def _serve(cfg: Settings, host: str, port: int) -> None:
    import uvicorn

    from pipeline import accounts
    from pipeline.web.app import create_app

    app = create_app(cfg)
    base = _address(host, port, cfg)
    token = accounts.first_admin_link(cfg)
    err_console.print(f"Veebirakendus: [bold]{base}/[/]", highlight=False)
    if token is not None:
        err_console.print(
            "Kasutajaid veel ei ole. Esimese administraatori konto loomiseks avage "
            f"(ühekordne, kehtib {accounts.SETUP_HOURS} tundi):\n  [bold]{base}/setup/{token}[/]",
            highlight=False)
    # Behind a reverse proxy on this machine, X-Forwarded-For names the real client.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @handle_errors
    def serve_cmd(host: HostOption = "127.0.0.1", port: PortOption = 8000,
                  home: HomeOption = None) -> None:
        """Käivita veebirakendus (kontor ja koordinaatorid töötavad brauseris)."""
        cfg = settings(home)
        cfg = cfg.model_copy(update={"home": cfg.home.resolve()})
        _serve(cfg, host, port)

    def _exit_on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    @app.command("run")
    @handle_errors
    def run_cmd(host: HostOption = "127.0.0.1", port: PortOption = 8000,
                polling: Annotated[bool, typer.Option(
                    "--polling", help="Postkast on võrgukaustas (SMB/NFS).")] = False,
                home: HomeOption = None) -> None:
        """Käivita postkasti jälgimine ja veebirakendus korraga."""
        cfg = settings(home)
        cfg = cfg.model_copy(update={"home": cfg.home.resolve()})
        cfg.layout.ensure()
        cmd = [sys.executable, "-m", "pipeline", "watch", "--home", str(cfg.home)]
        if polling:
            cmd.append("--polling")
        # uvicorn stops gracefully on SIGTERM and then raises the signal again; without a
        # handler of ours that would end the process before `finally`, leaving the watcher.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        # SIGINT too: uvicorn stops on it, puts back the handler it found and raises the
        # signal again, and `plr`'s own handler leaves at once (os._exit). Sent to this
        # process alone (`kill -INT`, not Ctrl-C to the terminal's group) that left the
        # watcher running. Noted here, it ends the command only after `finally`.
        interrupted: list[int] = []

        def _note_sigint(signum: int, frame: object) -> None:
            interrupted.append(signum)
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, _note_sigint)
        watcher = subprocess.Popen(cmd)
        try:
            _serve(cfg, host, port)
        finally:
            if watcher.poll() is None:
                watcher.send_signal(signal.SIGTERM)
                try:
                    watcher.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    watcher.kill()
        if interrupted:  # as `plr`'s own handler says it (pipeline/cli/__init__.py)
            err_console.print("Katkestatud.", highlight=False)
            raise typer.Exit(130)

    user_app = typer.Typer(help="Veebirakenduse kasutajad.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    @handle_errors
    def user_add(
        name: Annotated[str, typer.Argument(help="Kasutaja nimi, nt „Kadri Lepik“.")],
        email: Annotated[str, typer.Option("--email", help="E-post (sellega logitakse sisse).")],
        role: Annotated[str, typer.Option("--role", help="office, coordinator või admin.")],
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="Loe parool standardsisendist; muidu antakse "
            "ühekordne link parooli määramiseks.")] = False,
        home: HomeOption = None,
    ) -> None:
        """Lisa kasutaja."""
        from pipeline import accounts

        cfg = settings(home)
        password = _stdin_password() if password_stdin else None
        user = accounts.add_user(cfg, name=name, email=email, role=role, password=password)
        console.print(f"Kasutaja lisatud: {user.email} ({ROLE_LABELS[user.role]}).",
                      highlight=False)
        if user.role == "coordinator" and user.coordinator_id is None:
            console.print("Märkus: selle e-postiga koordinaatorit veel ei ole; lisage see "
                          "(plr coordinator add), et kasutaja näeks oma juhtumeid.",
                          highlight=False)
        if password is None:
            _print_link(cfg, accounts.reset_password(cfg, user.id))

    @user_app.command("list")
    @handle_errors
    def user_list(home: HomeOption = None) -> None:
        """Kasutajate nimekiri."""
        from rich.table import Table

        from pipeline import accounts

        table = Table(title="Kasutajad", title_justify="left")
        for col in ("Nimi", "E-post", "Roll", "Olek"):
            table.add_column(col)
        for u in accounts.list_users(settings(home)):
            state = ("välja lülitatud" if not u.active else
                     "parool määramata" if not u.has_password else "aktiivne")
            table.add_row(u.name, u.email, ROLE_LABELS.get(u.role, u.role), state)
        console.print(table)

    @user_app.command("disable")
    @handle_errors
    def user_disable(ref: Annotated[str, typer.Argument(help="E-post või nimi.")],
                     home: HomeOption = None) -> None:
        """Lülita kasutaja välja (tema seansid lõpevad kohe)."""
        from pipeline import accounts

        user = accounts.set_active(settings(home), ref, False)
        console.print(f"Kasutaja {user.email} on välja lülitatud.", highlight=False)

    @user_app.command("reset-password")
    @handle_errors
    def user_reset(ref: Annotated[str, typer.Argument(help="E-post või nimi.")],
                   password_stdin: Annotated[bool, typer.Option(
                       "--password-stdin", help="Loe uus parool standardsisendist.")] = False,
                   home: HomeOption = None) -> None:
        """Uus parool või ühekordne link selle määramiseks."""
        from pipeline import accounts

        cfg = settings(home)
        password = _stdin_password() if password_stdin else None
        token = accounts.reset_password(cfg, ref, password)
        if token is None:
            console.print("Parool on muudetud.", highlight=False)
        else:
            _print_link(cfg, token)


def _stdin_password() -> str:
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise PipelineError.of("err.no_password", code="no_password")
    return text


def _print_link(cfg: Settings, token: str | None) -> None:
    from pipeline.accounts import SETUP_HOURS

    base = (cfg.public_url or os.environ.get("PLR_PUBLIC_URL") or "http://127.0.0.1:8000")
    console.print(f"Ühekordne link parooli määramiseks (kehtib {SETUP_HOURS} tundi):\n"
                  f"  {base.rstrip('/')}/setup/{token}", highlight=False)
