"""The weather endpoint with WEATHER_CACHE_URL on a real redis-server, Redis going and coming."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from realservers.redis import RedisServer

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]
WAIT_SECONDS = 20.0
CACHE_LOGGER = "demo_api.services.redis_cache"


def test_weather_on_redis_second_ask_is_cached_and_the_key_is_shared(
    make_client: ClientFactory, redis_server: RedisServer
) -> None:
    first = make_client(cache_url=redis_server.url)
    second = make_client(cache_url=redis_server.url)  # another worker, in effect
    assert first.get("/api/weather/Portland?state=OR").json()["cached"] is False
    answer = second.get("/api/weather/portland?state=or")
    assert answer.status_code == 200
    assert answer.json()["cached"] is True
    assert redis_server.command("EXISTS", "weather:v1:portland|OR|US|metric") == "1"
    assert first.app.state.weather_service.cache.kind == "redis"  # type: ignore[attr-defined]


def test_weather_cache_url_memory_is_the_default(client: TestClient) -> None:
    assert client.app.state.weather_service.cache.kind == "memory"  # type: ignore[attr-defined]


def test_weather_on_redis_repeated_ask_is_replayed_while_the_entry_holds(
    make_client: ClientFactory, redis_server: RedisServer
) -> None:
    client = make_client(cache_url=redis_server.url)
    answers = [client.get("/api/weather/Portland?state=OR") for _ in range(3)]
    assert [a.json()["cached"] for a in answers] == [False, True, True]
    assert answers[2].content == answers[1].content
    assert len(client.app.state.answer_replays) == 1  # type: ignore[attr-defined]


def test_weather_redis_stopped_mid_run_answers_uncached_then_cached_when_it_is_back(
    make_client: ClientFactory, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(cache_url=redis_server.url)
    for _ in range(2):
        assert client.get("/api/weather/Portland?state=OR").status_code == 200
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger=CACHE_LOGGER):
        answers = [client.get(f"/api/weather/{city}") for city in ["Boston", "Denver"] * 10]
        again = client.get("/api/weather/Portland?state=OR")  # no replay of the old answer
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["cached"] for a in answers} == {False}
    assert (again.status_code, again.json()["cached"]) == (200, False)
    warnings = [r.getMessage() for r in caplog.records if r.name == CACHE_LOGGER]
    assert len(warnings) == 1, warnings
    assert "The weather cache (Redis at unix://" in warnings[0]

    redis_server.start()
    deadline = time.monotonic() + WAIT_SECONDS  # the app tries Redis again every 2 s
    while client.get("/api/weather/Boston").json()["cached"] is not True:
        assert time.monotonic() < deadline, "the cache did not come back with Redis"
        time.sleep(0.2)


def test_weather_redis_down_at_start_still_answers(
    make_client: ClientFactory, redis_server: RedisServer
) -> None:
    redis_server.stop()
    client = make_client(cache_url=redis_server.url)
    answers = [client.get("/api/weather/Portland?state=OR") for _ in range(3)]
    assert [(a.status_code, a.json()["cached"]) for a in answers] == [(200, False)] * 3
