"""Schemathesis generates requests from our own OpenAPI schema: none may end in a 5xx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from demo_api.main import create_app
from demo_api.settings import Settings

# Schemathesis reads the schema when this module is imported, so the app is built here,
# on a database in a temporary folder that the fixture below removes afterwards.
_DATABASE_DIR = tempfile.TemporaryDirectory(prefix="demo-api-fuzz-")
app = create_app(
    Settings(_env_file=None, database_path=Path(_DATABASE_DIR.name) / "reports.sqlite3")  # type: ignore[call-arg]
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    with TestClient(app):  # runs the lifespan: database and weather service are ready
        yield
    _DATABASE_DIR.cleanup()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_openapi_generated_requests_never_get_a_5xx(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=[not_a_server_error])
