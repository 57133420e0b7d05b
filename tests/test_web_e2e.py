"""End to end in a real browser (Debian's chromium via Playwright) against a real
`plr run`: the whole life of a case, the keyboard alone, and axe-core on every page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from printed import printed
from test_render_helpers import fill_sdts
from test_watch_e2e import form
from web_e2e_helpers import (
    ADMIN,
    AXE,
    CHROMIUM,
    COORDINATOR,
    FIXTURES,
    Server,
    browser,
    login,
    running,
    seed,
)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]

AGREEMENTS = {
    "agreements[0].what": "Jüri läheb iga päev kooli ja vanaema saadab ta bussini.",
    "agreements[0].who": "Ööbik Šmidt",
    "agreements[0].by_when": "iga koolipäev",
    "agreements[0].checks": "Helju Tamm",
}


# One `plr run` and one Chromium for the whole module (each test in its own browser
# context, so its own login and cookies): starting them, and making the users with the
# real `plr` commands, was about a third of each test's CPU. The tests run one after
# another on one xdist worker (tests/conftest.py), and none relies on another's case:
# each drops a referral of its own family and finds the case by the file's name.
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Any]]:
    home = tmp_path_factory.mktemp("web-e2e")
    seed(home)
    with running(home) as server, browser() as b:
        yield server, b


def _drop(server: Server, name: str, family: int | None = None) -> None:
    """A referral into the inbox: the layout fixture `tables.pdf` (family None), or the
    watcher tests' distinct referral number `family` (its own child and referrer),
    printed to PDF."""
    data = ((FIXTURES / "layout" / "tables.pdf").read_bytes() if family is None
            else printed(form(family, "pdf")))
    (server.home / "inbox" / name).write_bytes(data)


def _conference_time() -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(17, 0))


def _case_number(page: Any, name: str) -> str:
    """The case the dashboard's "arrived today" list shows for the file `name`."""
    text = page.inner_text(f"#recent li:has-text('{name}')")
    found = re.search(r"PLR-\d{4}-\d{4}", text)
    assert found, text
    return found.group(0)


def _wait_for_case(page: Any, name: str) -> str:
    page.wait_for_selector(rf"#recent li:has-text('{name}') >> text=/PLR-\d{{4}}-\d{{4}}/",
                           timeout=60_000)
    return _case_number(page, name)


