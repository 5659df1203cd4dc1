from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytest_plugins = ["demo_api.testing"]


def allowed(header: str) -> set[str]:
    return {method.strip() for method in header.split(",")}


def test_method_not_allowed_on_a_report_lists_every_method_of_the_path(
    client: TestClient,
) -> None:
    # Three routes share /api/reports/{report_id}; Starlette named only the first one's.
    response = client.post("/api/reports/1")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert {"GET", "PUT", "DELETE"} <= allowed(response.headers["allow"])
    assert "POST" not in allowed(response.headers["allow"])


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "/api/reports", {"GET", "POST"}),
        ("DELETE", "/api/health", {"GET"}),
    ],
)
def test_method_not_allowed_allow_header_names_the_methods_the_path_takes(
    client: TestClient, method: str, path: str, expected: set[str]
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert allowed(response.headers["allow"]) == expected
