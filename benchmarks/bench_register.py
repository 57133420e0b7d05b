"""Registrations per second on SQLite and PostgreSQL, beside a bare insert loop.

For 1,000 synthetic referrals, one transaction each (as the watcher commits):
`register_referral` (number, re-send lookup, version, participants, history)
against a loop of plain SQLAlchemy Core inserts of the same rows in the same
schema. PostgreSQL runs when a server answers at PLR_TEST_DATABASE_URL (or
postgresql+psycopg://postgres@127.0.0.1:5432/postgres); a throw-away
database is created and dropped.

    .venv/bin/python benchmarks/bench_register.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.orm import sessionmaker

from pipeline.register.cases import child_keys, participants_from, register_referral
from pipeline.register.db import make_engine, migrate, transaction
from pipeline.register.numbering import format_number
from pipeline.register.tables import Case, Participant, ReferralVersion, StateChange
from pipeline.register.testing import PgServer, distinct_referral, sqlite_url
from pipeline.samples import sample_referral

AT = dt.datetime(2026, 11, 24, 12, 0)


def _fresh(url: str) -> Engine:
    engine = make_engine(url)
    migrate(url, engine=engine)
    return engine


def bench_register(url: str, n: int) -> float:
    engine = _fresh(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    referrals = [distinct_referral(sample_referral(), 0, i) for i in range(n)]
    t0 = time.perf_counter()
    for i, r in enumerate(referrals):
        with transaction(factory) as s:
            register_referral(session=s, referral=r, warnings=[], source_file=f"{i}.pdf",
                              sha256=f"{i:064x}", received_at=AT)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return n / elapsed


def bench_bare(url: str, n: int) -> float:
    engine = _fresh(url)
    referrals = [distinct_referral(sample_referral(), 0, i) for i in range(n)]
    t0 = time.perf_counter()
    for i, r in enumerate(referrals):
        with engine.begin() as c:
            case_id = c.execute(insert(Case).values(
                number=format_number(2026, i + 1), year=2026, seq=i + 1, state="registered",
                received_at=AT, municipality=r.referrer.municipality, family_language="et",
                children_count=len(r.children), referrer_email=r.referrer.email,
                child_keys=child_keys(r),
            ).returning(Case.id)).scalar_one()
            c.execute(insert(ReferralVersion).values(
                case_id=case_id, version=1, data=r.model_dump(mode="json"), warnings=[],
                source_file=f"{i}.pdf", sha256=f"{i:064x}", received_at=AT))
            c.execute(insert(Participant), [
                {"case_id": case_id, "name": p.name, "role": p.role, "relation": p.relation,
                 "phone": p.phone, "email": p.email, "address": p.address,
                 "language": p.language, "parts": p.parts, "source": "referral"}
                for p in participants_from(r)])
            c.execute(insert(StateChange).values(case_id=case_id, at=AT, actor="süsteem",
                                                 from_state="received", to_state="registered"))
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return n / elapsed


def _report(backend: str, urls: tuple[str, str], n: int) -> None:
    reg = bench_register(urls[0], n)
    bare = bench_bare(urls[1], n)
    print(f"{backend:<11} register_referral: {reg:8.1f}/s   bare inserts: {bare:8.1f}/s   "
          f"(ratio {reg / bare:.2f})")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"{n} referrals, one transaction each")
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "a"), Path(tmp, "b")
        _report("SQLite", (sqlite_url(a), sqlite_url(b)), n)
    base = os.environ.get("PLR_TEST_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    try:
        server = PgServer(base)
    except Exception as exc:  # no server: the SQLite figures still stand
        print(f"PostgreSQL  skipped ({type(exc).__name__})")
        return
    try:
        _report("PostgreSQL", (server.fresh_url(), server.fresh_url()), n)
    finally:
        server.close()


if __name__ == "__main__":
    main()
