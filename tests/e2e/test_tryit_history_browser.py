"""A try-it panel's history in a real browser: the requests sent are kept in this browser,
survive a reload, and one click puts one back in the editor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tryit_site import Servers, course_with_api, lesson_page

pytestmark = pytest.mark.browser

LESSON = """\
# Lesson

```tryit
# Add two numbers
GET /api/calculate?x=1
```

```tryit
# The newest reports
GET /api/reports?limit=5
```
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from conftest import require_binary

    require_binary("chromium", "/usr/bin/chromium")
    with course_with_api(tmp_path_factory.mktemp("tryit-history"), LESSON) as running:
        yield running


@pytest.fixture
def page(browser: Any, servers: Servers) -> Iterator[Any]:
    with lesson_page(browser, servers) as page:
        yield page


def test_tryit_history_keeps_sent_requests_across_reload_and_restores_one(page: Any) -> None:
    from playwright.sync_api import expect

    panel = page.locator("section.tryit").first
    history = panel.locator(".tryit-history")
    expect(history).to_be_hidden()  # nothing sent yet
    value = panel.get_by_label("Query parameter value")
    send = panel.get_by_role("button", name="Send")
    send.click()
    expect(panel.locator(".tryit-status")).to_contain_text("200")
    value.fill("abc")
    send.click()
    expect(panel.locator(".tryit-status")).to_contain_text("422")
    page.reload()
    panel = page.locator("section.tryit").first
    history = panel.locator(".tryit-history")
    expect(history.locator("summary")).to_have_text("Sent before (2)")
    history.locator("summary").click()
    entries = history.get_by_role("button", name="GET /api/calculate")
    expect(entries).to_have_text(["GET /api/calculate?x=abc \u2192 422",
                                  "GET /api/calculate?x=1 \u2192 200"])
    # the other panel keeps its own history: none yet
    expect(page.locator("section.tryit").nth(1).locator(".tryit-history")).to_be_hidden()
    entries.first.click()
    expect(panel.get_by_label("Query parameter value")).to_have_value("abc")
    expect(panel.locator(".tryit-note")).to_have_text(
        "Back to a request sent before: GET /api/calculate.")
    history.get_by_role("button", name="Clear the history").click()
    expect(history).to_be_hidden()
    page.reload()
    expect(page.locator("section.tryit").first.locator(".tryit-history")).to_be_hidden()
