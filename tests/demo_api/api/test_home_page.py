from __future__ import annotations

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

pytest_plugins = ["demo_api.testing"]


def test_home_page_lists_endpoints_with_example_links(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = HTMLParser(response.text)
    links = [node.attributes["href"] for node in page.css("a[href^='/api/']")]
    assert "/api/calculate?x=7&y=3&z=2" in links
    assert "/api/health" in links
    for link in links:  # every example really works
        assert link is not None and client.get(link).status_code == 200, link


def test_home_page_shows_the_ten_latest_reports(client: TestClient) -> None:
    for n in range(12):
        body = {"location": {"city": "Portland", "state": "OR"}, "description": f"report <{n}>"}
        client.post("/api/reports", json=body)
    page = HTMLParser(client.get("/").text)
    items = [node.text(strip=True) for node in page.css("ol.reports li")]
    assert len(items) == 10
    assert "report <11>" in items[0] and "Portland, OR, US" in items[0]
    assert "report <2>" in items[-1]


def test_home_page_without_reports_says_so(client: TestClient) -> None:
    assert "No reports yet" in client.get("/").text


def test_home_page_stylesheet_is_served(client: TestClient) -> None:
    stylesheet = HTMLParser(client.get("/").text).css_first("link[rel=stylesheet]")
    assert stylesheet is not None
    href = stylesheet.attributes["href"]
    assert href is not None
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


def test_home_page_is_left_out_of_the_api_schema(client: TestClient) -> None:
    # An HTML page is not part of the API: /docs lists only what a client can call.
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert "/api/health" in paths


def test_home_page_curl_example_posts_to_the_address_the_page_was_asked_at(
    client: TestClient,
) -> None:
    # Behind nginx the page is at https://<site>/api/, not on 127.0.0.1:8000.
    page = client.get("/", headers={"Host": "weather.example.com"}).text
    assert "curl -X POST http://weather.example.com/api/reports" in page


def test_home_page_at_api_is_the_same_page_left_out_of_the_schema(client: TestClient) -> None:
    # /api/ is the address that reaches the page behind the shipped nginx too (the course
    # takes / there), so the lessons' panels call it there.
    home = client.get("/api/")
    assert home.status_code == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert "Weather demo API" in home.text
    assert "/api/" not in client.get("/openapi.json").json()["paths"]
