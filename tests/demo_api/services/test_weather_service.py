from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from demo_api.models import Location, Units, WeatherReport, Wind
from demo_api.services.cache import TTLCache
from demo_api.services.weather import WeatherService, cache_key


class SlowProvider:
    name = "slow"

    def __init__(self) -> None:
        self.calls = 0

    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        self.calls += 1
        await asyncio.sleep(0.01)
        return WeatherReport(
            location=location,
            units=units,
            temperature=20,
            feels_like=19,
            temp_min=18,
            temp_max=21,
            pressure=1012,
            humidity=50,
            description="clear sky",
            wind=Wind(speed=2, deg=90),
            observed_at=datetime(2024, 1, 1, tzinfo=UTC),
            source=self.name,
        )


def test_cache_key_folds_spelling_but_not_units() -> None:
    assert cache_key(Location(city="São Paulo", country="BR"), Units.metric) == cache_key(
        Location(city="sao-paulo", country="br"), Units.metric
    )
    assert cache_key(Location(city="Portland"), Units.metric) != cache_key(
        Location(city="Portland"), Units.imperial
    )


async def test_weather_service_concurrent_requests_make_one_provider_call() -> None:
    provider = SlowProvider()
    service = WeatherService(provider, TTLCache(3600))
    location = Location(city="Portland", state="OR")
    reports = await asyncio.gather(
        *(service.get_weather(location, Units.metric) for _ in range(10))
    )
    assert provider.calls == 1
    assert sorted(report.cached for report in reports) == [False] + [True] * 9


async def test_weather_service_other_units_are_a_separate_call() -> None:
    provider = SlowProvider()
    service = WeatherService(provider, TTLCache(3600))
    await service.get_weather(Location(city="Portland"), Units.metric)
    await service.get_weather(Location(city="Portland"), Units.imperial)
    assert provider.calls == 2


async def test_weather_service_still_cached_only_for_the_cached_report() -> None:
    service = WeatherService(SlowProvider(), TTLCache(3600))
    location = Location(city="Portland", state="OR")
    fresh = await service.get_weather(location, Units.metric)
    cached = await service.get_weather(location, Units.metric)
    assert service.still_cached(location, Units.metric, cached)
    assert not service.still_cached(location, Units.metric, fresh)  # a copy marked not cached
    assert not service.still_cached(location, Units.imperial, cached)
