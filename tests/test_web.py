"""The web app over HTTP (Litestar's test client): who may use which route, CSRF,
sessions, lock-out, headers, the audit log, uploads and the case steps."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import update
from web_helpers import DOC, OTHER, OWN, PASSWORD, USERS, World, csrf, login, make_world, signed_in

from pipeline import accounts
from pipeline.register.audit import AuditFilter
from pipeline.register.db import session_factory, transaction
from pipeline.register.tables import WebSession
from pipeline.register.testing import PgServer, backends
from pipeline.web.app import create_app

ROLES = ("office", "coordinator", "admin")
EVERYONE = set(ROLES)
CASEWORK = {"coordinator", "admin"}
OFFICE = {"office", "admin"}
ADMIN = {"admin"}


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def app(world: World) -> Litestar:
    return create_app(world.settings)


@pytest.fixture(params=backends())
def any_world(request: pytest.FixtureRequest, tmp_path: Path,
              pg_server: PgServer | None) -> World:
    """`world` on SQLite, and on PostgreSQL too when PLR_TEST_DATABASE_URL is set (one
    database for the run, a fresh schema per test: see tests/conftest.py)."""
    if request.param == "sqlite":
        return make_world(tmp_path)
    assert pg_server is not None
    return make_world(tmp_path, database_url=pg_server.fresh_url())


@pytest.fixture
def any_app(any_world: World) -> Litestar:
    return create_app(any_world.settings)


def routes(world: World) -> list[tuple[str, str, set[str], str | None]]:
    """(method, path, roles allowed, case it belongs to) for every route."""
    q, r = world.quarantined, world.returned
    rows: list[tuple[str, str, set[str], str | None]] = [
        ("GET", "/", EVERYONE, None),
        ("GET", "/dashboard/live", EVERYONE, None),
        ("GET", "/intake", OFFICE, None),
        ("GET", "/intake?outcome=quarantined&q=katki", OFFICE, None),
        ("POST", "/intake/upload", OFFICE, None),
        ("POST", f"/intake/{q}/retry", OFFICE, None),
        ("GET", f"/intake/{r}/letter", OFFICE, None),
        ("GET", "/cases", EVERYONE, None),
        ("GET", "/cases?q=Jüri&state=assigned", EVERYONE, None),
        ("POST", "/account/lang", EVERYONE, None),
        ("GET", "/admin/users", ADMIN, None),
        ("POST", "/admin/users", ADMIN, None),
        ("POST", "/admin/users/1/active", ADMIN, None),
        ("POST", "/admin/users/1/reset", ADMIN, None),
        ("GET", "/admin/coordinators", ADMIN, None),
        ("POST", "/admin/coordinators", ADMIN, None),
        ("POST", "/admin/coordinators/1", ADMIN, None),
        ("GET", "/admin/audit", ADMIN, None),
        ("GET", "/admin/audit.csv", ADMIN, None),
        ("GET", "/reports", OFFICE, None),
        ("GET", "/reports.csv?table=referrals_by_month", OFFICE, None),
    ]
    for number in (OWN, OTHER):
        rows += [
            ("GET", f"/cases/{number}", CASEWORK, number),
            ("GET", f"/cases/{number}/schedule-notes?at=2026-12-26T17:00", CASEWORK, number),
            ("GET", f"/cases/{number}/documents/{DOC}", CASEWORK, number),
            ("GET", f"/cases/{number}/scan/0", CASEWORK, number),
            ("POST", f"/cases/{number}/assign", CASEWORK, number),
            ("POST", f"/cases/{number}/participants", CASEWORK, number),
            ("POST", f"/cases/{number}/participants/1", CASEWORK, number),
            ("POST", f"/cases/{number}/participants/1/remove", CASEWORK, number),
            ("POST", f"/cases/{number}/schedule", CASEWORK, number),
            ("POST", f"/cases/{number}/plan", CASEWORK, number),
            ("POST", f"/cases/{number}/followup", CASEWORK, number),
            ("POST", f"/cases/{number}/close", CASEWORK, number),
        ]
    return rows


def expected(role: str | None, allowed: set[str], number: str | None) -> int | None:
    """The status a role must get; None: allowed (any answer but a refusal)."""
    if role is None:
        return 303  # to the sign-in page
    if role not in allowed:
        return 403
    if role == "coordinator" and number == OTHER:
        return 404  # another coordinator's case looks like no case at all
    return None


def test_web_access_matrix_every_route_role_and_case(any_world: World,
                                                     any_app: Litestar) -> None:
    world, app = any_world, any_app
    failures = []
    for role in (None, *ROLES):
        with signed_in(app, role) as client:
            token = csrf(client)
            for method, path, allowed, number in routes(world):
                if method == "GET":
                    resp = client.get(path, follow_redirects=False)
                else:
                    data = {"_csrf_token": token, "lang": "et", "active": "1", "reason": "other",
                            "name": "", "email": "", "role": "", "coordinator": ""}
                    resp = client.post(path, data=data, follow_redirects=False)
                want = expected(role, allowed, number)
                got = resp.status_code
                if want is None:
                    ok = got not in (401, 403, 404) and got < 500 and not (
                        got == 303 and resp.headers.get("location", "").startswith("/login"))
                else:
                    ok = got == want and (want != 303 or resp.headers["location"].startswith(
                        "/login"))
                if not ok:
                    failures.append(f"{role} {method} {path}: {got}, expected {want or 'allowed'}")
    assert failures == [], "\n".join(failures)


def test_web_every_route_is_in_the_matrix(world: World, app: Litestar) -> None:
    """A new route must be added to the access matrix (deny by default is tested there)."""
    tested = {re.sub(r"\?.*", "", p) for _, p, _, _ in routes(world)}
    public = {"/login", "/logout", "/setup/{token:str}", "/healthz"}
    checked = 0
    for route in app.routes:
        if route.path.startswith("/static") or route.path in public:
            continue
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", route.path) + "$")
        assert any(pattern.match(p) for p in tested), route.path
        checked += 1
    assert checked >= 20


def test_web_office_sees_no_referral_content_in_the_case_list(app: Litestar) -> None:
    with signed_in(app, "office") as client:
        page = client.get("/cases").text
        assert OWN in page and "Jüri Õunapuu" not in page
        assert OTHER not in client.get("/cases?q=Anna").text  # no search by name either
    with signed_in(app, "coordinator") as client:
        page = client.get("/cases").text
        assert "Jüri Õunapuu" in page and OTHER not in page  # only their own case
    with signed_in(app, "admin") as client:
        found = client.get("/cases?q=anna").text
        assert OTHER in found and OWN not in found


def test_web_post_without_csrf_token_is_refused(app: Litestar) -> None:
    with signed_in(app, "admin") as client:
        resp = client.post(f"/cases/{OWN}/close", data={"reason": "other"})
        assert resp.status_code == 403
        resp = client.post(f"/cases/{OWN}/close", data={"reason": "other",
                                                         "_csrf_token": "forged"})
        assert resp.status_code == 403
        assert "Vormi turvakontroll" in resp.text
        assert "closed" not in client.get(f"/cases/{OWN}").text.split("badge state")[1][:40]


def test_web_session_expires_after_idle_time(any_world: World, any_app: Litestar) -> None:
    world, app = any_world, any_app
    with signed_in(app, "admin") as client:
        assert client.get("/cases", follow_redirects=False).status_code == 200
        with transaction(session_factory(world.settings)) as s:
            s.execute(update(WebSession).values(
                last_seen=dt.datetime.now() - dt.timedelta(minutes=31)))
        resp = client.get("/cases", follow_redirects=False)
        assert resp.status_code == 303 and "expired=1" in resp.headers["location"]
        assert "30-minutilist" in client.get(resp.headers["location"]).text
        assert client.get("/cases", follow_redirects=False).status_code == 303


def test_web_login_rotates_and_logout_ends_the_session(app: Litestar) -> None:
    with TestClient(app) as client:
        client.cookies.set("plr_session", "planted-by-an-attacker", domain="testserver.local")
        assert login(client, USERS["admin"][1]) == 303
        token = client.cookies.get("plr_session")
        assert token and token != "planted-by-an-attacker"
        resp = client.post("/logout", data={"_csrf_token": csrf(client)},
                           follow_redirects=False)
        assert resp.status_code == 303
        # The old cookie is worth nothing now.
        client.cookies.set("plr_session", token, domain="testserver.local")
        assert client.get("/", follow_redirects=False).status_code == 303


def test_web_session_cookie_is_httponly_and_samesite(app: Litestar) -> None:
    with TestClient(app) as client:
        client.get("/login")
        resp = client.post("/login", data={"_csrf_token": csrf(client),
                                           "email": USERS["admin"][1], "password": PASSWORD},
                           follow_redirects=False)
        cookie = next(v for k, v in resp.headers.multi_items()
                      if k == "set-cookie" and v.startswith("plr_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert "Secure" not in cookie


def test_web_five_failures_lock_the_account_and_the_address(any_app: Litestar) -> None:
    app = any_app
    with TestClient(app) as client:
        for _ in range(5):
            assert login(client, USERS["office"][1], "wrong-password") == 400
        assert login(client, USERS["office"][1]) == 429  # locked even with the right one
        page = client.get("/login").text
        assert "Liiga palju" not in page
        # The address is locked too: another account from the same address.
        assert login(client, USERS["admin"][1]) == 429
    # Failures for unknown names count against the address as well.


def test_web_security_headers_on_pages_errors_and_downloads(app: Litestar) -> None:
    with signed_in(app, "admin") as client:
        for resp in (client.get("/"), client.get("/cases/PLR-2026-9999"),
                     client.get(f"/cases/{OWN}/documents/{DOC}"), client.get("/login")):
            h = resp.headers
            assert "frame-ancestors 'none'" in h["content-security-policy"]
            assert "unsafe-inline" not in h["content-security-policy"]
            assert h["x-content-type-options"] == "nosniff"
            assert h["referrer-policy"] == "same-origin"
            assert h["cache-control"] == "no-store"
        doc = client.get(f"/cases/{OWN}/documents/{DOC}")
        assert doc.headers["content-disposition"].startswith("attachment")
        assert doc.content == b"PK document of " + OWN.encode()
        assert client.get("/cases/PLR-2026-9999").status_code == 404


def test_web_pages_have_no_inline_script(app: Litestar) -> None:
    with signed_in(app, "admin") as client:
        for path in ("/", "/intake", "/cases", f"/cases/{OWN}", "/admin/users",
                     "/admin/coordinators", "/admin/audit"):
            html = client.get(path).text
            assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, path
            tags = re.findall(r"<[a-z][^>]*>", html)
            assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t)], path
            assert not [t for t in tags if re.search(r"\sstyle\s*=", t)], path


def test_web_audit_rows_for_views_downloads_and_actions(any_world: World,
                                                        any_app: Litestar) -> None:
    world, app = any_world, any_app
    with signed_in(app, "coordinator") as client:
        client.get(f"/cases/{OWN}")
        client.get(f"/cases/{OWN}/documents/{DOC}")
        client.get(f"/cases/{OTHER}")  # refused: no view is recorded for it
        client.post(f"/cases/{OWN}/participants", data={
            "_csrf_token": csrf(client), "name": "Olga Õpetaja", "role": "information_giver",
            "email": "olga@example.ee"})
    rows = accounts.audit_log(world.settings, AuditFilter(user=USERS["coordinator"][1])).rows
    seen = [(r["action"], r["target"]) for r in rows]
    assert ("view_case", OWN) in seen and ("download", OWN) in seen
    assert ("participant_add", OWN) in seen and ("login", None) in seen
    assert all(r["target"] != OTHER for r in rows)
    assert all(r["address"] == "testclient" for r in rows)
    with signed_in(app, "admin") as client:
        csv_text = client.get("/admin/audit.csv?action=view_case").text
        assert OWN in csv_text and "participant_add" not in csv_text
        assert "view_case" in client.get("/admin/audit?user=" + USERS["coordinator"][1]).text


def test_web_reports_show_the_figures_with_charts_and_export_a_table(
        world: World, app: Litestar) -> None:
    with signed_in(app, "office") as client:
        page = client.get("/reports?from=2026-01-01&to=2026-12-31")
        assert page.status_code == 200
        assert "Suunamised kuude kaupa" in page.text
        assert 'src="data:image/svg+xml;base64,' in page.text
        got = client.get("/reports.csv?table=referrals_by_month&from=2026-01-01&to=2026-12-31")
        assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
        assert got.content.decode("utf-8-sig").splitlines()[0].startswith("kuu")
        assert client.get("/reports.csv?table=nope").status_code == 404
        assert client.get("/reports?from=eile").status_code == 400
    rows = accounts.audit_log(world.settings, AuditFilter(action="view_reports")).rows
    assert [r["target"] for r in rows] == ["2026-01-01–2026-12-31"]


def test_web_case_refusal_is_shown_with_the_cli_words(app: Litestar) -> None:
    with signed_in(app, "coordinator") as client:
        resp = client.post(f"/cases/{OWN}/close", data={"_csrf_token": csrf(client),
                                                         "reason": "plan_working"})
        assert resp.status_code == 409
        assert "enne järelkohtumist" in resp.text


def test_web_upload_goes_into_the_inbox_under_a_safe_name(world: World, app: Litestar) -> None:
    pdf = (Path(__file__).parent / "fixtures" / "layout" / "tables.pdf").read_bytes()
    tnef = (Path(__file__).parent / "fixtures" / "tnef" / "two-files.winmail.dat").read_bytes()
    with signed_in(app, "office") as client:
        resp = client.post("/intake/upload", data={"_csrf_token": csrf(client)}, files=[
            ("files", ("../../etc/suunamine.pdf", pdf, "application/pdf")),
            ("files", ("leht.html", b"<script>alert(1)</script>", "text/html")),
            ("files", ("vale.pdf", b"<html></html>", "application/pdf")),
            # Told by content as the inbox tells it: Outlook's winmail.dat is a form's carrier.
            ("files", ("winmail.dat", tnef, "application/ms-tnef")),
            ("files", ("suunamine.pdf", pdf, "application/pdf")),
        ])
        assert resp.status_code == 200
        assert resp.text.count("ei ole suunamise vorm") == 2
    inbox = sorted(p.name for p in world.settings.layout.inbox.iterdir())
    assert inbox == ["suunamine (2).pdf", "suunamine.pdf", "winmail.dat"]
    assert (world.settings.layout.inbox / "suunamine.pdf").read_bytes() == pdf


def test_web_retry_puts_a_quarantined_file_back(world: World, app: Litestar) -> None:
    with signed_in(app, "office") as client:
        resp = client.post(f"/intake/{world.quarantined}/retry",
                           data={"_csrf_token": csrf(client)})
        assert resp.status_code == 200 and "katki.pdf" in resp.text
        assert (world.settings.layout.inbox / "katki.pdf").exists()
        assert not (world.settings.home / "quarantine" / "katki.pdf").exists()
        again = client.post(f"/intake/{world.quarantined}/retry",
                            data={"_csrf_token": csrf(client)})
        assert again.status_code == 409


def test_web_healthz_reports_register_and_watcher(world: World, app: Litestar) -> None:
    with TestClient(app) as client:
        body = client.get("/healthz").json()
        assert body == {"status": "ok", "register": True, "watcher": None}
        accounts.beat(world.settings)
        body = client.get("/healthz").json()
        assert body["watcher"]["alive"] is True and body["watcher"]["seconds_ago"] <= 60


def test_web_first_admin_setup_link_is_single_use(tmp_path: Path) -> None:
    from pipeline.config import Settings

    settings = Settings(home=tmp_path, database_url=None)
    token = accounts.first_admin_link(settings)
    assert token is not None
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get(f"/setup/{token}").status_code == 200
        data = {"_csrf_token": csrf(client), "name": "Aino Admin", "email": "aino@example.ee",
                "password": PASSWORD, "password2": PASSWORD}
        assert client.post(f"/setup/{token}", data=data, follow_redirects=False
                           ).status_code == 303
        assert client.post(f"/setup/{token}", data=data).status_code == 404
        assert login(client, "aino@example.ee") == 303
    assert accounts.first_admin_link(settings) is None
    assert [u.role for u in accounts.list_users(settings)] == ["admin"]


def test_web_user_switches_to_english(app: Litestar) -> None:
    with signed_in(app, "coordinator") as client:
        assert "Töölaud" in client.get("/").text
        client.post("/account/lang", data={"_csrf_token": csrf(client), "lang": "en",
                                           "next": f"/cases/{OWN}"})
        page = client.get(f"/cases/{OWN}").text
        assert "Next steps" in page and 'lang="en"' in page
        assert "coordinator assigned" in page  # the state in the CLI's English words
        refused = client.post(f"/cases/{OWN}/close", data={"_csrf_token": csrf(client),
                                                            "reason": "plan_working"})
        # The register's refusal in the user's language, as PLR_LANG=en gives it on the CLI.
        assert refused.status_code == 409 and "follow-up" in refused.text
        assert "järelkohtumist" not in refused.text


def _participant_id(world: World, number: str, name: str) -> int:
    from pipeline import casework

    found = [p["id"] for p in casework.show_case(world.settings, number)["participants"]
             if p["name"] == name]
    assert len(found) == 1, found
    return int(found[0])


def test_web_participant_edit_and_remove_on_the_case_page(any_world: World,
                                                          any_app: Litestar) -> None:
    from pipeline import casework

    world, app = any_world, any_app
    casework.add_participant(world.settings, OWN, name="Olga Õpetaja", role="information_giver",
                             email="olga@example.ee", phone=None, relation="klassijuhataja")
    pid = _participant_id(world, OWN, "Olga Õpetaja")
    folder = world.settings.outbox / OWN
    letter = folder / "2026-11-25 kutse – Olga Õpetaja.docx"
    letter.write_bytes(b"PK letter to Olga")
    with signed_in(app, "coordinator") as client:
        page = client.get(f"/cases/{OWN}").text
        assert f'action="/cases/{OWN}/participants/{pid}"' in page
        assert f'action="/cases/{OWN}/participants/{pid}/remove"' in page
        base = {"_csrf_token": csrf(client), "pid": str(pid), "name": "Olga Õpetaja",
                "relation": "klassijuhataja", "phone": ""}
        # A bad e-mail is refused with the CLI's words, the form kept as typed.
        bad = client.post(f"/cases/{OWN}/participants/{pid}",
                          data={**base, "email": "olga-at-example"})
        assert bad.status_code == 409
        assert "e-posti" in bad.text.lower() and 'value="olga-at-example"' in bad.text
        done = client.post(f"/cases/{OWN}/participants/{pid}",
                           data={**base, "email": "olga.opetaja@example.ee",
                                 "relation": "aineõpetaja"})
        assert done.status_code == 200 and "Osaleja andmed on muudetud." in done.text
        assert "aineõpetaja" in done.text.split('id="participants"')[1].split("</table>")[0]
        gone = client.post(f"/cases/{OWN}/participants/{pid}/remove",
                           data={"_csrf_token": csrf(client)})
        assert gone.status_code == 200 and "Osaleja on eemaldatud." in gone.text
        table = gone.text.split('id="participants"')[1].split("</table>")[0]
        assert "Olga" not in table
        # The referrer is never removed; the page offers no button and the route refuses.
        referrer = next(p for p in casework.show_case(world.settings, OWN)["participants"]
                        if p["role"] == "referrer")
        assert f'participants/{referrer["id"]}/remove"' not in gone.text
        refused = client.post(f"/cases/{OWN}/participants/{referrer['id']}/remove",
                              data={"_csrf_token": csrf(client)})
        assert refused.status_code == 409 and "Suunajat ei saa" in refused.text
        # Another coordinator's participant: no such case for this user.
        other = _participant_id(world, OTHER, casework.show_case(
            world.settings, OTHER)["participants"][0]["name"])
        assert client.post(f"/cases/{OTHER}/participants/{other}/remove",
                           data={"_csrf_token": csrf(client)}).status_code == 404
    assert not letter.exists()
    assert (folder / "asendatud" / letter.name).read_bytes() == b"PK letter to Olga"
    rows = accounts.audit_log(world.settings, AuditFilter(user=USERS["coordinator"][1])).rows
    seen = [(r["action"], r["target"], r["detail"]) for r in rows]
    assert ("participant_edit", OWN, f"osaleja {pid}") in seen
    assert ("participant_edit_refused", OWN, f"bad_email; osaleja {pid}") in seen
    assert ("participant_remove", OWN, f"osaleja {pid}") in seen
    assert all(r["target"] != OTHER for r in rows)


def _through_the_pipeline(world: World, name: str, data: bytes) -> list[str]:
    """The cases a file makes when the watcher's stages take it from the inbox."""
    import hashlib

    from pipeline import process
    from pipeline.intake.claim import Owner

    ctx = process.make_context(world.settings)
    src = world.settings.layout.inbox / name
    src.write_bytes(data)
    claimed = Owner(ctx.layout).claim(src)
    assert claimed is not None
    result = process.run(process.record_claimed(ctx, claimed, hashlib.sha256(data).hexdigest()),
                         ctx)
    assert result.cases, result
    return result.cases


