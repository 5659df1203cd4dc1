"""Exercises that check the request, build-along panels, "mark as read" and per-chapter
progress, in a real browser against a real uvicorn demo API."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tryit_browser import CHROMIUM_ARGS, ROOT, free_port, wait_until_up

pytestmark = pytest.mark.browser

HOME = """\
---
title: Weather course
---
# Weather course

## 1. Reports

- [[Deleting]]
- [[Reading]]

## 2. More

- [[Building]]
"""

DELETING = """\
# Deleting

```exercise
id: delete-missing
title: Remove what is not there
task: Find out what the API answers when you remove a report nobody created.
start: |
  GET /api/reports/999999
check:
  method: DELETE
  path: /api/reports/{id}
  status: 404
solution: |
  DELETE /api/reports/999999
wrong:
  - GET /api/reports/999999
```

```exercise
id: limit-too-small
title: Too few
task: Break the rule on the list's limit, not its type.
start: |
  GET /api/reports?limit=5
check:
  path: /api/reports
  query:
    limit: "*"
  status: 422
  detail:
    loc: [query, limit]
    type: greater_than_equal
solution: |
  GET /api/reports?limit=0
wrong:
  - GET /api/reports?limit=abc
```
"""

READING = "# Reading\n\nNothing to try here, only to read.\n"

BUILDING = """\
# Building

```exercise
id: build-hello
title: Your app says hello
target: student
start: |
  GET /
check:
  path: /hello
  status: 200
solution: |
  GET /hello
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from conftest import require_binary  # type: ignore[import-not-found]

    require_binary("chromium", "/usr/bin/chromium")
    tmp = tmp_path_factory.mktemp("exercise-progress")
    vault = tmp / "vault"
    vault.mkdir()
    for name, text in {"index.md": HOME, "Deleting.md": DELETING, "Reading.md": READING,
                       "Building.md": BUILDING}.items():
        (vault / name).write_text(text, encoding="utf-8")
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
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "demo_api.main:app", "--host", "127.0.0.1",
             "--port", str(api_port), "--log-level", "warning"], cwd=ROOT, env=env),
        subprocess.Popen(
            [sys.executable, "-m", "http.server", str(site_port), "--bind", "127.0.0.1",
             "--directory", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        wait_until_up(site + "/", processes[1])
        wait_until_up(api + "/api/health", processes[0])
        yield site
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def page(site: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        browser.close()
        assert errors == []


def test_exercise_wrong_method_fails_naming_the_method_then_passes(
    page: object, site: str, artifacts_dir: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(site + "/deleting/")
    exercise = page.locator("#exercise-delete-missing")
    exercise.get_by_role("button", name="Check").click()
    verdict = exercise.locator(".exercise-verdict")
    # the GET gets the 404 the check wants, and still does not pass: it is the wrong request
    expect(exercise.locator(".tryit-status")).to_have_text("404 Not Found")
    expect(verdict).to_contain_text("Not yet: the task asks for a DELETE request, not GET.")
    page.screenshot(path=str(artifacts_dir / "exercise-wrong-method.png"), full_page=True)
    exercise.get_by_label("Method").select_option("DELETE")
    exercise.get_by_label("Path").fill("/api/report/999999")
    exercise.get_by_role("button", name="Check").click()
    expect(verdict).to_contain_text("/api/report/999999 is not the path the task is about")
    exercise.get_by_label("Path").fill("/api/reports/999999")
    exercise.get_by_role("button", name="Check").click()
    expect(verdict).to_contain_text("Passed")


def test_exercise_detail_check_names_the_validation_error_it_wants(
    page: object, site: str
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(site + "/deleting/")
    exercise = page.locator("#exercise-limit-too-small")
    value = exercise.get_by_label("Query parameter value")
    value.fill("abc")
    exercise.get_by_role("button", name="Check").click()
    verdict = exercise.locator(".exercise-verdict")
    expect(verdict).to_contain_text(
        'Not yet: expected a validation error with loc = ["query","limit"], '
        "type = greater_than_equal in detail.")
    exercise.locator(".tryit-remove").click()  # no limit at all: the request is off
    exercise.get_by_role("button", name="Check").click()
    expect(verdict).to_contain_text("the task needs the query parameter limit")
    exercise.get_by_role("button", name="+ Add query parameter").click()
    exercise.get_by_label("Query parameter name").fill("limit")
    exercise.get_by_label("Query parameter value").fill("0")
    exercise.get_by_role("button", name="Check").click()
    expect(verdict).to_contain_text("Passed")


def test_mark_as_read_ticks_the_lesson_and_the_chapter_progress(
    page: object, site: str, artifacts_dir: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(site + "/")
    outline = page.locator(".note-body h2 .chapter-progress")
    expect(outline).to_have_text(["0/2 lessons done", "0/1 lessons done"])
    expect(page.locator(".lessons-summary")).to_have_text("0/3 lessons done")
    page.goto(site + "/reading/")
    button = page.get_by_role("button", name="Mark as read")
    button.click()
    expect(page.locator(".mark-read-button")).to_have_attribute("aria-pressed", "true")
    reading = page.locator("#sidebar .lesson", has_text="Reading")
    expect(reading).to_have_class("lesson done")
    expect(page.locator("#sidebar .chapter-progress").first).to_have_text(" 1/2")
    page.reload()
    expect(page.locator(".mark-read-button")).to_have_attribute("aria-pressed", "true")
    page.goto(site + "/")
    expect(outline).to_have_text(["1/2 lessons done", "0/1 lessons done"])
    expect(page.locator(".lessons-summary")).to_have_text("1/3 lessons done")
    page.screenshot(path=str(artifacts_dir / "outline-progress.png"), full_page=True)


def test_build_along_exercise_shows_the_students_own_address(page: object, site: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(site + "/building/")
    exercise = page.locator("section.exercise")
    expect(exercise.locator(".tryit-kind")).to_have_text("Build-along exercise")
    address = exercise.get_by_label("Your app's address")
    expect(address).to_have_value("http://127.0.0.1:8001")
    expect(page.locator(".mark-read")).to_have_count(0)  # its exercise ticks it
    address.fill("127.0.0.1:8009")
    address.press("Enter")
    exercise.get_by_role("button", name="Check").click()
    expect(exercise.locator(".tryit-unreachable")).to_contain_text(
        "Your app is not answering at http://127.0.0.1:8009.")
    page.reload()
    expect(page.locator("section.exercise").get_by_label("Your app's address")).to_have_value(
        "http://127.0.0.1:8009")
