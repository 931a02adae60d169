"""The linked-data server in real headless Debian Chromium (Python playwright): browse, follow links, query."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kg.config import Settings
from kg.serve import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve import SUPPRESSED, load_store  # noqa: E402  (the shared fixture)
from tests.uvicorn_support import uvicorn_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Without the background-networking flags Chromium tries to reach Google at start (closed network here).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is absent: apt-get install -y chromium (see .ci/run)")


@pytest.fixture(scope="module")
def root():
    with uvicorn_server(create_app(load_store(), Settings(), suppressed={SUPPRESSED})) as url:
        yield url


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.errors = errors
        yield tab
        context.close()
        browser.close()


def test_organization_to_person(root, page):
    page.goto(root + "/id/org/cstd")  # the IRI itself: 303 to the HTML page
    assert page.url == root + "/page/org/cstd.html"
    assert page.locator("h1").inner_text() == "Commission on Science and Technology for Development"
    assert page.locator("svg.activity rect").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "organization.png"), full_page=True)
    page.get_by_role("link", name="Chen Wei").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/page/person/3c4d.html")
    assert page.locator("h1").inner_text() == "Chen Wei"
    assert page.get_by_role("heading", name="Affiliations").count() == 1
    page.screenshot(path=str(ARTIFACTS / "person.png"), full_page=True)
    assert not page.errors  # no CSP violation or failed asset: there are no external assets


def test_thread_view(root, page):
    page.goto(root + "/page/post/m03.html")
    page.get_by_role("link", name="Show the whole thread").click()
    page.wait_for_load_state()
    assert "/thread/post/m01" in page.url
    tree = page.locator("ul.thread")
    assert tree.locator("li").count() >= 3 and tree.locator("li ul li ul li").count() >= 1  # nested replies
    page.screenshot(path=str(ARTIFACTS / "thread.png"), full_page=True)


def test_sparql_form_shows_rows(root, page):
    page.goto(root + "/sparql")
    page.fill("textarea[name=query]", "SELECT ?name WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name")
    page.click("#run")
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() >= 5
    assert "Alice Mwangi" in page.locator("table.results").inner_text()
    assert "Dana Okafor" not in page.content()  # suppressed
    page.screenshot(path=str(ARTIFACTS / "sparql.png"), full_page=True)


def test_search_box(root, page):
    page.goto(root + "/")
    page.fill("input[name=q]", "tunis")
    # wait for the navigation the Enter key starts: wait_for_load_state alone can return while the
    # old page is still shown (the test was flaky under load)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search" in page.url
    assert page.get_by_role("link", name="Tunis Agenda for the Information Society").count() == 1
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)


def test_xss_label_does_not_run(root, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(root + "/page/org/xss.html")
    assert page.locator("h1").inner_text() == '<script>alert("x")</script>'
    page.goto(root + "/search?q=" + "%3Cscript%3Ealert(1)%3C/script%3E")
    assert not dialogs
