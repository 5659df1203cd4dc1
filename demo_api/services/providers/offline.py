"""Made-up but plausible weather for real cities, with no key and no network.

The same city at the same hour always gets the same weather, so lessons and
tests can rely on it; it varies with latitude, season and time of day the way
real weather does, roughly.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from demo_api.models import Location, Units, WeatherReport, Wind
from demo_api.services.errors import LocationNotFound
from demo_api.services.gazetteer import City, Gazetteer, load_gazetteer

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Conditions:
    """Weather in metric units: degrees Celsius and metres per second."""

    temperature: float
    temp_min: float
    temp_max: float
    feels_like: float
    pressure: int
    humidity: int
    wind_speed: float
    wind_deg: int
    description: str


class OfflineWeatherProvider:
    """The default provider: a real gazetteer and deterministic, simulated weather."""

    name = "offline"

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        latency_seconds: float = 0.0,
        clock: Clock = utc_now,
    ) -> None:
        self._gazetteer = gazetteer or load_gazetteer()
        self._latency_seconds = latency_seconds
        self._clock = clock

    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        if self._latency_seconds:
            # Pretend to wait for a remote service, so the async lesson has something to show.
            await asyncio.sleep(self._latency_seconds)
        city = self._gazetteer.find(location.city, country=location.country, state=location.state)
        if city is None:
            raise LocationNotFound(self._not_found_message(location))
        observed_at = self._clock().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        conditions = simulate_conditions(city, observed_at)
        return _report(city, conditions, units, observed_at)

    def _not_found_message(self, location: Location) -> str:
        where = f"{location.state}, {location.country}" if location.state else location.country
        message = f"City '{location.city}' was not found in {where}"
        elsewhere = [
            c for c in self._gazetteer.countries_with(location.city) if c != location.country
        ]
        if elsewhere:
            return f"{message}; did you mean country={elsewhere[0]}?"
        if location.state and self._gazetteer.find(location.city, country=location.country):
            return f"{message}; it exists in another state, try leaving state out"
        return message


def simulate_conditions(city: City, when: datetime) -> Conditions:
    """Deterministic weather for a city at an hour (UTC)."""
    day = random.Random(_seed(city.geonameid, when.date().isoformat()))
    hour = random.Random(_seed(city.geonameid, when.date().isoformat(), str(when.hour)))

    latitude = abs(city.latitude)
    annual_mean = 27.0 - 0.0068 * latitude**2
    seasonal_swing = 0.18 * latitude
    # Warmest around mid-July in the north, mid-January in the south.
    season = math.cos(2 * math.pi * (when.timetuple().tm_yday - 200) / 365.25)
    if city.latitude < 0:
        season = -season
    daily_mean = annual_mean + seasonal_swing * season + day.gauss(0, 2.5)

    # Warmest at 15:00 local solar time, coolest before dawn.
    solar_hour = (when.hour + city.longitude / 15) % 24
    daily_range = day.uniform(6, 11)
    diurnal = math.cos(2 * math.pi * (solar_hour - 15) / 24)
    temperature = daily_mean + daily_range / 2 * diurnal + hour.uniform(-0.4, 0.4)

    humidity = round(min(100.0, max(15.0, day.gauss(68, 12) - 12 * diurnal)))
    wind_speed = abs(day.gauss(3.5, 2.0)) + hour.uniform(0, 1)
    return Conditions(
        temperature=temperature,
        temp_min=temperature - hour.uniform(0.3, 1.5),
        temp_max=temperature + hour.uniform(0.3, 1.5),
        feels_like=_apparent_temperature(temperature, humidity, wind_speed),
        pressure=round(day.gauss(1013, 7)),
        humidity=humidity,
        wind_speed=wind_speed,
        wind_deg=(day.randrange(360) + hour.randrange(-20, 21)) % 360,
        description=_describe(day.random(), temperature, humidity, wind_speed),
    )


def _seed(*parts: str | int) -> int:
    # hash() is salted per process; a digest gives every worker the same weather.
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _apparent_temperature(celsius: float, humidity: int, wind_speed: float) -> float:
    """Steadman's apparent temperature, as used by the Australian Bureau of Meteorology."""
    vapour_pressure = humidity / 100 * 6.105 * math.exp(17.27 * celsius / (237.7 + celsius))
    return celsius + 0.33 * vapour_pressure - 0.70 * wind_speed - 4.0


def _describe(cloudiness: float, celsius: float, humidity: int, wind_speed: float) -> str:
    if humidity > 92 and wind_speed < 2:
        return "mist"
    if cloudiness < 0.30:
        return "clear sky"
    if cloudiness < 0.45:
        return "few clouds"
    if cloudiness < 0.60:
        return "scattered clouds"
    if cloudiness < 0.75:
        return "broken clouds"
    if cloudiness < 0.87:
        return "overcast clouds"
    if celsius <= 0:
        return "light snow" if humidity < 85 else "snow"
    return "light rain" if humidity < 85 else "moderate rain"


def _report(
    city: City, conditions: Conditions, units: Units, observed_at: datetime
) -> WeatherReport:
    def temperature(celsius: float) -> float:
        if units is Units.standard:
            return round(celsius + 273.15, 2)
        if units is Units.imperial:
            return round(celsius * 9 / 5 + 32, 1)
        return round(celsius, 1)

    speed = conditions.wind_speed * (2.236936 if units is Units.imperial else 1.0)
    return WeatherReport(
        location=Location(
            city=city.name,
            state=city.admin1 if city.country == "US" else None,
            country=city.country,
        ),
        units=units,
        temperature=temperature(conditions.temperature),
        feels_like=temperature(conditions.feels_like),
        temp_min=temperature(conditions.temp_min),
        temp_max=temperature(conditions.temp_max),
        pressure=conditions.pressure,
        humidity=conditions.humidity,
        description=conditions.description,
        wind=Wind(speed=round(speed, 1), deg=conditions.wind_deg),
        observed_at=observed_at,
        source=OfflineWeatherProvider.name,
    )
