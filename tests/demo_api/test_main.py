from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from demo_api.main import create_app
from demo_api.settings import Settings

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]
SITE = "http://127.0.0.1:8080"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_cors_preflight_from_the_dev_site_is_allowed(client: TestClient, method: str) -> None:
    response = client.options(
        "/api/reports/1",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SITE
    assert method in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_cors_simple_request_exposes_location_header(client: TestClient) -> None:
    body = {"location": {"city": "Portland"}, "description": "misty"}
    response = client.post("/api/reports", json=body, headers={"Origin": "http://localhost:8080"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:8080"
    assert "location" in response.headers["access-control-expose-headers"].lower()


def test_cors_405_exposes_the_allow_header_to_the_page(client: TestClient) -> None:
    response = client.delete("/api/health", headers={"Origin": "http://localhost:8080"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert "allow" in response.headers["access-control-expose-headers"].lower().split(", ")


def test_cors_unknown_origin_gets_no_allow_header(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:8091", "http://localhost:3000", "http://[::1]:8080", "http://127.0.0.1"],
)
def test_cors_any_loopback_origin_is_allowed_in_development(client: TestClient,
                                                            origin: str) -> None:
    response = client.get("/api/health", headers={"Origin": origin})
    assert response.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1.evil.example", "http://localhost.example:8080",
               "http://evil.example/?http://127.0.0.1:8080"],
)
def test_cors_name_that_only_looks_loopback_is_refused(client: TestClient, origin: str) -> None:
    response = client.get("/api/health", headers={"Origin": origin})
    assert "access-control-allow-origin" not in response.headers


def test_cors_production_allows_only_its_listed_origins(make_client: ClientFactory) -> None:
    client = make_client(environment="production", cors_origins=["https://course.example"])
    listed = client.get("/api/health", headers={"Origin": "https://course.example"})
    assert listed.headers["access-control-allow-origin"] == "https://course.example"
    loopback = client.get("/api/health", headers={"Origin": "http://127.0.0.1:8080"})
    assert "access-control-allow-origin" not in loopback.headers


def test_cors_origins_come_from_settings(make_client: ClientFactory) -> None:
    client = make_client(cors_origins=["https://course.example"])
    response = client.get("/api/health", headers={"Origin": "https://course.example"})
    assert response.headers["access-control-allow-origin"] == "https://course.example"


def test_unknown_path_is_404_json(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_wrong_method_is_405_json(client: TestClient) -> None:
    response = client.post("/api/reports/1")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


def test_unexpected_error_is_500_without_traceback_or_secrets(settings: Settings) -> None:
    settings = settings.model_copy(update={"openweathermap_api_key": None})
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret-key-123 in a traceback")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on the server; the server log has the details"
    }
    assert "secret-key-123" not in response.text


def test_create_app_default_settings_builds_an_app() -> None:
    from demo_api.main import app

    assert app.title == "Weather demo API"
