"""Try-it panels: what the page says after the API address changes, and after a request that
is not sent. A built site and a real demo API, as in test_tryit_browser."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.test_tryit_browser import Servers, browser, free_port, servers  # noqa: E402, F401

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, servers: Servers) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(servers.site + "/lesson/")
    yield page
    context.close()
    assert errors == []


def test_api_status_names_the_new_address_when_both_are_down(page: Page) -> None:
    field = page.locator(".api-base")
    first, second = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    field.fill(first)
    field.press("Enter")
    expect(page.locator(".api-dot")).to_have_attribute(
        "title", f"The demo API is not answering at {first}")
    field.fill(second)
    field.press("Enter")
    expect(page.locator(".api-dot")).to_have_attribute(
        "title", f"The demo API is not answering at {second}")


def test_invalid_json_body_clears_the_earlier_answer(page: Page) -> None:
    panel = page.locator("section.tryit:not(.exercise)")
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator(".tryit-status")).to_have_text("200 OK")
    panel.get_by_label("Method").select_option("POST")
    panel.get_by_label("Body (JSON)").fill('{"broken": ')
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator(".tryit-note")).to_have_text("Fix the JSON body before sending.")
    expect(panel.locator(".tryit-status")).to_have_count(0)
    expect(panel.locator(".tryit-body")).to_have_count(0)
