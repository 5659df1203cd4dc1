"""Pytest fixtures for testing the demo API: settings on a temporary database, started clients.

Test modules load them with ``pytest_plugins = ["demo_api.testing"]``. They live in
the package, not in a ``conftest.py``, so that no conftest under ``tests/demo_api``
shadows the top-level one that other test modules import helpers from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from demo_api.main import create_app
from demo_api.settings import Settings

SettingsFactory = Callable[..., Settings]
ClientFactory = Callable[..., TestClient]


@pytest.fixture
def database_overrides(tmp_path: Path) -> dict[str, Any]:
    """The settings that say where reports are kept: a temporary SQLite file.

    A module that runs its tests against both stores overrides this fixture with
    ``params=STORES`` and returns ``store_overrides(...)`` (both in tests/realservers).
    """
    return {"database_path": tmp_path / "reports.sqlite3"}


@pytest.fixture
def make_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_overrides: dict[str, Any]
) -> SettingsFactory:
    """Settings on a temporary store, ignoring the developer's .env and WEATHER_* vars."""
    monkeypatch.chdir(tmp_path)  # a stray relative path lands here, never in the checkout
    for name in list(os.environ):
        if name.startswith("WEATHER_"):
            monkeypatch.delenv(name)

    def factory(**overrides: Any) -> Settings:
        values: dict[str, Any] = {**database_overrides, **overrides}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return factory


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    return make_settings()


@pytest.fixture
def make_client(make_settings: SettingsFactory) -> Iterator[ClientFactory]:
    """Build a started app (lifespan run) from settings overrides; all are shut down after."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()
