"""The try-it panel's code tabs in a real browser: the snippets follow the edits, copy to the
clipboard, and the httpx (sync and async) and curl ones really send the request to a demo API."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tryit_site import Servers, course_with_api, lesson_page

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

# The POST sends no Content-Type: the panel adds it, and so must every snippet (the API answers
# 415 without it). The quote and the ã test the shell and string quoting.
LESSON = """\
# Lesson

```tryit
# Weather in Portland
GET /api/weather/Portland?state=OR
```

```tryit
# Post a report
POST /api/reports

{"location": {"city": "São Paulo", "country": "BR"}, "description": "It's warm", "x": [true, null]}
```
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from conftest import require_binary  # type: ignore[import-not-found]

    require_binary("chromium", "/usr/bin/chromium")
    with course_with_api(tmp_path_factory.mktemp("tryit-code"), LESSON) as running:
        yield running


@pytest.fixture
def page(browser: Any, servers: Servers) -> Iterator[Any]:
    with lesson_page(browser, servers, viewport={"width": 1100, "height": 900},
                     permissions=["clipboard-read", "clipboard-write"]) as page:
        yield page


def snippet(panel: object, tab: str) -> str:
    from playwright.sync_api import Locator

    assert isinstance(panel, Locator)
    code = panel.locator(".tryit-code")
    if code.get_attribute("open") is None:
        code.locator("summary").click()
    panel.get_by_role("tab", name=tab, exact=True).click()
    text: str = panel.locator(".tryit-code-text").text_content() or ""
    return text


def run_python(code: str, tmp_path: Path, name: str) -> list[str]:
    script = tmp_path / name
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_tryit_code_follows_edits_to_path_query_and_method(page: object, servers: Servers) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    panel = page.locator("section.tryit").first
    curl = snippet(panel, "curl")
    assert f"'{servers.api}/api/weather/Portland?state=OR'" in curl
    shown = panel.locator(".tryit-code-text")
    panel.get_by_label("Path").fill("/api/weather/Salem")
    expect(shown).to_contain_text(f"'{servers.api}/api/weather/Salem?state=OR'")
    panel.get_by_role("button", name="+ Add query parameter").click()
    panel.get_by_label("Query parameter name").last.fill("units")
    panel.get_by_label("Query parameter value").last.fill("metric")
    expect(shown).to_contain_text("/api/weather/Salem?state=OR&units=metric")
    panel.get_by_role("button", name="Remove query parameter").first.click()
    expect(shown).to_contain_text("/api/weather/Salem?units=metric'")
    panel.get_by_role("tab", name="Python httpx", exact=True).click()
    expect(shown).to_contain_text(f'response = httpx.get(\n    "{servers.api}/api/weather/Salem')
    panel.get_by_label("Method").select_option("DELETE")
    expect(shown).to_contain_text("response = httpx.delete(")
    panel.get_by_role("tab", name="HTTPie", exact=True).click()
    expect(shown).to_contain_text(f"http \\\n  DELETE \\\n  '{servers.api}/api/weather/Salem")
    panel.get_by_role("button", name="Reset").click()
    expect(shown).to_contain_text("GET \\\n  '" + servers.api + "/api/weather/Portland?state=OR'")


def test_tryit_code_copy_puts_the_shown_snippet_on_the_clipboard(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    panel = page.locator("section.tryit").first
    shown = snippet(panel, "JavaScript fetch")
    panel.get_by_role("button", name="Copy the JavaScript fetch code").click()
    expect(panel.locator(".tryit-code-copied")).to_have_text("Copied the JavaScript fetch code.")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    assert shown.startswith("const response = await fetch(")


def test_tryit_code_httpx_sync_and_async_snippets_post_the_report(
    page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    panel = page.locator("section.tryit").nth(1)
    sync = snippet(panel, "Python httpx")
    assert "json={" in sync and "True" in sync and "None" in sync
    status, body = run_python(sync, tmp_path, "sync.py")[:2]
    assert status == "201"
    assert '"description":"It\'s warm"' in body and "São Paulo" in body
    asynchronous = snippet(panel, "httpx async")
    assert asynchronous != sync
    status, body = run_python(asynchronous, tmp_path, "async.py")[:2]
    assert status == "201"
    assert "São Paulo" in body


def test_tryit_code_curl_snippet_posts_the_report(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    curl_binary = shutil.which("curl")
    if curl_binary is None:
        pytest.skip("curl is not installed")
    panel = page.locator("section.tryit").nth(1)
    command = snippet(panel, "curl")
    assert "-H 'Content-Type: application/json'" in command
    done = subprocess.run(["bash", "-c", command + " --silent --write-out '\\n%{http_code}'"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    *body, status = done.stdout.splitlines()
    assert status == "201"
    assert '"description":"It\'s warm"' in "".join(body)
