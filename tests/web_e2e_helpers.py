"""A real `plr run` (watcher + web app) on a fresh home folder, and a Chromium for it.

Users and coordinators are made with the real `plr` commands; the browser is Debian's
chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "Päikeseline-2026"
ADMIN = ("Aino Admin", "aino.admin@example.ee")
COORDINATOR = ("Kadri Lepik", "kadri.lepik@example.ee")
FIXTURES = Path(__file__).parent / "fixtures"
AXE = Path(__file__).parent / "vendor" / "axe-4.11.4.min.js"


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLR_")}
    env.update({"PLR_HOME": str(home), "PLR_STABLE_SECONDS": "0.3", "PLR_RESCAN_SECONDS": "2",
                "PLR_WORKERS": "1"})
    return env


def plr(home: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "pipeline", *args, "--home", str(home)],
                          input=stdin, capture_output=True, text=True, env=env_for(home),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    home: Path
    url: str
    proc: subprocess.Popen[str]
    log: Path


def seed(home: Path) -> None:
    plr(home, "user", "add", ADMIN[0], "--email", ADMIN[1], "--role", "admin",
        "--password-stdin", stdin=PASSWORD + "\n")
    plr(home, "user", "add", COORDINATOR[0], "--email", COORDINATOR[1], "--role",
        "coordinator", "--password-stdin", stdin=PASSWORD + "\n")
    plr(home, "coordinator", "add", "--name", COORDINATOR[0], "--email", COORDINATOR[1],
        "--languages", "et,ru")


@contextmanager
def running(home: Path, command: str = "run") -> Iterator[Server]:
    """`plr run` (or `plr serve`) as its own process until the block ends."""
    port = free_port()
    log = home / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", command, "--port", str(port), "--home", str(home)],
            stdout=out, stderr=subprocess.STDOUT, text=True, env=env_for(home))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield Server(home, url, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def login(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
