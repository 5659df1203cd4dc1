"""/api/health with the weather cache on Redis: degraded, not down, when Redis is away."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from realservers.redis import RedisServer

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


def test_health_redis_up_reports_the_redis_cache_ok(
    make_client: ClientFactory, redis_server: RedisServer
) -> None:
    response = make_client(cache_url=redis_server.url).get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["services"]["cache"] == {"kind": "redis", "status": "ok"}


def test_health_redis_down_is_degraded_with_the_cache_unavailable(
    make_client: ClientFactory, redis_server: RedisServer
) -> None:
    client = make_client(cache_url=redis_server.url)
    redis_server.stop()
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["services"]["cache"]["kind"] == "redis"
    assert body["services"]["cache"]["status"] == "unavailable"
    assert client.get("/api/weather/Portland?state=OR").status_code == 200
