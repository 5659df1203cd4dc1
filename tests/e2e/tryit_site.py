"""A built one-lesson course and a real demo API for the try-it browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from conftest import QuietHandler, static_server
from test_tryit_browser import HOME, free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Servers:
    site: str
    api: str


@contextmanager
def course_with_api(
    tmp: Path, lesson: str, handler: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[Servers]:
    """Build a course whose one lesson is ``lesson``, serve it with ``handler``, and run the
    demo API on another free port that accepts the site's requests."""
    vault = tmp / "vault"
    vault.mkdir()
    (vault / "index.md").write_text(HOME, encoding="utf-8")
    (vault / "Lesson.md").write_text(lesson, encoding="utf-8")
    api = f"http://127.0.0.1:{free_port()}"
    out = tmp / "site"
    build = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(vault), "-o", str(out),
         "--api-base", api, "--no-cache"],
        cwd=tmp, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    with static_server(out, handler) as site:
        env = {**os.environ, "WEATHER_DATABASE_PATH": str(tmp / "api.sqlite3"),
               "WEATHER_PROVIDER": "offline", "WEATHER_CORS_ORIGINS": site}
        api_process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "demo_api.main:app", "--host", "127.0.0.1",
             "--port", api.rsplit(":", 1)[1], "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        try:
            wait_until_up(api + "/api/health", api_process)
            yield Servers(site, api)
        finally:
            api_process.terminate()
            api_process.wait(timeout=10)


@contextmanager
def lesson_page(
    browser: Any, servers: Servers, *, init_script: str | None = None, **context_options: Any
) -> Iterator[Any]:
    """The lesson open in a browser context of its own (fresh storage, ``context_options``),
    ``init_script`` run before the page's scripts; a script error on the page fails the test."""
    context = browser.new_context(**context_options)
    errors: list[str] = []
    try:
        if init_script is not None:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(servers.site + "/lesson/")
        yield page
    finally:
        context.close()
    assert errors == []
