"""The light listings behind `plr cases` and `plr intake` (issue 8): the same rows whether
read with `sqlite3` (a local register at the newest schema) or through SQLAlchemy
(PostgreSQL, a register still to be migrated), and the same as the ORM's view of a case."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from pipeline import listing
from pipeline.config import Settings
from pipeline.model.referral import Referral
from pipeline.register import coordinators as coord
from pipeline.register import ledger, lifecycle, reads
from pipeline.register.cases import list_cases, register_referral
from pipeline.register.db import make_engine, migrate, query_on
from pipeline.register.views import case_summary


def _fill(session: Session, referral: Referral) -> None:
    for i in range(3):
        kids = referral.children[: 1 + i % 2]
        if i == 2:
            kids = [kids[0].model_copy(update={"name": None, "id_code": "50001010006"})]
        r = referral.model_copy(update={"children": kids, "referrer": referral.referrer.model_copy(
            update={"email": f"x{i}@example.ee"})})
        register_referral(session=session, referral=r, warnings=[], source_file=f"{i}.pdf",
                          sha256=f"{i}" * 64, received_at=dt.datetime(2026, 11, 20 - i, 9, 30, 1))
    c = coord.add_coordinator(session=session, name="Kadri Lepik", email="k@example.ee",
                              phone=None, languages=["et"], capacity=2)
    lifecycle.assign(session=session, number="PLR-2026-0003", coordinator=c, actor="test")
    for i, outcome in enumerate(("registered", "quarantined", "pending")):
        name = f"20261120T093001-0000000{i}__ä{i}.pdf"
        e = ledger.record_arrival(session=session, file_name=name,
                                  sha256=f"{i}" * 64, received_at=dt.datetime(2026, 11, 20, 9, i))
        if outcome != "pending":
            ledger.close_entry(session=session, entry_id=e, outcome=outcome,
                               cases=["PLR-2026-0001"] if i == 0 else [], codes=["W03"],
                               reason="põhjus")
            ledger.record_placed(session=session, entry_id=e, placed=f"archive/{i}.pdf",
                                 documents=["outbox/a.docx"] if i == 0 else None)
    session.commit()


def test_reads_head_revision_is_alembics_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(reads.__file__).parent / "migrations"))
    assert reads.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_reads_listing_is_the_orms_rows(session: Session, db_url: str,
                                        referral: Referral) -> None:
    _fill(session, referral)
    query = query_on(session)
    positions = reads.queue_positions(query)
    orm = [case_summary(c, positions.get(c.number)) for c in list_cases(session=session)]
    # In arrival order 0003 (assigned), 0002, 0001: the queue is the offer logic's.
    assert [r["queue_position"] for r in orm] == [None, 1, 2]
    assert [c.number for c in coord.waiting_queue(session=session)] == [
        "PLR-2026-0002", "PLR-2026-0001"]
    assert orm[0]["children"] == [] and orm[2]["children"] == [referral.children[0].name]
    assert reads.case_rows(query) == orm
    assert reads.case_rows(query, "assigned") == [orm[0]]
    entries = [ledger.entry_of(r) for r in session.execute(
        sa.select(ledger.IntakeEntry).order_by(ledger.IntakeEntry.id.desc())).scalars()]
    assert reads.ledger_entries(query) == entries
    assert reads.ledger_entries(query, outcome="quarantined", limit=5) == entries[1:2]
    assert reads.ledger_entries(query, limit=1) == entries[:1]
    session.rollback()
    # The command's way (sqlite3 at once on a local file, else the migrated register).
    settings = Settings(home=Path("/nonexistent"), database_url=db_url)
    assert listing.cases(settings) == orm
    assert listing.intake(settings) == entries
    with reads.local_reader(db_url) as local:
        assert (local is not None) == db_url.startswith("sqlite")
        if local is not None:
            assert reads.case_rows(local) == orm and reads.ledger_entries(local) == entries


def test_reads_older_schema_is_migrated_before_listing(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=None)
    url = settings.db_url
    migrate(url, engine=make_engine(url), revision="0006")
    with reads.local_reader(url) as local:
        assert local is None  # not at the newest revision: the whole way, with alembic
    assert listing.cases(settings) == [] and listing.intake(settings) == []
    path = reads.sqlite_file(url)
    assert path is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (reads.head_revision(),)]
    with reads.local_reader(url) as local:
        assert local is not None


def test_reads_missing_register_is_created_not_read(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=None)
    path = reads.sqlite_file(settings.db_url)
    assert path is not None and not path.exists()
    with reads.local_reader(settings.db_url) as local:
        assert local is None and not path.exists()  # sqlite3 never makes an empty file
    assert listing.cases(settings) == []
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600


def test_reads_sqlite_file_only_for_plain_local_urls(tmp_path: Path) -> None:
    assert reads.sqlite_file(f"sqlite:///{tmp_path}/plr.sqlite3") == tmp_path / "plr.sqlite3"
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:////tmp/a%20b/plr.sqlite3",
                "sqlite:////tmp/plr.sqlite3?timeout=5", "postgresql+psycopg://u@h/plr"):
        assert reads.sqlite_file(url) is None, url
