from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


def test_health_is_ok_with_provider_and_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "provider": "offline", "database": "ok"}


def test_health_database_gone_is_503(make_client: ClientFactory, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    client = make_client(database_path=folder / "reports.sqlite3")
    shutil.rmtree(folder)
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {"detail": "The reports database is unavailable"}


def test_reports_database_gone_is_503_not_500(make_client: ClientFactory, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    client = make_client(database_path=folder / "reports.sqlite3")
    shutil.rmtree(folder)
    response = client.get("/api/reports")
    assert response.status_code == 503
    assert response.json() == {"detail": "The reports database is unavailable"}