def test_web_case_page_shows_the_label_each_value_was_read_under(
        world: World, app: Litestar) -> None:
    data = (Path(__file__).parent / "fixtures" / "layout" / "tables.pdf").read_bytes()
    [number] = _through_the_pipeline(world, "suunamine.pdf", data)
    with signed_in(app, "admin") as client:
        page = client.get(f"/cases/{number}").text
    assert "Loetud: PDF, prinditud või ümbertrükitud vorm" in page
    referrer = page.split("Suunaja nimi</dt>")[1].split("</dd>")[0]
    assert "loetud sildi „Suunaja nimi“ alt" in referrer
    assert "loetud sildi „Pere suhtluskeel“ alt" in page
    assert "Veerud loetud siltide „Lapse ees-ja perekonnanimi“, „Isikukood“" in page


def test_web_scan_values_to_check_are_shown_with_their_image(
        any_world: World, any_app: Litestar) -> None:
    from web_helpers import CROP

    world, app = any_world, any_app
    with signed_in(app, "coordinator") as client:
        page = client.get(f"/cases/{OWN}").text
        review = page.split('id="scan-review"')[1].split("</section>")[0]
        assert "Suunaja nimi" in review and "kindlus 41%" in review
        assert f'src="/cases/{OWN}/scan/0"' in review
        img = client.get(f"/cases/{OWN}/scan/0")
        assert img.status_code == 200 and img.content == CROP
        assert img.headers["content-type"] == "image/jpeg"
        assert img.headers["cache-control"] == "no-store"
        assert client.get(f"/cases/{OWN}/scan/1").status_code == 404  # listed, no image
        assert client.get(f"/cases/{OWN}/scan/7").status_code == 404
        # A caregiver's phone is corrected in that participant's edit form, opened for it.
        from pipeline import casework

        caregiver = next(p for p in casework.show_case(world.settings, OWN)["participants"]
                         if p["role"] == "caregiver")
        link = f'href="/cases/{OWN}?edit={caregiver["id"]}#participant-{caregiver["id"]}"'
        assert link in review and "ei läbinud kontrolli" in review
        opened = client.get(f"/cases/{OWN}?edit={caregiver['id']}").text
        row = opened.split(f'id="participant-{caregiver["id"]}"')[1].split("</tr>")[0]
        assert '<details class="row-action" open>' in row
        assert client.get(f"/cases/{OTHER}/scan/0").status_code == 404
    rows = accounts.audit_log(world.settings, AuditFilter(action="view_scan")).rows
    assert [(r["target"], r["detail"]) for r in rows] == [(OWN, "kontrollitav väli 0")]