def test_web_e2e_case_life_in_the_browser(tmp_path: Path, site: tuple[Server, Any]) -> None:
    server, b = site
    ctx = b.new_context(accept_downloads=True, viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    login(page, server.url, ADMIN[1])
    page.evaluate("window.__noReload = 1")
    _drop(server, "suunamine.pdf")
    # The dashboard shows the new case by itself (htmx polling), without a reload.
    page.wait_for_selector("#recent >> text=suunamine.pdf", timeout=60_000)
    number = _wait_for_case(page, "suunamine.pdf")
    assert page.evaluate("window.__noReload") == 1

    page.click("nav >> text=Juhtumid")
    page.click(f"text={number}")
    page.wait_for_url(f"{server.url}/cases/{number}")
    assert "Kadri Lepik" in page.inner_text("#suggestion")
    page.click("text=Määra koordinaator")
    page.wait_for_selector(".notice.ok")
    assert page.inner_text("#fact-coordinator") == COORDINATOR[0]

    def add_participant(name: str, relation: str, email: str) -> None:
        page.click("summary >> text=Lisa osaleja")
        page.fill("#p-name", name)
        page.fill("#p-relation", relation)
        page.fill("#p-email", email)
        page.click("form[action$='/participants'] button[type=submit]")
        page.wait_for_selector(".notice.ok >> text=Osaleja on lisatud.")

    add_participant("Olga Õpetaja", "klassijuhataja", "olga@example.ee")
    assert "Olga Õpetaja" in page.inner_text("#participants")

    # Edit the teacher's relation, then add and remove a second teacher.
    row = page.locator("#participants tr", has_text="Olga Õpetaja")
    row.locator("summary").click()
    row.locator("input[name=relation]").fill("aineõpetaja")
    row.locator("form.edit-participant button[type=submit]").click()
    page.wait_for_selector(".notice.ok >> text=Osaleja andmed on muudetud.")
    assert "aineõpetaja" in page.inner_text("#participants")
    add_participant("Peeter Puu", "", "peeter@example.ee")
    row = page.locator("#participants tr", has_text="Peeter Puu")
    row.locator("summary").click()
    row.locator("form.remove-participant button[type=submit]").click()
    page.wait_for_selector(".notice.ok >> text=Osaleja on eemaldatud.")
    assert "Peeter Puu" not in page.inner_text("#participants")
    assert "Olga Õpetaja" in page.inner_text("#participants")

    when = _conference_time()
    page.fill("#s-at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#s-place", "Türi Perekeskus")
    page.click("text=Lepi aeg kokku ja koosta kutsed")
    page.wait_for_selector(".notice.ok")
    assert when.strftime("%d.%m.%Y 17:00") in page.inner_text("#fact-conference")

    with page.expect_download() as got:
        page.click(".docs a:has-text('kutse – Olga Õpetaja')")
    invitation = Path(got.value.path()).read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(invitation)).read("word/document.xml").decode()
    assert number in xml or "Olga" in xml

    with page.expect_download() as got:
        page.click(".docs a:has-text('tegevusplaani vorm')")
    blank = Path(got.value.path()).read_bytes()
    filled = tmp_path / "tegevusplaan.docx"
    filled.write_bytes(fill_sdts(blank, AGREEMENTS))
    page.set_input_files("#plan-file", str(filled))
    # The conference is booked ahead: the plan is recorded early, with the reason.
    page.fill("#plan-early", "lahendusring peeti varem")
    page.click("text=Laadi tegevusplaan üles")
    page.wait_for_selector(".notice.ok")
    assert "plaan kokku lepitud" in page.inner_text("h1")

    page.fill("#f-early", "järelkohtumine peeti varem")
    page.click("text=Salvesta tulemus")
    page.wait_for_selector(".notice.ok")
    assert "järelkohtumine peetud" in page.inner_text("h1")

    page.select_option("#c-reason", "plan_working")
    page.click("button:has-text('Sulge juhtum')")
    page.wait_for_selector(".notice.ok")
    assert "suletud" in page.inner_text("h1")

    # The upload's file button speaks the page's language, not the browser's
    # ("Choose Files"), and says what was chosen; the upload goes with a progress bar.
    page.goto(server.url + "/intake")
    assert page.is_visible("label.picker-button:has-text('Vali failid')")
    assert page.inner_text("#files-chosen") == "Faile pole valitud."
    page.set_input_files("#files", [str(FIXTURES / "layout" / "lines.pdf"),
                                    str(FIXTURES / "layout" / "tables.docx")])
    assert page.inner_text("#files-chosen") == "Valitud: lines.pdf, tables.docx"
    page.click("text=Laadi üles")
    page.wait_for_selector("#upload-result .notice.ok")
    assert "tables.docx" in page.inner_text("#upload-result")
    assert page.inner_text("#files-chosen") == "Faile pole valitud."

    page.click("text=Logi välja")
    page.wait_for_url(re.compile(r".*/login\?out=1"))
    page.go_back()
    page.wait_for_load_state()
    assert "/login" in page.url
    assert "Olga Õpetaja" not in page.content()
    health = json.loads(page.goto(server.url + "/healthz").text())
    assert health["register"] is True and health["watcher"]["alive"] is True


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_web_e2e_keyboard_only_login_and_scheduling(site: tuple[Server, Any]) -> None:
    server, b = site
    page = b.new_page()
    _drop(server, "klaviatuur.pdf", family=1)
    page.goto(server.url + "/login")
    _tab_to(page, "#email")
    page.keyboard.type(ADMIN[1])
    page.keyboard.press("Tab")
    page.keyboard.type("Päikeseline-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    number = _wait_for_case(page, "klaviatuur.pdf")
    _tab_to(page, "nav a[href='/cases']")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/cases")
    _tab_to(page, f"a[href='/cases/{number}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/cases/{number}")
    _tab_to(page, "form[action$='/assign'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".notice.ok")
    _tab_to(page, "#s-at")
    when = _conference_time()
    # Chromium's date-time field in its default (en-US) order: month, day, year; then
    # Tab to the clock.
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("1700")
    assert page.input_value("#s-at") == when.strftime("%Y-%m-%dT17:00")
    _tab_to(page, "#s-place")
    page.keyboard.type("Türi Perekeskus")
    page.keyboard.press("Enter")
    page.wait_for_selector(".notice.ok")
    assert "ring kokku lepitud" in page.inner_text("h1")


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_web_e2e_axe_finds_no_serious_violations(site: tuple[Server, Any]) -> None:
    server, b = site
    # Only axe's own script needs the CSP lifted; the pages are unchanged.
    page = b.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768}
                         ).new_page()
    problems: dict[str, list[str]] = {}
    page.goto(server.url + "/login")
    problems["/login"] = [v["id"] for v in _axe(page)]
    _drop(server, "ligipaas.pdf", family=2)
    login(page, server.url, ADMIN[1])
    number = _wait_for_case(page, "ligipaas.pdf")
    for path in ("/", "/intake", "/cases", f"/cases/{number}", "/admin/users",
                 "/admin/coordinators", "/admin/audit"):
        page.goto(server.url + path)
        # The top bar on one line at 1366 px, all seven admin items in it.
        middles = page.eval_on_selector_all(
            "header.top nav a, header.top .who, header.top .brand",
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return (r.top + r.bottom) / 2; })")
        assert len(middles) == 9 and max(middles) - min(middles) < 12, (path, middles)
        found = _axe(page)
        problems[path] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in found]
    assert {k: v for k, v in problems.items() if v} == {}


def test_web_e2e_core_flow_without_javascript(site: tuple[Server, Any]) -> None:
    server, b = site
    page = b.new_context(java_script_enabled=False).new_page()
    login(page, server.url, ADMIN[1])
    _drop(server, "ilma-skriptita.pdf", family=3)
    for _ in range(60):  # no live refresh without JavaScript: reload by hand
        page.reload()
        row = page.locator("#recent li", has_text="ilma-skriptita.pdf")
        if row.count() and re.search(r"PLR-\d{4}-\d{4}", row.inner_text()):
            break
        page.wait_for_timeout(1000)
    number = _case_number(page, "ilma-skriptita.pdf")
    page.goto(f"{server.url}/cases/{number}")
    page.click("text=Määra koordinaator")
    page.wait_for_selector(".notice.ok")
    when = _conference_time()
    page.fill("#s-at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#s-place", "Türi Perekeskus")
    page.click("text=Lepi aeg kokku ja koosta kutsed")
    page.wait_for_selector(".notice.ok")
    assert "ring kokku lepitud" in page.inner_text("h1")
    page.goto(server.url + "/intake")
    # Without JavaScript the browser's own file input is what there is to click.
    assert page.is_visible("#files") and not page.is_visible("label.picker-button")
    page.set_input_files("#files", str(FIXTURES / "layout" / "lines.pdf"))
    page.click("text=Laadi üles")
    assert "lines.pdf" in page.inner_text(".notice.ok")
