"""Every page of the course in notes/ loads nothing from outside 127.0.0.1 and throws no
script error: diagrams, the graph, search and math all come with the site."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import static_server  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("offline") / "site"
    build = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(ROOT / "notes"), "-o", str(out),
         "--no-cache"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert (out / "index.html").is_file(), build.stderr
    with static_server(out) as url:
        yield url, out


def test_every_course_page_loads_only_from_loopback_with_no_script_error(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, out = site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert len(pages) > 50
    context = browser.new_context()
    # Everything not on 127.0.0.1 is refused and remembered; the try-it panels' own
    # polling of the demo API (127.0.0.1:8000) is loopback, and may fail without an API.
    outside: list[str] = []

    def route(request_route: object) -> None:
        from playwright.sync_api import Route

        assert isinstance(request_route, Route)
        target = request_route.request.url
        scheme, host = urlsplit(target).scheme, urlsplit(target).hostname
        if scheme in ("data", "blob") or host == "127.0.0.1":
            request_route.continue_()
        else:
            outside.append(target)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    diagrams = 0
    for rel in pages:
        address = f"{url}/{rel.removesuffix('index.html')}"
        page.goto(address, wait_until="load")
        if page.locator("pre.mermaid").count():
            page.wait_for_selector("pre.mermaid[data-rendered] svg")
            diagrams += 1
    context.close()
    assert outside == []
    assert errors == []
    assert diagrams >= 3  # The service layer, Deployment topology, WSGI versus ASGI