def test_web_scan_crops_are_cut_when_a_scan_is_read(world: World, app: Litestar) -> None:
    """A real scan through the pipeline: the values to check carry an image of the page."""
    from layout_fixtures import LAYOUT
    from scans import degrade, image_pdf, render

    pages = [degrade(p, angle=1.5, noise=0.05)
             for p in render((LAYOUT / "tables.pdf").read_bytes(), 300)]
    number = _through_the_pipeline(world, "skann.pdf", image_pdf(pages, 300))[0]
    with signed_in(app, "admin") as client:
        html = client.get(f"/cases/{number}").text
        assert "Loetud: PDF, skannitud või pildistatud vorm" in html
        found = re.findall(rf'src="/cases/{number}/scan/(\d+)"', html)
        assert found
        img = client.get(f"/cases/{number}/scan/{found[0]}")
        assert img.status_code == 200 and img.content.startswith(b"\xff\xd8")  # a JPEG


def test_web_schedule_hints_are_the_rule_the_booking_refuses_by(app: Litestar) -> None:
    """The hint under the time field and the refusal of the booking come from one rule:
    a holiday's eve, 24.12, and a time that ends after 21.00 warn in both."""
    eve = "2027-12-23T19:30"  # Thursday evening; the conference would end after 21.00
    with signed_in(app, "coordinator") as client:
        hint = client.get(f"/cases/{OWN}/schedule-notes?at={eve}").text
        assert "ei mahu ajavahemikku" in hint and "Aeg on siiski õige" in hint
        refused = client.post(f"/cases/{OWN}/schedule", data={
            "_csrf_token": csrf(client), "at": eve, "place": "Türi Perekeskus"})
        assert refused.status_code == 409
        assert "ei mahu ajavahemikku" in refused.text
        eve_hint = client.get(f"/cases/{OWN}/schedule-notes?at=2027-12-24T10:00").text
        assert "jõululaupäev" in eve_hint.lower() or "lühendatud tööpäev" in eve_hint
        past = client.get(f"/cases/{OWN}/schedule-notes?at=2020-03-03T10:00").text
        assert "on möödas" in past
        assert client.get(f"/cases/{OWN}/schedule-notes?at=2027-03-03T10:00").text.strip() == ""
