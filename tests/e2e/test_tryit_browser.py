"""Try-it panels in a real browser: a built site on one port, a real uvicorn demo API on another.

The tests run in file order and share one browser; the last one stops the API.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

HOME = """\
---
title: Weather course
---
# Weather course

## 1. Calling the API

- [[Lesson]]
"""

LESSON = """\
# Lesson

Ask for the weather:

```tryit
# Weather in Portland
GET /api/weather/Portland?state=OR
```

## Exercise

```exercise
id: calculate-twelve
title: Make it answer 12
task: |
  With `y` left at 10, choose `x` so that `value` is **12**.
start: |
  GET /api/calculate?x=1
check:
  status: 200
  json:
    value: 12
solution: |
  GET /api/calculate?x=2
hint: 10 + 2
```
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@dataclass
class Servers:
    site: str
    api: str
    api_process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    from conftest import require_binary  # type: ignore[import-not-found]

    require_binary("chromium", "/usr/bin/chromium")
    tmp = tmp_path_factory.mktemp("tryit-browser")
    vault = tmp / "vault"
    vault.mkdir()
    (vault / "index.md").write_text(HOME, encoding="utf-8")
    (vault / "Lesson.md").write_text(LESSON, encoding="utf-8")
    site_port, api_port = free_port(), free_port()
    site, api = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{api_port}"
    out = tmp / "site"
    build = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(vault), "-o", str(out),
         "--api-base", api, "--no-cache"],
        cwd=tmp, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    env = {**os.environ, "WEATHER_DATABASE_PATH": str(tmp / "api.sqlite3"),
           "WEATHER_PROVIDER": "offline", "WEATHER_CORS_ORIGINS": site}
    api_process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "demo_api.main:app", "--host", "127.0.0.1",
         "--port", str(api_port), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    site_process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(site_port), "--bind", "127.0.0.1",
         "--directory", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(site + "/", site_process)
        wait_until_up(api + "/api/health", api_process)
        yield Servers(site, api, api_process)
    finally:
        for process in (api_process, site_process):
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, servers: Servers) -> Iterator[object]:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(servers.site + "/lesson/")
    # The panels are ready once tryit.js has turned them into editors: on a busy machine that
    # comes after the page's load event, and a key pressed before it does nothing.
    expect(page.locator("section.tryit").first.get_by_role("button", name="Send")).to_be_visible()
    yield page
    context.close()
    assert errors == []


def test_tryit_send_shows_200_and_the_json(page: object, servers: Servers,
                                          artifacts_dir: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    expect(page.locator(".api-dot")).to_have_attribute("data-state", "up")
    expect(page.locator(".api-base")).to_have_value(servers.api)
    panel = page.locator("section.tryit:not(.exercise)")
    expect(panel.locator(".tryit-static")).to_be_hidden()
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator(".tryit-status")).to_have_text("200 OK")
    expect(panel.locator(".tryit-time")).to_contain_text(" ms")
    body = panel.locator(".tryit-body")
    expect(body).to_contain_text('"city": "Portland"')
    expect(panel.get_by_role("tab", name=re.compile(r"^Headers \(\d+\)$"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "tryit-200.png"), full_page=True)


def test_tryit_unknown_city_shows_404_with_its_message(page: object,
                                                      artifacts_dir: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    panel = page.locator("section.tryit:not(.exercise)")
    path = panel.get_by_label("Path")
    path.fill("/api/weather/Atlantis")
    path.press("Control+Enter")
    expect(panel.locator(".tryit-status")).to_have_text("404 Not Found")
    expect(panel.locator(".tryit-body")).to_contain_text("City 'Atlantis' was not found")
    assert "tryit-status-4xx" in (panel.locator(".tryit-status").get_attribute("class") or "")
    body = panel.get_by_label("Body (JSON)")
    panel.get_by_label("Method").select_option("POST")
    body.fill('{"broken": ')
    expect(panel.locator(".tryit-json-error")).to_contain_text("not valid JSON")
    page.screenshot(path=str(artifacts_dir / "tryit-404.png"), full_page=True)


def test_exercise_solved_shows_pass_and_progress_survives_reload(
    page: object, servers: Servers, artifacts_dir: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    exercise = page.locator("section.exercise")
    check = exercise.get_by_role("button", name="Check")
    check.click()
    verdict = exercise.locator(".exercise-verdict")
    expect(verdict).to_contain_text("Not yet: expected value = 12, got 11")
    exercise.get_by_role("button", name="Show a hint").click()
    expect(exercise.locator(".exercise-hint-box")).to_contain_text("10 + 2")
    lesson_item = page.locator(".sidebar .lesson").first
    expect(lesson_item).not_to_have_class("lesson done")
    exercise.get_by_label("Query parameter value").fill("2")
    check.click()
    expect(verdict).to_contain_text("Passed")
    expect(exercise.locator(".exercise-badge")).to_have_text("Solved")
    expect(lesson_item).to_have_class("lesson done")
    page.screenshot(path=str(artifacts_dir / "exercise-passed.png"), full_page=True)
    page.reload()
    expect(page.locator("section.exercise .exercise-badge")).to_have_text("Solved")
    expect(page.locator(".sidebar .lesson").first).to_have_class("lesson done")
    page.goto(servers.site + "/")
    expect(page.locator(".progress-summary")).to_have_text("1/1 exercises")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(servers.site + "/lesson/")
    page.screenshot(path=str(artifacts_dir / "tryit-360px.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("//evil.example/api/weather/Portland",
         "The path must start with a single /: //evil.example/api/weather/Portland would send "
         "the request to another server."),
        ("http://evil.example/api/weather/Portland",
         "Write only the path, starting with /, not a full address: the API's address is set "
         "at the top of the page."),
    ],
    ids=["protocol-relative", "full-url"],
)
def test_tryit_same_origin_path_to_another_host_is_refused_with_message(
    page: object, typed: str, message: str
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    # The API on the page's own origin, as deploys build (--api-base "").
    page.evaluate("localStorage.setItem('coursegen:api-base', '')")
    page.reload()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    panel = page.locator("section.tryit:not(.exercise)")
    path = panel.get_by_label("Path")
    path.fill(typed)
    panel.get_by_role("button", name="Send").click()
    expect(panel.locator(".tryit-note")).to_have_text(message)
    expect(path).to_have_attribute("aria-invalid", "true")
    expect(panel.locator(".tryit-status")).to_have_count(0)
    assert not [url for url in requested if "evil.example" in url]


def test_tryit_api_stopped_says_it_is_not_answering(
    page: object, servers: Servers, artifacts_dir: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    servers.api_process.terminate()
    servers.api_process.wait(timeout=10)
    panel = page.locator("section.tryit:not(.exercise)")
    panel.get_by_role("button", name="Send").click()
    message = panel.locator(".tryit-unreachable")
    expect(message).to_contain_text(
        f"The demo API is not answering at {servers.api}. Start it with make api, "
        "or change the API address."
    )
    expect(page.locator(".api-dot")).to_have_attribute("data-state", "down")
    page.screenshot(path=str(artifacts_dir / "tryit-api-down.png"), full_page=True)
