"""Screenshots of the web app's pages at 1366×768 and at a phone's width (390 px), from a
real `plr run` on a throw-away home with synthetic cases: `python docs/make_web_screenshots.py`.
Writes docs/web-<page>-<desktop|phone>.png."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from web_e2e_helpers import ADMIN, COORDINATOR, FIXTURES, browser, login, running, seed  # noqa: E402

from pipeline import casework, listing  # noqa: E402
from pipeline.config import Limits, Settings  # noqa: E402
from pipeline.extract import Extraction, extract_bytes  # noqa: E402
from pipeline.forms_build.docx import build_docx  # noqa: E402
from pipeline.forms_build.fill import fill_docx, referral_to_raw  # noqa: E402
from pipeline.register.cases import register_referral  # noqa: E402
from pipeline.register.db import session_factory, transaction  # noqa: E402
from pipeline.register.testing import distinct_referral  # noqa: E402
from pipeline.samples import sample_referral  # noqa: E402

NAMES = ["Jüri Õunapuu", "Mia Kask", "Robin Tamm", "Sofia Ivanova", "Oskar Mets", "Liisa Sepp",
         "Kevin Põld", "Eliise Rebane", "Martin Lill", "Hanna Kuusk"]
PLACES = ["Türi vald", "Paide linn", "Tallinn", "Tartu linn"]


def _scanned() -> Extraction:
    """`tables` printed, scanned at 300 dpi a little askew and speckled, read by OCR."""
    from layout_fixtures import LAYOUT
    from scans import degrade, image_pdf, render

    pages = [degrade(p, angle=1.5, noise=0.05)
             for p in render((LAYOUT / "tables.pdf").read_bytes(), 300)]
    (x,) = extract_bytes(image_pdf(pages, 300), name="skann.pdf",
                         limits=Limits(read_seconds=240))
    assert x.referral is not None
    # Other children than the form dropped into the inbox, which would otherwise be taken
    # for a corrected re-send of this one.
    kids = [c.model_copy(update={"name": n, "id_code": None})
            for c, n in zip(x.referral.children, ("Eliisabet Kask", "Rasmus Kask"), strict=False)]
    return x.model_copy(update={"referral": x.referral.model_copy(update={"children": kids})})


def populate(home: Path) -> tuple[str, str]:
    settings = Settings(home=home, database_url=None)
    settings.layout.ensure()
    factory = session_factory(settings)
    now = dt.datetime.now().replace(microsecond=0)
    scan = _scanned()
    assert scan.referral is not None
    with transaction(factory) as s:
        for i, name in enumerate(NAMES):
            r = distinct_referral(sample_referral(), 9, i)
            child = r.children[0].model_copy(update={"name": name})
            referrer = r.referrer.model_copy(update={"municipality": PLACES[i % len(PLACES)]})
            r = r.model_copy(update={"children": [child], "referrer": referrer})
            # Where its values came from, as the inbox would have read a filled DOCX form.
            (read,) = extract_bytes(fill_docx(build_docx(), referral_to_raw(r)),
                                    name=f"suunamine-{i + 1}.docx", limits=Limits())
            register_referral(session=s, referral=r, warnings=list(read.issues),
                              source_file=f"suunamine-{i + 1}.docx", sha256=f"{i:064x}",
                              received_at=now - dt.timedelta(days=20 - i),
                              provenance=read.provenance())
        scanned = register_referral(session=s, referral=scan.referral, warnings=scan.issues,
                                    source_file="skann.pdf", sha256="e" * 64,
                                    received_at=now - dt.timedelta(days=1),
                                    provenance=scan.provenance()).number
    seed(home)
    casework.add_coordinator(settings, name="Mart Mänd", email="mart.mand@example.ee",
                             phone=None, languages=["et"], capacity=4)
    first = listing.cases(settings)[0]["number"]
    casework.assign_case(settings, first, COORDINATOR[1])
    casework.add_participant(settings, first, name="Olga Õpetaja", role="information_giver",
                             email="olga@example.ee", phone=None, relation="klassijuhataja")
    day = dt.date.today() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    casework.schedule_conference(settings, first, at=f"{day.isoformat()} 17:00",
                                 place="Türi Perekeskus")
    return first, scanned


def main() -> None:
    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        number, scanned = populate(home)
        with running(home) as server, browser() as b:
            shutil.copy(FIXTURES / "layout" / "tables.pdf", home / "inbox" / "suunamine.pdf")
            shutil.copy(FIXTURES / "bad" / "encrypted.pdf", home / "inbox" / "skaneeritud.pdf")
            time.sleep(8)
            pages = [("login", "/login"), ("dashboard", "/"), ("intake", "/intake"),
                     ("cases", "/cases"), ("case", f"/cases/{number}"),
                     ("case-scan", f"/cases/{scanned}"),
                     ("users", "/admin/users"), ("coordinators", "/admin/coordinators"),
                     ("audit", "/admin/audit"), ("reports", "/reports")]
            for label, size in (("desktop", (1366, 768)), ("phone", (390, 844))):
                page = b.new_page(viewport={"width": size[0], "height": size[1]})
                for name, path in pages:
                    if name == "login":
                        page.goto(server.url + path)
                    elif page.url.endswith("/login"):
                        login(page, server.url, ADMIN[1])
                    if name != "login":
                        page.goto(server.url + path)
                    whole = label == "phone" or name in ("case", "case-scan", "reports")
                    page.screenshot(path=str(out / f"web-{name}-{label}.png"), full_page=whole)
                    if name == "login":
                        login(page, server.url, ADMIN[1])
                page.close()
    print("written:", sorted(p.name for p in out.glob("web-*.png")))


if __name__ == "__main__":
    main()
