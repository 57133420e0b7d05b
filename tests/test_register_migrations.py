"""Migrations: from an empty database and from the previous revision; no drift from the models."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import sessionmaker

from pipeline.model.referral import Referral
from pipeline.register.cases import case_view, register_referral
from pipeline.register.db import make_engine, migrate
from pipeline.register.tables import Base


def _head() -> str:
    """The newest revision among the migration scripts the package ships."""
    from importlib.resources import files

    names = [p.name for p in files("pipeline.register.migrations.versions").iterdir()]
    return max(n[1:5] for n in names if re.fullmatch(r"r\d{4}_\w+\.py", n))


HEAD = _head()


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


def test_migrations_from_empty_match_the_models(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert _revision(engine) is None
    migrate(empty_db_url, engine=engine)
    assert _revision(engine) == HEAD
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []
    migrate(empty_db_url, engine=engine)  # running again changes nothing
    assert _revision(engine) == HEAD
    engine.dispose()


def test_migrations_from_previous_revision_keep_data(empty_db_url: str, referral: Referral) -> None:
    engine = make_engine(empty_db_url)
    migrate(empty_db_url, engine=engine, revision="0001")
    assert _revision(engine) == "0001"
    meta = sa.MetaData()
    meta.reflect(engine)
    assert "meetings" not in meta.tables and "purged_at" not in meta.tables["cases"].c
    now = dt.datetime(2026, 5, 4, 10, 0)
    with engine.begin() as c:  # a case as revision 0001 wrote it
        c.execute(meta.tables["number_sequences"].insert().values(year=2026, last=1))
        c.execute(meta.tables["cases"].insert().values(
            number="PLR-2026-0001", year=2026, seq=1, state="registered", received_at=now,
            municipality="Türi vald", family_language="et", children_count=2,
            referrer_email="kyllike.ounapuu@example.ee", child_keys=[],
        ))
        case_id = c.execute(sa.select(meta.tables["cases"].c.id)).scalar_one()
        c.execute(meta.tables["referral_versions"].insert().values(
            case_id=case_id, version=1, data=referral.model_dump(mode="json"), warnings=[],
            source_file="a.pdf", sha256="a" * 64, received_at=now,
        ))
    migrate(empty_db_url, engine=engine)
    assert _revision(engine) == HEAD
    with sessionmaker(engine)() as s:
        view = case_view(session=s, number="PLR-2026-0001")
        assert view.referral == referral and view.conference is None
        other = referral.model_copy(update={"children": referral.children[:1]})
        other.children[0] = other.children[0].model_copy(update={"id_code": "60101010006"})
        nxt = register_referral(session=s, referral=other, warnings=[], source_file="b.pdf",
                                sha256="b" * 64, received_at=now)
        s.commit()
    assert nxt.number == "PLR-2026-0002"  # the sequence carries on
    engine.dispose()
