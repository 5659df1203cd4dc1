from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from demo_api.models import Location, Units
from demo_api.services.errors import LocationNotFound
from demo_api.services.gazetteer import City, load_gazetteer
from demo_api.services.providers.offline import OfflineWeatherProvider, simulate_conditions


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> OfflineWeatherProvider:
    moment = datetime(year, month, day, hour, minute, tzinfo=UTC)
    return OfflineWeatherProvider(clock=lambda: moment)


async def test_offline_same_city_and_hour_gives_the_same_weather() -> None:
    location = Location(city="Portland", state="OR")
    first = await at(2024, 7, 1, 12, 5).current_weather(location, Units.metric)
    second = await at(2024, 7, 1, 12, 55).current_weather(location, Units.metric)
    assert first == second
    assert first.observed_at == datetime(2024, 7, 1, 12, tzinfo=UTC)


async def test_offline_different_hours_give_different_weather() -> None:
    location = Location(city="Portland", state="OR")
    morning = await at(2024, 7, 1, 12).current_weather(location, Units.metric)
    evening = await at(2024, 7, 1, 23).current_weather(location, Units.metric)
    assert morning.temperature != evening.temperature


def test_offline_weather_follows_latitude_and_season() -> None:
    gazetteer = load_gazetteer()
    singapore = gazetteer.find("Singapore", country="SG")
    oslo = gazetteer.find("Oslo", country="NO")
    sydney = gazetteer.find("Sydney", country="AU")
    assert singapore and oslo and sydney

    def mean(place: City, month: int) -> float:
        hours = [
            datetime(2024, month, day, hour, tzinfo=UTC)
            for day in (5, 15, 25)
            for hour in (0, 6, 12, 18)
        ]
        return sum(simulate_conditions(place, when).temperature for when in hours) / len(hours)

    assert mean(oslo, 1) < 0 < mean(oslo, 7)
    assert mean(oslo, 1) < mean(singapore, 1)
    assert 20 < mean(singapore, 1) < 35
    assert mean(sydney, 1) > mean(sydney, 7)  # southern summer in January


async def test_offline_units_convert_temperature_and_wind() -> None:
    provider = at(2024, 3, 1, 9)
    location = Location(city="London", country="GB")
    metric = await provider.current_weather(location, Units.metric)
    standard = await provider.current_weather(location, Units.standard)
    imperial = await provider.current_weather(location, Units.imperial)
    assert standard.temperature == pytest.approx(metric.temperature + 273.15, abs=0.06)
    assert imperial.temperature == pytest.approx(metric.temperature * 9 / 5 + 32, abs=0.2)
    assert imperial.wind.speed == pytest.approx(metric.wind.speed * 2.237, abs=0.2)


async def test_offline_unknown_city_raises_not_found() -> None:
    with pytest.raises(LocationNotFound, match="City 'Atlantis' was not found in US"):
        await at(2024, 1, 1, 0).current_weather(Location(city="Atlantis"), Units.metric)


async def test_offline_wrong_state_suggests_leaving_it_out() -> None:
    location = Location(city="Seattle", state="OR")
    with pytest.raises(LocationNotFound, match="try leaving state out"):
        await at(2024, 1, 1, 0).current_weather(location, Units.metric)


async def test_offline_simulated_latency_awaits_before_answering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    provider = OfflineWeatherProvider(latency_seconds=0.75)
    await provider.current_weather(Location(city="Portland", state="OR"), Units.metric)
    assert slept == [0.75]
