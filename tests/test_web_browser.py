"""End-to-end in a real browser: Playwright driving Debian's Chromium against ``gazette serve``'s
application on real documents. Screenshots of the main pages are kept in
``artifacts/web/`` (ignored by git).

Skipped when Chromium (``apt-get install chromium``) or Playwright for Python is missing; the
browser is never downloaded (no ``playwright install``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.web_support import PASSWORD, UNKNOWN_TITLE

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts" / "web"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed (test extra)"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def server(web_archive: Any) -> Iterator[str]:
    """The application served by uvicorn on 127.0.0.1 (a free port) in a thread."""
    import socket

    import uvicorn

    from gazette.web import create_app

    app = create_app(web_archive.root)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.close()


def _page(browser: Any, *, javascript: bool = True) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript, locale="zh-CN"
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_search_open_a_document_change_the_date_and_compare(browser, server, web_archive):
    context, page, problems = _page(browser)
    try:
        page.goto(server + "/")
        _shot(page, "home")
        page.fill("form[role=search] input[name=q]", "公司 股东 债权人")
        page.press("form[role=search] input[name=q]", "Enter")
        page.wait_for_selector("#total")
        assert int(page.inner_text("#total strong")) > 0
        assert page.locator("mark").count() > 0
        _shot(page, "search")

        page.click("a.hit-title:has-text('中华人民共和国公司法')")
        page.wait_for_selector("#doc-title")
        assert page.inner_text("#doc-title") == "中华人民共和国公司法"
        assert page.inner_text("#status-label") == "现行有效"
        assert "2023年修订" in page.inner_text("#text h2")
        _shot(page, "document")

        # Picking a date shows the text in force that day (the small script submits the form).
        page.fill("#on-input", "2020-01-01")
        page.wait_for_url("**on=2020-01-01**")
        assert "2018年修正" in page.inner_text("#text h2")
        assert "职工" not in page.inner_text("#text p.block-article >> nth=0")

        page.select_option("#compare-form select[name=from]", "2018-10-26")
        page.select_option("#compare-form select[name=to]", "2024-07-01")
        page.click("#compare-form button")
        page.wait_for_selector("#diff")
        assert page.locator("#diff ins").count() > 50
        assert page.locator("#diff del").count() > 50
        assert page.locator("tr.row-same").count() > 50
        _shot(page, "compare")
        page.check("#only-changes")
        assert not page.locator("tr.row-same").first.is_visible()
        assert page.locator("tr.row-changed").first.is_visible()

        page.goto(server + "/issues/1/pages/3")
        page.wait_for_selector("#page-image")
        assert page.evaluate("document.getElementById('page-image').naturalWidth") > 0
        _shot(page, "issue-page")
        assert not [p for p in problems if "Content Security Policy" in p], problems
        assert not [p for p in problems if "Refused" in p or "Uncaught" in p], problems
    finally:
        context.close()


def test_pages_work_without_javascript(browser, server):
    context, page, _ = _page(browser, javascript=False)
    try:
        page.goto(server + "/")
        page.fill("input[name=q]", "立法法")
        page.click("form[role=search] button")
        page.wait_for_selector("#total")
        page.click("a.hit-title:has-text('中华人民共和国立法法')")
        page.wait_for_selector("#doc-title")
        page.fill("#on-input", "2016-01-01")
        page.click("#on-form button")
        page.wait_for_url("**on=2016-01-01**")
        assert "2015" in page.inner_text("#text h2")
    finally:
        context.close()


def test_log_in_set_an_attribute_and_see_the_document_appear_publicly(browser, server, web_archive):
    context, page, problems = _page(browser)
    target = web_archive.unknown
    try:
        response = page.goto(f"{server}/documents/{target}")
        assert response.status == 404
        page.click("#login-link")
        page.fill("input[name=name]", "archivist")
        page.fill("input[name=password]", PASSWORD)
        _shot(page, "login")
        page.click("#login-form button")
        page.wait_for_selector("text=退出")
        page.goto(server + "/review")
        item = page.locator(f"#item-{target}")
        assert UNKNOWN_TITLE in item.inner_text()
        _shot(page, "review")
        item.locator("select[name=attribute]").select_option("proactive")
        item.locator("input[name=basis]").fill("地方性法规由人大常委会公告公布")
        item.locator("button[type=submit]").click()
        page.wait_for_selector("#review-done")
        assert page.locator(f"#item-{target}").count() == 0
        page.click("text=退出")
        page.wait_for_selector("#login-link")

        public = page.goto(f"{server}/documents/{target}")
        assert public.status == 200
        assert page.inner_text("#doc-title") == UNKNOWN_TITLE
        _shot(page, "published")
        page.goto(server + "/search?q=" + UNKNOWN_TITLE)
        assert page.locator(f"a[href='/documents/{target}']").count() >= 1
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
