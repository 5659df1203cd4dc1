"""Shared test harness: a vault factory and a guard for tests that need a system binary."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from realservers.redis import RedisServer

# Real servers the tests start for themselves (their fixtures: postgres_server, postgres_url).
pytest_plugins = ["realservers.postgres"]

ROOT = Path(__file__).resolve().parent.parent

VaultFactory = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_vault(tmp_path: Path) -> VaultFactory:
    """Return a factory that writes ``{relative path: text or bytes}`` into a fresh vault."""
    counter = 0

    def factory(files: dict[str, str | bytes]) -> Path:
        nonlocal counter
        counter += 1
        root = tmp_path / f"vault{counter}"
        root.mkdir()
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return factory


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_binary(name: str, *candidates: str) -> str:
    """Return the path of a system binary, or skip (fail under CI=true) when it is missing."""
    for candidate in (*candidates, name):
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    reason = f"{name} is not installed (apt-get install {name})"
    if in_ci():
        pytest.fail(f"{reason}; CI must install it in .ci/run", pytrace=False)
    print(f"SKIP: {reason}", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture
def chromium_path() -> str:
    return require_binary("chromium", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Debian chromium for the browser tests of a module (Playwright drives it)."""
    chromium = require_binary("chromium", "/usr/bin/chromium")
    from e2e.test_tryit_browser import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def nginx_path() -> str:
    return require_binary("nginx", "/usr/sbin/nginx")


@pytest.fixture
def artifacts_dir() -> Path:
    """Folder where browser tests save screenshots for people to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that keeps the test output free of access logs."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server(
    folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``folder`` on a free local port; yields ``http://127.0.0.1:PORT``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pytest_configure(config: pytest.Config) -> None:
    """Keep what builds cache for the user (the demo API's schema) inside the test run."""
    if "COURSEGEN_TEST_CACHE" not in os.environ:
        import tempfile

        folder = tempfile.mkdtemp(prefix="coursegen-test-cache-")
        os.environ["COURSEGEN_TEST_CACHE"] = folder
        os.environ["XDG_CACHE_HOME"] = folder


# --- Real servers (tests/realservers/): Redis -------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh redis-server of this test alone (``.url`` is a unix socket in ``tmp_path``)."""
    binary = require_binary("redis-server", "/usr/bin/redis-server")
    server = RedisServer(binary, tmp_path / "redis")
    server.start()
    yield server
    server.stop()
