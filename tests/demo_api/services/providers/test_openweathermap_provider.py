"""OpenWeatherMap through ``httpx.MockTransport``, with answers recorded from the real API."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from demo_api.models import Location, Units
from demo_api.services.errors import (
    LocationNotFound,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)
from demo_api.services.providers.openweathermap import OpenWeatherMapProvider

KEY = "0123456789abcdef0123456789abcdef"
PORTLAND_200 = {
    "coord": {"lon": -122.6762, "lat": 45.5234},
    "weather": [{"id": 701, "main": "Mist", "description": "mist", "icon": "50n"}],
    "base": "stations",
    "main": {
        "temp": 8.47,
        "feels_like": 7.09,
        "temp_min": 6.82,
        "temp_max": 9.96,
        "pressure": 1021,
        "humidity": 93,
        "sea_level": 1021,
        "grnd_level": 1013,
    },
    "visibility": 4828,
    "wind": {"speed": 2.06, "deg": 170},
    "clouds": {"all": 100},
    "dt": 1732838400,
    "sys": {"type": 2, "id": 2008548, "country": "US", "sunrise": 1732807920, "sunset": 1732840311},
    "timezone": -28800,
    "id": 5746545,
    "name": "Portland",
    "cod": 200,
}
INVALID_KEY_401 = {
    "cod": 401,
    "message": "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.",
}
NOT_FOUND_404 = {"cod": "404", "message": "city not found"}
TOO_MANY_429 = {
    "cod": 429,
    "message": "Your account is temporary blocked due to exceeding of requests limitation.",
}
SERVER_500 = {"cod": "500", "message": "Internal error"}

Handler = Callable[[httpx.Request], httpx.Response]


def provider_answering(handler: Handler) -> OpenWeatherMapProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return OpenWeatherMapProvider(client, KEY, timeout_seconds=2)


def answer(status: int, body: dict[str, Any], **headers: str) -> Handler:
    return lambda request: httpx.Response(status, json=body, headers=headers)


async def test_openweathermap_200_becomes_a_weather_report() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PORTLAND_200)

    location = Location(city="Portland", state="OR")
    report = await provider_answering(handler).current_weather(location, Units.imperial)

    assert dict(seen[0].url.params) == {"q": "Portland,OR,US", "units": "imperial", "appid": KEY}
    assert report.location == Location(city="Portland", state="OR", country="US")
    assert (report.temperature, report.feels_like) == (8.47, 7.09)
    assert (report.temp_min, report.temp_max) == (6.82, 9.96)
    assert (report.pressure, report.humidity) == (1021, 93)
    assert report.description == "mist"
    assert (report.wind.speed, report.wind.deg) == (2.06, 170)
    assert report.observed_at == datetime.fromtimestamp(1732838400, UTC)
    assert report.source == "openweathermap"


async def test_openweathermap_query_leaves_out_a_missing_state() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={**PORTLAND_200, "name": "São Paulo"})

    location = Location(city="São Paulo", country="BR")
    report = await provider_answering(handler).current_weather(location, Units.metric)
    assert seen[0].url.params["q"] == "São Paulo,BR"
    assert report.location.city == "São Paulo"


@pytest.mark.parametrize(
    ("handler", "error", "message"),
    [
        (answer(401, INVALID_KEY_401), UpstreamError, "rejected this server's API key"),
        (answer(404, NOT_FOUND_404), LocationNotFound, "City 'Atlantis, US' was not found"),
        (answer(500, SERVER_500), UpstreamError, "failed with HTTP 500"),
        (answer(503, {}), UpstreamError, "failed with HTTP 503"),
        (answer(200, {"cod": 200}), UpstreamError, "an answer we could not read"),
    ],
)
async def test_openweathermap_failures_become_our_errors(
    handler: Handler, error: type[Exception], message: str
) -> None:
    provider = provider_answering(handler)
    with pytest.raises(error, match=message) as raised:
        await provider.current_weather(Location(city="Atlantis"), Units.metric)
    assert KEY not in str(raised.value)
    assert "Invalid API key" not in str(raised.value)


async def test_openweathermap_429_is_rate_limited_with_retry_after() -> None:
    provider = provider_answering(answer(429, TOO_MANY_429, **{"Retry-After": "120"}))
    with pytest.raises(UpstreamRateLimited) as raised:
        await provider.current_weather(Location(city="Portland"), Units.metric)
    assert raised.value.retry_after == 120


async def test_openweathermap_429_without_header_waits_a_minute() -> None:
    provider = provider_answering(answer(429, TOO_MANY_429))
    with pytest.raises(UpstreamRateLimited) as raised:
        await provider.current_weather(Location(city="Portland"), Units.metric)
    assert raised.value.retry_after == 60


async def test_openweathermap_timeout_is_upstream_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(UpstreamTimeout, match="did not answer within 2 seconds"):
        await provider_answering(handler).current_weather(Location(city="Portland"), Units.metric)


async def test_openweathermap_connection_error_is_upstream_error_without_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    with pytest.raises(UpstreamError, match="Could not reach the weather provider") as raised:
        await provider_answering(handler).current_weather(Location(city="Portland"), Units.metric)

    # Not in the error, nor in its traceback, should anything ever log it.
    assert KEY not in "".join(traceback.format_exception(raised.value))
    assert caplog.messages == [
        "OpenWeatherMap unreachable: ConnectError: cannot connect to "
        "https://api.openweathermap.org/data/2.5/weather?q=Portland%2CUS&units=metric&appid=***"
    ]
