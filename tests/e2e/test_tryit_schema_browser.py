"""The schema as help in a real browser: each parameter of the lesson's endpoint is described
beside the fields, and a value the schema refuses is flagged before sending, yet still sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tryit_site import Servers, course_with_api, lesson_page

pytestmark = pytest.mark.browser

LESSON = """\
# Lesson

```tryit
# The newest reports
GET /api/reports?limit=5
```

```tryit
# Weather in Portland
GET /api/weather/Portland?state=OR
```
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from conftest import require_binary

    require_binary("chromium", "/usr/bin/chromium")
    with course_with_api(tmp_path_factory.mktemp("tryit-schema"), LESSON) as running:
        yield running


@pytest.fixture
def page(browser: Any, servers: Servers) -> Iterator[Any]:
    with lesson_page(browser, servers) as page:
        yield page


def test_tryit_schema_describes_each_parameter_beside_the_fields(page: Any) -> None:
    from playwright.sync_api import expect

    reports, weather = page.locator("section.tryit").nth(0), page.locator("section.tryit").nth(1)
    expect(reports.locator(".tryit-params summary")).to_have_text("Parameters of GET /api/reports")
    expect(reports.locator(".tryit-params-list dt")).to_have_text(
        "limit optional integer in query, from 1 to 100, default 20")
    help_text = weather.locator(".tryit-params-list")
    expect(help_text).to_contain_text("city required string in path")
    expect(help_text).to_contain_text("Two-letter US state")
    expect(help_text).to_contain_text("one of standard, metric, imperial")
    expect(weather.locator(".tryit-schema-warning")).to_be_hidden()


def test_tryit_schema_refused_value_is_flagged_and_still_sent(page: Any) -> None:
    from playwright.sync_api import expect

    panel = page.locator("section.tryit").first
    value = panel.get_by_label("Query parameter value")
    value.fill("500")
    warning = panel.locator(".tryit-schema-warning")
    expect(warning).to_have_text(
        "The schema refuses this: limit must be at most 100. The API will answer 422; "
        "send it anyway if that is what you want to see.")
    expect(value).to_have_attribute("aria-invalid", "true")
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator(".tryit-status")).to_contain_text("422")
    value.fill("abc")
    expect(warning).to_contain_text("limit must be a whole number")
    value.fill("7")
    expect(warning).to_be_hidden()
    expect(value).not_to_have_attribute("aria-invalid", "true")
