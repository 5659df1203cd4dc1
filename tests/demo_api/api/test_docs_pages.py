from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_this_server(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = HTMLParser(response.text)
    assets = [node.attributes["src"] for node in html.css("script[src]")]
    assets += [node.attributes["href"] for node in html.css("link[href]")]
    assert assets
    for asset in assets:
        assert asset is not None and asset.startswith("/"), f"{asset} is not local"
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in response.text.lower()
    assert "fonts.googleapis" not in response.text


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/calculate",
        "/api/weather/{city}",
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/health",
    }
    assert set(paths["/api/reports/{report_id}"]) == {"get", "put", "patch", "delete"}


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/openapi.json"])
def test_docs_disabled_by_setting_are_404(make_client: ClientFactory, page: str) -> None:
    client = make_client(docs_enabled=False)
    response = client.get(page)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
