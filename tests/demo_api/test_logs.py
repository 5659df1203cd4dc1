"""The OpenWeatherMap key never reaches the log: gunicorn with the shipped config, for real."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from deploy.stack import GUNICORN_CONF, VENV_BIN, free_port, stop, wait_until

from demo_api.logs import RedactSecrets, redact_secrets
from tests.demo_api.fake_openweathermap import FakeOpenWeatherMap, fake_openweathermap

KEY = "f4k3c0ffee0123456789abcdefc0ffee"  # shaped like a real key, easy to search for


@dataclass
class Server:
    base_url: str
    log: Path
    process: subprocess.Popen[bytes]


@pytest.fixture
def upstream() -> Iterator[FakeOpenWeatherMap]:
    with fake_openweathermap() as fake:
        yield fake


@pytest.fixture
def gunicorn_server(tmp_path: Path, upstream: FakeOpenWeatherMap) -> Iterator[Server]:
    """gunicorn with ``demo_api/server/gunicorn.conf.py`` as shipped, asking the fake upstream."""
    port = free_port()
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEATHER_", "GUNICORN_"))
    }
    env = {
        **inherited,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "WEATHER_OPENWEATHERMAP_API_KEY": KEY,
        "WEATHER_OPENWEATHERMAP_URL": upstream.url,
        "WEATHER_UPSTREAM_TIMEOUT_SECONDS": "1",
        "WEATHER_CACHE_TTL_SECONDS": "0",
        "WEATHER_DATABASE_PATH": str(tmp_path / "reports.sqlite3"),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "demo_api.main:app"],
            cwd=tmp_path,  # no .env here
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        wait_until("gunicorn to answer", lambda: _healthy(server), lambda: log.read_text())
        yield server
    finally:
        stop(process)


def _healthy(server: Server) -> bool:
    if server.process.poll() is not None:
        pytest.fail(f"gunicorn exited:\n{server.log.read_text()}", pytrace=False)
    try:
        return httpx.get(f"{server.base_url}/api/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_gunicorn_shipped_log_config_never_logs_the_openweathermap_key(
    gunicorn_server: Server, upstream: FakeOpenWeatherMap
) -> None:
    expected = {
        "Portland": 200,
        "Brokenville": 502,  # upstream 500
        "Garbleton": 502,  # upstream answers something that is not JSON
        "Hangup": 502,  # upstream closes the connection
        "Sleepyton": 504,  # upstream never answers in time
        "Dribbleton": 504,  # upstream sends its body too slowly
    }
    bodies = []
    with httpx.Client(base_url=gunicorn_server.base_url, timeout=30) as client:
        for city, status in expected.items():
            response = client.get(f"/api/weather/{city}")
            assert response.status_code == status, (city, response.text)
            bodies.append(response.text)
    stop(gunicorn_server.process)  # a graceful stop flushes every log line

    # The key did go upstream on every call, so a log of the URLs would have shown it.
    assert [query.get("appid") for query in upstream.queries] == [KEY] * len(expected)
    log = gunicorn_server.log.read_text(errors="replace")
    assert "GET /api/weather/Dribbleton" in log  # the log is the one the app wrote to
    assert [line for line in log.splitlines() if KEY in line] == []
    assert [body for body in bodies if KEY in body] == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "GET https://api.openweathermap.org/data/2.5/weather?q=Portland&appid=abc123 200",
            "GET https://api.openweathermap.org/data/2.5/weather?q=Portland&appid=*** 200",
        ),
        ("url='http://h/w?appid=abc123&units=metric'", "url='http://h/w?appid=***&units=metric'"),
        ("http://h/w?APPID=abc123", "http://h/w?APPID=***"),
        ("http://h/w?api_key=abc123#top", "http://h/w?api_key=***#top"),
        ("no secret here: appid is a word", "no secret here: appid is a word"),
    ],
)
def test_redact_secrets_hides_key_parameters_of_urls(text: str, redacted: str) -> None:
    assert redact_secrets(text) == redacted


def test_redact_secrets_filter_rewrites_message_and_traceback() -> None:
    try:
        raise RuntimeError(f"could not GET http://h/w?q=Oslo&appid={KEY}")
    except RuntimeError as error:
        record = logging.LogRecord(
            "httpx", logging.WARNING, __file__, 1, "HTTP Request: %s", (error.args[0],), None
        )
        record.exc_info = (type(error), error, error.__traceback__)

    assert RedactSecrets().filter(record)

    formatted = logging.Formatter().format(record)
    assert KEY not in formatted
    assert "could not GET http://h/w?q=Oslo&appid=***" in formatted
