"""Two uvicorn servers sharing one Redis: a city asked 50 times at once goes upstream once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from deploy.stack import free_port, stop, wait_until
from realservers.redis import RedisServer

from tests.demo_api.fake_openweathermap import FakeOpenWeatherMap, fake_openweathermap


@pytest.fixture
def upstream() -> Iterator[FakeOpenWeatherMap]:
    with fake_openweathermap() as fake:
        fake.delay_seconds = 0.5  # every ask arrives while the first one is still upstream
        yield fake


def start_uvicorn(folder: Path, env: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    folder.mkdir()
    port = free_port()
    log = folder / "uvicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "demo_api.main:app"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,  # no .env here
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited:\n{log.read_text()}", pytrace=False)
        try:
            return httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until("uvicorn to answer", healthy, log.read_text)
    return base_url, process


@pytest.fixture
def two_servers(
    tmp_path: Path, redis_server: RedisServer, upstream: FakeOpenWeatherMap
) -> Iterator[list[str]]:
    """Two single-process uvicorn servers on one Redis cache, asking the slow fake upstream."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEATHER_")}
    env |= {
        "WEATHER_CACHE_URL": redis_server.url,
        "WEATHER_OPENWEATHERMAP_API_KEY": "test-key",
        "WEATHER_OPENWEATHERMAP_URL": upstream.url,
        "WEATHER_DATABASE_PATH": str(tmp_path / "reports.sqlite3"),
    }
    servers: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for name in ("one", "two"):
            servers.append(start_uvicorn(tmp_path / name, env))
        yield [base_url for base_url, _ in servers]
    finally:
        for _, process in servers:
            stop(process)


async def ask_at_once(base_urls: list[str], path: str, times: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(
            *(client.get(base_urls[n % len(base_urls)] + path) for n in range(times))
        )


@pytest.mark.slow
def test_redis_cache_fifty_asks_across_two_servers_reach_the_upstream_once(
    two_servers: list[str], upstream: FakeOpenWeatherMap
) -> None:
    answers = asyncio.run(ask_at_once(two_servers, "/api/weather/Portland?state=OR", 50))
    assert [a.status_code for a in answers] == [200] * 50
    assert [a.json()["cached"] for a in answers].count(False) == 1
    assert len([q for q in upstream.queries if q["q"].startswith("Portland")]) == 1
