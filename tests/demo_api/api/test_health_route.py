from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from demo_api.models import WeatherReport
from demo_api.services.cache import TTLCache

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


def test_health_is_ok_with_provider_and_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "provider": "offline",
        "database": "ok",
        "services": {
            "store": {"kind": "sqlite", "status": "ok"},
            "cache": {"kind": "memory", "status": "ok"},
            "provider": {"kind": "offline", "status": "ok"},
        },
    }


class UnreachableCache(TTLCache[WeatherReport]):
    kind = "redis"

    async def check(self) -> str | None:
        return "Redis at 127.0.0.1:6390 does not answer"


def test_health_cache_unavailable_is_200_degraded_saying_why(client: TestClient) -> None:
    client.app.state.weather_service.cache = UnreachableCache(60)  # type: ignore[attr-defined]
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["services"]["cache"] == {
        "kind": "redis",
        "status": "unavailable",
        "detail": "Redis at 127.0.0.1:6390 does not answer",
    }
    assert body["services"]["store"] == {"kind": "sqlite", "status": "ok"}


def test_health_database_gone_is_503(make_client: ClientFactory, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    client = make_client(database_path=folder / "reports.sqlite3")
    shutil.rmtree(folder)
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The reports database is unavailable",
        "status": "unavailable",
        "provider": "offline",
        "database": "unavailable",
        "services": {
            "store": {
                "kind": "sqlite",
                "status": "unavailable",
                "detail": "The reports database is unavailable",
            },
            "cache": {"kind": "memory", "status": "ok"},
            "provider": {"kind": "offline", "status": "ok"},
        },
    }


def test_reports_database_gone_is_503_not_500(make_client: ClientFactory, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    client = make_client(database_path=folder / "reports.sqlite3")
    shutil.rmtree(folder)
    response = client.get("/api/reports")
    assert response.status_code == 503
    assert response.json() == {"detail": "The reports database is unavailable"}
