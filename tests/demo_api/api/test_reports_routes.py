from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from realservers.postgres import STORES, store_overrides

pytest_plugins = ["demo_api.testing"]


@pytest.fixture(params=STORES)
def database_overrides(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Every test here runs on SQLite and on PostgreSQL: the contract is the same."""
    return store_overrides(request, tmp_path)

ClientFactory = Callable[..., TestClient]

PORTLAND = {"location": {"city": "Portland", "state": "OR"}, "description": "misty"}


def post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/reports", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_create_report_is_201_with_location_header(client: TestClient) -> None:
    response = client.post("/api/reports", json=PORTLAND)
    assert response.status_code == 201
    report = response.json()
    assert response.headers["Location"] == f"/api/reports/{report['id']}"
    assert report["location"] == {"city": "Portland", "state": "OR", "country": "US"}
    assert report["description"] == "misty"
    assert report["created_at"]


def test_create_report_strips_the_description(client: TestClient) -> None:
    report = post(
        client, {"location": {"city": "Zürich", "country": "ch"}, "description": "  föhn \n"}
    )
    assert report["description"] == "föhn"
    assert report["location"] == {"city": "Zürich", "state": None, "country": "CH"}


def test_create_report_then_get_by_location_header_returns_it(client: TestClient) -> None:
    created = client.post("/api/reports", json=PORTLAND)
    fetched = client.get(created.headers["Location"])
    assert fetched.status_code == 200
    assert fetched.json() == created.json()


@pytest.mark.parametrize(
    ("body", "loc", "msg"),
    [
        (
            {"location": {"city": "Portland"}, "description": "   "},
            ["body", "description"],
            "String should have at least 1 character",
        ),
        (
            {"location": {"city": "Portland"}, "description": "x" * 501},
            ["body", "description"],
            "String should have at most 500 characters",
        ),
        ({"location": {"city": "Portland"}}, ["body", "description"], "Field required"),
        ({"description": "misty"}, ["body", "location"], "Field required"),
        (
            {"location": {"city": "Portland", "country": "USA"}, "description": "misty"},
            ["body", "location", "country"],
            "Value error, country must be a two-letter code like US or GB, not 'USA'",
        ),
        (
            {"location": "Portland", "description": "misty"},
            ["body", "location"],
            "Input should be a valid dictionary or object to extract fields from",
        ),
    ],
)
def test_create_report_invalid_body_is_422_saying_where(
    client: TestClient, body: dict[str, Any], loc: list[str], msg: str
) -> None:
    response = client.post("/api/reports", json=body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["msg"]) == (loc, msg)


def test_create_report_malformed_json_is_422_with_line_and_column(client: TestClient) -> None:
    body = '{"location": {"city": "Portland"},\n "description": }'
    response = client.post(
        "/api/reports", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["type"] == "json_invalid"
    assert problem["msg"] == "The body is not valid JSON: Expecting value at line 2, column 17"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_create_report_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/api/reports", content='{"a": 1}', headers={"Content-Type": content_type}
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the body as JSON with the header 'Content-Type: application/json' "
        f"(got '{content_type}')"
    }


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_report_body_without_content_type_is_415_naming_the_header(
    client: TestClient, method: str
) -> None:
    stored = post(client, PORTLAND)
    url = "/api/reports" if method == "POST" else f"/api/reports/{stored['id']}"
    body = json.dumps({**PORTLAND, "description": "sent without a Content-Type"})

    response = client.request(method, url, content=body)

    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the body as JSON with the header 'Content-Type: application/json' "
        "(the request has no Content-Type header)"
    }
    assert client.get("/api/reports").json() == [stored]  # nothing added, nothing replaced


def test_create_report_without_body_or_content_type_is_422_body_required(
    client: TestClient,
) -> None:
    response = client.post("/api/reports")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["msg"]) == (["body"], "Field required")


@pytest.mark.parametrize(
    ("body", "loc", "escape"),
    [
        (
            r'{"location": {"city": "Portland"}, "description": "rain \ud800"}',
            "description",
            "\\ud800",
        ),
        (r'{"location": {"city": "\udfff"}, "description": "misty"}', "location.city", "\\udfff"),
    ],
)
def test_create_report_lone_surrogate_is_422_saying_what_it_is(
    client: TestClient, caplog: pytest.LogCaptureFixture, body: str, loc: str, escape: str
) -> None:
    response = client.post(
        "/api/reports", content=body.encode(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", *loc.split(".")]
    assert problem["msg"] == (
        f"Input should be valid text, but it holds {escape}: half of a surrogate pair, which "
        "stands for no character; write the character itself, or both halves of its pair "
        "(such as \\ud83d\\ude00)"
    )
    assert [
        record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR
    ] == []


def test_create_report_invalid_body_echoes_a_lone_surrogate_as_its_escape(
    client: TestClient,
) -> None:
    body = r'{"description": "\ud800 fog"}'  # no location: the 422 shows the body it got
    response = client.post(
        "/api/reports", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["msg"]) == (["body", "location"], "Field required")
    assert problem["input"] == {"description": "\\ud800 fog"}


def test_create_report_body_over_the_limit_is_413(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1000)
    body = {"location": {"city": "Portland"}, "description": "x" * 2000}
    response = client.post("/api/reports", json=body)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large; the limit is 1000 bytes"}


def test_create_report_chunked_body_over_the_limit_is_413(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1000)

    def chunks() -> Any:
        yield b'{"location": {"city": "Portland"}, "description": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = client.post(
        "/api/reports", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is too large; the limit is 1000 bytes"


def test_list_reports_returns_newest_first(client: TestClient) -> None:
    ids = [post(client, {**PORTLAND, "description": f"report {n}"})["id"] for n in range(3)]
    response = client.get("/api/reports")
    assert response.status_code == 200
    assert [report["id"] for report in response.json()] == ids[::-1]


def test_list_reports_limit_caps_the_count(client: TestClient) -> None:
    for n in range(5):
        post(client, {**PORTLAND, "description": f"report {n}"})
    reports = client.get("/api/reports?limit=2").json()
    assert [report["description"] for report in reports] == ["report 4", "report 3"]


def test_list_reports_empty_database_is_an_empty_list(client: TestClient) -> None:
    assert client.get("/api/reports").json() == []


@pytest.mark.parametrize(
    ("limit", "msg"),
    [
        ("0", "Input should be greater than or equal to 1"),
        ("101", "Input should be less than or equal to 100"),
        ("ten", "Input should be a valid integer, unable to parse string as an integer"),
    ],
)
def test_list_reports_bad_limit_is_422(client: TestClient, limit: str, msg: str) -> None:
    response = client.get(f"/api/reports?limit={limit}")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["msg"]) == (["query", "limit"], msg)


def test_get_report_unknown_id_is_404(client: TestClient) -> None:
    response = client.get("/api/reports/42")
    assert response.status_code == 404
    assert response.json() == {"detail": "Report 42 was not found"}


@pytest.mark.parametrize("report_id", ["abc", "0", str(2**63)])
def test_get_report_malformed_id_is_422(client: TestClient, report_id: str) -> None:
    response = client.get(f"/api/reports/{report_id}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "report_id"]


def test_replace_report_changes_it_and_keeps_id_and_time(client: TestClient) -> None:
    created = post(client, PORTLAND)
    body = {"location": {"city": "London", "country": "GB"}, "description": "drizzle"}
    response = client.put(f"/api/reports/{created['id']}", json=body)
    assert response.status_code == 200
    replaced = response.json()
    assert replaced["id"] == created["id"]
    assert replaced["created_at"] == created["created_at"]
    assert replaced["location"] == {"city": "London", "state": None, "country": "GB"}
    assert client.get(f"/api/reports/{created['id']}").json() == replaced


def test_replace_report_unknown_id_is_404(client: TestClient) -> None:
    response = client.put("/api/reports/42", json=PORTLAND)
    assert response.status_code == 404
    assert response.json() == {"detail": "Report 42 was not found"}


def test_replace_report_invalid_body_is_422(client: TestClient) -> None:
    created = post(client, PORTLAND)
    response = client.put(f"/api/reports/{created['id']}", json={"description": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "location"]


def test_update_report_changes_only_the_fields_sent(client: TestClient) -> None:
    created = post(client, PORTLAND)
    response = client.patch(f"/api/reports/{created['id']}", json={"description": " clearing "})
    assert response.status_code == 200
    updated = response.json()
    assert updated == {**created, "description": "clearing"}
    assert client.get(f"/api/reports/{created['id']}").json() == updated


def test_update_report_location_alone_keeps_the_description(client: TestClient) -> None:
    created = post(client, PORTLAND)
    body = {"location": {"city": "London", "country": "GB"}}
    updated = client.patch(f"/api/reports/{created['id']}", json=body).json()
    assert updated["location"] == {"city": "London", "state": None, "country": "GB"}
    assert updated["description"] == "misty"


def test_update_report_empty_body_changes_nothing(client: TestClient) -> None:
    created = post(client, PORTLAND)
    response = client.patch(f"/api/reports/{created['id']}", json={})
    assert response.status_code == 200
    assert response.json() == created


def test_update_report_null_field_is_422_saying_to_leave_it_out(client: TestClient) -> None:
    created = post(client, PORTLAND)
    response = client.patch(f"/api/reports/{created['id']}", json={"description": None})
    assert response.status_code == 422
    assert "description cannot be null" in response.json()["detail"][0]["msg"]
    assert client.get(f"/api/reports/{created['id']}").json() == created


def test_update_report_invalid_field_is_422_and_unknown_id_404(client: TestClient) -> None:
    created = post(client, PORTLAND)
    bad = client.patch(f"/api/reports/{created['id']}", json={"description": ""})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "description"]
    missing = client.patch("/api/reports/42", json={"description": "fog"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Report 42 was not found"}


def test_delete_report_is_204_and_then_gone(client: TestClient) -> None:
    created = post(client, PORTLAND)
    response = client.delete(f"/api/reports/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/api/reports/{created['id']}").status_code == 404


def test_delete_report_unknown_id_is_404(client: TestClient) -> None:
    response = client.delete("/api/reports/42")
    assert response.status_code == 404
    assert response.json() == {"detail": "Report 42 was not found"}


def test_reports_survive_a_restart(make_client: ClientFactory) -> None:
    created = post(make_client(), PORTLAND)
    assert make_client().get(f"/api/reports/{created['id']}").json() == created
