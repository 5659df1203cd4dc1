"""The try-it answer in full, in a real browser, on a site served with the Content-Security-Policy
nginx ships: status with its meaning, time, size, foldable JSON, headers in their own tab, and an
HTML answer as source and as a sandboxed preview."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import QuietHandler
from tryit_site import Servers, course_with_api, lesson_page

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "demo_api" / "server" / "nginx" / "weather.nginx"
pytestmark = pytest.mark.browser

LESSON = """\
# Lesson

```tryit
# Weather in Portland
GET /api/weather/Portland?state=OR
```
"""


def shipped_csp() -> str:
    """The policy nginx sends with every course page (the map's default)."""
    found = re.search(r'map \$uri \$weather_csp \{\s*default\s*"([^"]+)"', NGINX_SITE.read_text())
    assert found, f"no default Content-Security-Policy in {NGINX_SITE}"
    return found.group(1)


class CspHandler(QuietHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", shipped_csp())
        super().end_headers()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from conftest import require_binary

    require_binary("chromium", "/usr/bin/chromium")
    with course_with_api(tmp_path_factory.mktemp("tryit-answer"), LESSON, CspHandler) as running:
        lesson = httpx.get(running.site + "/lesson/")
        assert "content-security-policy" in lesson.headers
        yield running


@pytest.fixture
def page(browser: Any, servers: Servers) -> Iterator[Any]:
    # Before the page's own scripts: every policy violation, whatever was blocked.
    watch = ("window.cspViolations = [];"
             "document.addEventListener('securitypolicyviolation', function (e) {"
             "  window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });")
    with lesson_page(browser, servers, init_script=watch,
                     viewport={"width": 1100, "height": 900}) as page:
        yield page
        violations = page.evaluate("window.cspViolations")
    assert violations == []


def send(page: Any, path: str) -> Any:
    panel = page.locator("section.tryit").first
    panel.get_by_label("Path").fill(path)
    panel.get_by_role("button", name="Send").click()
    return panel


def test_tryit_answer_json_shows_meaning_size_folds_and_headers_tab(
    page: Any, servers: Servers
) -> None:
    from playwright.sync_api import expect

    panel = send(page, "/api/weather/Portland?state=OR")
    expect(panel.locator(".tryit-status")).to_have_text("200 OK")
    expect(panel.locator(".tryit-status-meaning")).to_have_text(
        "The request worked; the answer is in the body.")
    expected = httpx.get(servers.api + "/api/weather/Portland?state=OR").json()
    body = panel.locator(".tryit-body")
    # pretty-printed: the text is the JSON with two-space indents, nothing added
    shown = body.text_content() or ""
    assert shown == json.dumps(json.loads(shown), indent=2, ensure_ascii=False)
    assert json.loads(shown)["location"] == expected["location"]
    expect(panel.locator(".tryit-size")).to_have_text(re.compile(r"^\d+ B$"))
    root = body.locator(".tryit-fold").first
    inner = body.locator(".tryit-json-inner").first
    root.click()
    expect(inner).to_be_hidden()
    expect(root).to_have_attribute("aria-expanded", "false")
    root.click()
    expect(inner).to_be_visible()
    headers_tab = panel.get_by_role("tab", name=re.compile(r"^Headers \(\d+\)$"))
    headers_tab.click()
    expect(headers_tab).to_have_attribute("aria-selected", "true")
    expect(panel.locator(".tryit-answer-headers")).to_contain_text("content-type: application/json")
    expect(body).to_be_hidden()
    panel.get_by_role("tab", name="Body").click()
    expect(body).to_be_visible()


def test_tryit_answer_422_says_what_it_means(page: Any) -> None:
    from playwright.sync_api import expect

    panel = send(page, "/api/calculate?x=abc")
    expect(panel.locator(".tryit-status")).to_have_text(re.compile(r"^422 Unprocessable"))
    expect(panel.locator(".tryit-status-meaning")).to_contain_text(
        "does not fit the schema: detail names each field and why")


def test_tryit_answer_html_shows_source_and_sandboxed_preview_under_shipped_csp(
    page: Any, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    panel = send(page, "/")
    expect(panel.locator(".tryit-status")).to_have_text("200 OK")
    expect(panel.locator(".tryit-body")).to_contain_text("<h1>Weather demo API</h1>")
    panel.get_by_role("tab", name="Preview").click()
    frame = panel.locator("iframe.tryit-preview")
    expect(frame).to_be_visible()
    # sandboxed with no permission at all: no scripts, no access to the course page
    assert frame.get_attribute("sandbox") == ""
    preview = panel.frame_locator("iframe.tryit-preview")
    expect(preview.locator("h1")).to_have_text("Weather demo API")
    page.screenshot(path=str(artifacts_dir / "tryit-html-preview.png"), full_page=True)
