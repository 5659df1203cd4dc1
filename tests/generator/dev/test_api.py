"""The demo API beside ``coursegen dev``: its routine polling stays out of the terminal."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from generator.dev.api import DemoApi
from tests.generator.dev.test_server import free_port


def wait_for_health(api: DemoApi) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert api.process is not None and api.process.poll() is None, "the API exited"
        try:
            if httpx.get(api.url + "/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the demo API did not come up")


def test_demo_api_health_polls_log_nothing_other_requests_still_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEATHER_DATABASE_PATH", str(tmp_path / "api.sqlite3"))
    monkeypatch.setenv("WEATHER_PROVIDER", "offline")
    log = tmp_path / "api.log"
    with log.open("wb") as output:
        api = DemoApi(free_port(), output=output)
        api.start()
        try:
            wait_for_health(api)
            for _ in range(3):  # three open tabs polling
                assert httpx.get(api.url + "/api/health", timeout=10).status_code == 200
            answer = httpx.get(api.url + "/api/calculate?x=2&y=3", timeout=10)
            assert answer.status_code == 200
        finally:
            api.stop()
    text = log.read_text("utf-8")
    assert '"GET /api/calculate?x=2&y=3 HTTP/1.1" 200' in text
    assert "/api/health" not in text
