from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytest_plugins = ["demo_api.testing"]


def test_calculate_x_and_y_adds_them(client: TestClient) -> None:
    response = client.get("/api/calculate", params={"x": 7, "y": 3})
    assert response.status_code == 200
    assert response.json() == {"x": 7, "y": 3, "z": None, "value": 10}


def test_calculate_without_y_uses_ten(client: TestClient) -> None:
    assert client.get("/api/calculate?x=5").json()["value"] == 15


def test_calculate_with_z_divides_the_sum(client: TestClient) -> None:
    response = client.get("/api/calculate?x=7&y=3&z=4")
    assert response.status_code == 200
    assert response.json() == {"x": 7, "y": 3, "z": 4, "value": 2.5}


def test_calculate_zero_z_is_400(client: TestClient) -> None:
    response = client.get("/api/calculate?x=1&z=0")
    assert response.status_code == 400
    assert response.json() == {"detail": "z cannot be zero"}


@pytest.mark.parametrize("query", ["x=seven", "x=1.5", "x=1&y=ten", "x=1&z=", ""])
def test_calculate_non_integer_or_missing_is_422_naming_the_field(
    client: TestClient, query: str
) -> None:
    response = client.get(f"/api/calculate?{query}")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][0] == "query"
    assert problem["loc"][1] in {"x", "y", "z"}


def test_calculate_huge_number_is_422_not_an_overflow(client: TestClient) -> None:
    response = client.get(f"/api/calculate?x={10**400}&z=3")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "x"]
