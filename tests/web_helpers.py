"""Shared by the web tests: a home folder with cases, coordinators, users and ledger
entries (synthetic people only), and a signed-in test client per role."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import update

from pipeline import accounts, casework
from pipeline.config import Settings
from pipeline.register import ledger
from pipeline.register.cases import register_referral
from pipeline.register.db import session_factory, transaction
from pipeline.register.tables import User
from pipeline.samples import sample_referral

PASSWORD = "Päikeseline-2026"
USERS = {
    "office": ("Olev Kontor", "olev.kontor@example.ee"),
    "coordinator": ("Kadri Lepik", "kadri.lepik@example.ee"),
    "other": ("Mart Mänd", "mart.mand@example.ee"),
    "admin": ("Aino Admin", "aino.admin@example.ee"),
}
OWN, OTHER = "PLR-2026-0001", "PLR-2026-0002"
DOC = "2026-11-20 suunamise kinnitus.docx"


# Both cases read from a scan with one value to check and its image (a tiny JPEG).
CROP = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIs"
    "IxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAA"
    "AAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==")
SCANNED = {"format": "image", "method": "ocr",
           "labels": {"referrer.name": "Suunaja nimi"},
           "ocr": {"pages": 1, "review": [{"field": "referrer.name", "reason": "low_confidence",
                                           "confidence": 0.41, "page": 0,
                                           "box": [10, 10, 90, 30]},
                                          {"field": "caregivers[0].phone",
                                           "reason": "check_failed", "confidence": 1.0}]},
           "crops": [base64.b64encode(CROP).decode()]}


@dataclass
class World:
    settings: Settings
    quarantined: int
    returned: int


def make_world(home: Path, *, idle_minutes: float = 30.0,
               database_url: str | None = None) -> World:
    """Two cases: OWN assigned to Kadri (a coordinator user), OTHER to Mart; in the home's
    SQLite register, or at `database_url` (a fresh PostgreSQL schema)."""
    settings = Settings(home=home, database_url=database_url,
                        session_idle_minutes=idle_minutes)
    settings.layout.ensure()
    referral = sample_referral()
    factory = session_factory(settings)
    with transaction(factory) as s:
        for i in range(2):
            child = referral.children[0].model_copy(update={
                "id_code": None, "name": ["Jüri Õunapuu", "Anna Ivanova"][i]})
            ref = referral.model_copy(update={"children": [child]})
            register_referral(session=s, referral=ref, warnings=[], source_file=f"{i}.pdf",
                              sha256=f"{i}" * 64, received_at=dt.datetime(2026, 11, 20 + i, 9),
                              provenance=SCANNED)
        q = ledger.record_arrival(session=s, file_name="20261124T100000-0000abcd__katki.pdf",
                                  sha256="a" * 64, received_at=dt.datetime(2026, 11, 24, 10))
        ledger.close_entry(session=s, entry_id=q, outcome="quarantined", cases=[],
                           codes=["unreadable"], reason="Fail on rikutud.")
        ledger.record_placed(session=s, entry_id=q, placed="quarantine/katki.pdf", documents=[])
        r = ledger.record_arrival(session=s, file_name="20261124T100001-0000abce__vigane.pdf",
                                  sha256="b" * 64, received_at=dt.datetime(2026, 11, 24, 10))
        ledger.close_entry(session=s, entry_id=r, outcome="returned", cases=[],
                           codes=["E01"], reason="Suunaja nimi puudub.")
        ledger.record_placed(session=s, entry_id=r, placed="returned/vigane.pdf",
                             documents=["outbox/tagastatud/tagastamine.docx"])
    (home / "quarantine" / "katki.pdf").write_bytes(b"%PDF-1.4 broken")
    (home / "outbox" / "tagastatud").mkdir(parents=True, exist_ok=True)
    (home / "outbox" / "tagastatud" / "tagastamine.docx").write_bytes(b"PK letter")
    for key in ("coordinator", "other"):
        name, email = USERS[key]
        casework.add_coordinator(settings, name=name, email=email, phone=None,
                                 languages=["et", "ru"], capacity=5)
    casework.assign_case(settings, OWN, USERS["coordinator"][1])
    casework.assign_case(settings, OTHER, USERS["other"][1])
    for number in (OWN, OTHER):
        folder = home / "outbox" / number
        folder.mkdir(parents=True, exist_ok=True)
        (folder / DOC).write_bytes(b"PK document of " + number.encode())
    for key, (name, email) in USERS.items():
        role = "coordinator" if key == "other" else key
        accounts.add_user(settings, name=name, email=email, role=role)
    # Everyone's password is PASSWORD: its argon2id hash is made once per test run (a hash
    # costs a third of a second, which four users in every world made the bulk of the set-up).
    with transaction(factory) as s:
        s.execute(update(User).values(password_hash=password_hash()))
    return World(settings, q, r)


@functools.cache
def password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)


def csrf(client: TestClient[Litestar]) -> str:
    token = client.cookies.get("plr_csrf")
    if token is None:
        page = client.get("/login")
        found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert found is not None
        return found.group(1)
    return token


def login(client: TestClient[Litestar], email: str, password: str = PASSWORD) -> int:
    client.get("/login")
    resp = client.post("/login", data={"_csrf_token": csrf(client), "email": email,
                                       "password": password, "next": "/"},
                       follow_redirects=False)
    return resp.status_code


@contextmanager
def signed_in(app: Litestar, key: str | None) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        if key is not None:
            assert login(client, USERS[key][1]) == 303
        yield client
