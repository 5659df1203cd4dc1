"""Current weather from OpenWeatherMap, with its failures turned into our errors."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import httpx
from pydantic import BaseModel, Field, ValidationError

from demo_api.logs import redact_secrets
from demo_api.models import Location, Units, WeatherReport, Wind
from demo_api.services.errors import (
    LocationNotFound,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)

DEFAULT_URL = "https://api.openweathermap.org/data/2.5/weather"
DEFAULT_RETRY_AFTER_SECONDS = 60

logger = logging.getLogger(__name__)


class _Main(BaseModel):
    temp: float
    feels_like: float
    temp_min: float
    temp_max: float
    pressure: int
    humidity: int = Field(ge=0, le=100)


class _Condition(BaseModel):
    description: str


class _Wind(BaseModel):
    speed: float = 0.0
    deg: int = 0


class _Sys(BaseModel):
    country: str | None = None


class _CurrentWeather(BaseModel):
    """The parts of OpenWeatherMap's ``/data/2.5/weather`` answer that we use."""

    name: str
    dt: int
    main: _Main
    weather: list[_Condition] = Field(min_length=1)
    wind: _Wind = _Wind()
    sys: _Sys = _Sys()


class OpenWeatherMapProvider:
    """Asks OpenWeatherMap through the app's shared ``httpx.AsyncClient``."""

    name = "openweathermap"

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        *,
        url: str = DEFAULT_URL,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._client = client
        self._api_key = api_key
        self._url = url
        self._timeout_seconds = timeout_seconds

    # ANCHOR: current_weather
    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        query = ",".join(part for part in (location.city, location.state, location.country) if part)
        params = {"q": query, "units": units.value, "appid": self._api_key}
        try:
            # httpx's timeout holds for each read, so an upstream that sends a byte now and
            # then could hold a request for ever: the whole call, body included, gets one.
            async with asyncio.timeout(self._timeout_seconds):
                response = await self._client.get(
                    self._url, params=params, timeout=self._timeout_seconds
                )
        except (TimeoutError, httpx.TimeoutException):
            seconds = "second" if self._timeout_seconds == 1 else "seconds"
            raise UpstreamTimeout(
                f"The weather provider did not answer within {self._timeout_seconds:g} {seconds}"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            # httpx errors hold the request, whose URL holds the key: none of it goes further.
            logger.warning(
                "OpenWeatherMap unreachable: %s: %s",
                type(error).__name__,
                redact_secrets(str(error)),
            )
            raise UpstreamError("Could not reach the weather provider") from None
        return self._parse(response, location, units)

    # ANCHOR_END: current_weather
    # ANCHOR: parse
    def _parse(self, response: httpx.Response, location: Location, units: Units) -> WeatherReport:
        status = response.status_code
        if status == 401:
            raise UpstreamError(
                "The weather provider rejected this server's API key; "
                "the operator should check WEATHER_OPENWEATHERMAP_API_KEY"
            )
        if status == 404:
            raise LocationNotFound(f"City '{location}' was not found")
        if status == 429:
            raise UpstreamRateLimited(
                "The weather provider is rate-limiting this server; try again later",
                retry_after=_retry_after(response),
            )
        if status != 200:
            raise UpstreamError(f"The weather provider failed with HTTP {status}")
        try:
            body = _CurrentWeather.model_validate_json(response.content)
        except ValidationError as error:
            raise UpstreamError("The weather provider sent an answer we could not read") from error
        return WeatherReport(
            location=_reported_location(body, location),
            units=units,
            temperature=body.main.temp,
            feels_like=body.main.feels_like,
            temp_min=body.main.temp_min,
            temp_max=body.main.temp_max,
            pressure=body.main.pressure,
            humidity=body.main.humidity,
            description=body.weather[0].description,
            wind=Wind(speed=body.wind.speed, deg=body.wind.deg % 360),
            observed_at=datetime.fromtimestamp(body.dt, UTC),
            source=self.name,
        )

    # ANCHOR_END: parse


def _reported_location(body: _CurrentWeather, asked: Location) -> Location:
    # Prefer the provider's spelling ("Zürich" for "zurich"), but never fail over it.
    try:
        return Location(
            city=body.name, state=asked.state, country=body.sys.country or asked.country
        )
    except ValidationError:
        return asked


def _retry_after(response: httpx.Response) -> int:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else DEFAULT_RETRY_AFTER_SECONDS
