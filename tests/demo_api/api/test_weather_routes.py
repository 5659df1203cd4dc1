from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from demo_api.services.errors import (
    LocationNotFound,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)
from demo_api.services.providers.openweathermap import OpenWeatherMapProvider
from tests.demo_api.fake_openweathermap import fake_openweathermap

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]


def test_get_weather_known_city_returns_a_full_report(client: TestClient) -> None:
    response = client.get("/api/weather/Portland", params={"state": "OR", "units": "imperial"})
    assert response.status_code == 200
    report = response.json()
    assert report["location"] == {"city": "Portland", "state": "OR", "country": "US"}
    assert report["units"] == "imperial"
    assert report["source"] == "offline"
    assert report["cached"] is False
    assert report["temp_min"] <= report["temperature"] <= report["temp_max"]
    assert 0 <= report["humidity"] <= 100
    assert set(report["wind"]) == {"speed", "deg"}
    assert isinstance(report["description"], str) and report["description"]
    assert datetime.fromisoformat(report["observed_at"]).tzinfo is not None


def test_get_weather_second_request_is_served_from_cache(client: TestClient) -> None:
    first = client.get("/api/weather/Portland?state=OR").json()
    second = client.get("/api/weather/portland?state=or").json()
    assert (first["cached"], second["cached"]) == (False, True)
    assert first["temperature"] == second["temperature"]


@pytest.mark.parametrize(
    ("path", "city", "country"),
    [
        ("/api/weather/São Paulo?country=BR", "São Paulo", "BR"),
        ("/api/weather/S%C3%A3o%20Paulo?country=br", "São Paulo", "BR"),
        ("/api/weather/Zürich?country=CH", "Zürich", "CH"),
        ("/api/weather/zurich?country=CH", "Zürich", "CH"),
        ("/api/weather/London?country=GB", "London", "GB"),
    ],
)
def test_get_weather_unicode_and_foreign_cities_work(
    client: TestClient, path: str, city: str, country: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()["location"] == {"city": city, "state": None, "country": country}


def test_get_weather_units_change_the_numbers(client: TestClient) -> None:
    def temperature(units: str) -> float:
        response = client.get(f"/api/weather/London?country=GB&units={units}")
        return float(response.json()["temperature"])

    celsius = temperature("metric")
    assert temperature("standard") == pytest.approx(celsius + 273.15, abs=0.1)
    assert temperature("imperial") == pytest.approx(celsius * 9 / 5 + 32, abs=0.2)


def test_get_weather_unknown_city_is_404(client: TestClient) -> None:
    response = client.get("/api/weather/Nowhereville")
    assert response.status_code == 404
    assert response.json() == {"detail": "City 'Nowhereville' was not found in US"}


def test_get_weather_city_in_another_country_404_suggests_it(client: TestClient) -> None:
    response = client.get("/api/weather/Zürich")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "City 'Zürich' was not found in US; did you mean country=CH?"
    }


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("country=USA", "country must be a two-letter code like US or GB, not 'USA'"),
        ("country=1A", "country must be a two-letter code like US or GB, not '1A'"),
        ("state=Oregon", "state must be a two-letter US state code like OR, not 'Oregon'"),
        ("state=O", "state must be a two-letter US state code like OR, not 'O'"),
        ("state=OR&country=GB", "state is only used for US cities; leave it out for country GB"),
    ],
)
def test_get_weather_bad_state_or_country_is_400(
    client: TestClient, query: str, detail: str
) -> None:
    response = client.get(f"/api/weather/Portland?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_get_weather_empty_state_means_no_state(client: TestClient) -> None:
    assert client.get("/api/weather/Portland?state=").status_code == 200


def test_get_weather_bad_units_is_422_listing_the_choices(client: TestClient) -> None:
    response = client.get("/api/weather/Portland?units=kelvin")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["query", "units"]
    assert problem["msg"] == "Input should be 'standard', 'metric' or 'imperial'"


@pytest.mark.parametrize(
    ("city", "detail"),
    [
        ("a" * 101, "city: String should have at most 100 characters"),
        (
            "Port%00land",
            "city contains the character '\\x00'; use letters, spaces, hyphens, "
            "apostrophes and periods",
        ),
        (
            "Port%0Aland",
            "city contains the character '\\n'; use letters, spaces, hyphens, "
            "apostrophes and periods",
        ),
        ("..%5C..%5Cetc", "city must be a place name, not a path"),
        ("...", "city must be a place name, not a path"),
        (
            "%3Cscript%3E",
            "city contains the character '<'; use letters, spaces, hyphens, "
            "apostrophes and periods",
        ),
        ("%20%20", "city: String should have at least 1 character"),
        ("12345", "city must contain at least one letter"),
    ],
)
def test_get_weather_malformed_city_is_400(client: TestClient, city: str, detail: str) -> None:
    response = client.get(f"/api/weather/{city}")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_get_weather_encoded_slash_traversal_never_reaches_a_file(client: TestClient) -> None:
    response = client.get("/api/weather/..%2F..%2Fetc%2Fpasswd")
    assert response.status_code == 404
    assert "root:" not in response.text


class FailingProvider:
    name = "failing"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def current_weather(self, location: object, units: object) -> object:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        (LocationNotFound("City 'X' was not found"), 404, "City 'X' was not found"),
        (
            UpstreamError("The weather provider failed with HTTP 500"),
            502,
            "The weather provider failed with HTTP 500",
        ),
        (
            UpstreamTimeout("The weather provider did not answer within 10 seconds"),
            504,
            "The weather provider did not answer within 10 seconds",
        ),
        (UpstreamRateLimited("slow down", retry_after=30), 503, "slow down"),
    ],
)
def test_get_weather_provider_errors_map_to_statuses(
    client: TestClient, error: Exception, status: int, detail: str
) -> None:
    client.app.state.weather_service.provider = FailingProvider(error)  # type: ignore[attr-defined]
    response = client.get("/api/weather/Portland")
    assert response.status_code == status
    assert response.json() == {"detail": detail}
    if status == 503:
        assert response.headers["Retry-After"] == "30"


def test_get_weather_openweathermap_bad_key_is_502_without_the_key(client: TestClient) -> None:
    key = "0123456789abcdef0123456789abcdef"
    invalid_key = {"cod": 401, "message": "Invalid API key. Please see the FAQ for more info."}
    transport = httpx.MockTransport(lambda request: httpx.Response(401, json=invalid_key))
    provider = OpenWeatherMapProvider(httpx.AsyncClient(transport=transport), key)
    client.app.state.weather_service.provider = provider  # type: ignore[attr-defined]
    response = client.get("/api/weather/Portland")
    assert response.status_code == 502
    assert response.json() == {
        "detail": "The weather provider rejected this server's API key; "
        "the operator should check WEATHER_OPENWEATHERMAP_API_KEY"
    }
    assert key not in response.text


def test_get_weather_upstream_dribbling_its_body_is_504_at_the_deadline(
    make_client: ClientFactory,
) -> None:
    # One byte every 0.3 s: every read is quick, the whole body would take ten seconds.
    with fake_openweathermap() as upstream:
        client = make_client(
            openweathermap_api_key="0123456789abcdef0123456789abcdef",
            openweathermap_url=upstream.url,
            upstream_timeout_seconds=1,
        )
        response = client.get("/api/weather/Dribbleton")
        dribbles_finished = upstream.dribbles_finished  # as the answer came back

    assert response.status_code == 504
    assert response.json() == {"detail": "The weather provider did not answer within 1 second"}
    assert dribbles_finished == 0  # answered while the upstream was still sending
