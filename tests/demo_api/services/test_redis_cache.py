"""The Redis weather cache against a real redis-server: the contract TTLCache keeps, shared."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from realservers.redis import RedisServer

from demo_api.models import Location, Units, WeatherReport, Wind
from demo_api.services.redis_cache import PREFIX, RedisCache, connect, display_url
from demo_api.services.weather import WeatherService, cache_key

CacheFactory = Callable[..., RedisCache[WeatherReport]]
WAIT_SECONDS = 10.0


def report(city: str = "Portland", temperature: float = 20) -> WeatherReport:
    return WeatherReport(
        location=Location(city=city, state="OR" if city == "Portland" else None),
        units=Units.metric,
        temperature=temperature,
        feels_like=19,
        temp_min=18,
        temp_max=21,
        pressure=1012,
        humidity=50,
        description="clear sky",
        wind=Wind(speed=2, deg=90),
        observed_at=datetime(2024, 1, 1, tzinfo=UTC),
        source="test",
    )


class CountingLoader:
    """A load that counts its calls and, if asked, takes a while (a slow upstream)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay

    async def __call__(self) -> WeatherReport:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return report(temperature=self.calls)


class CountingProvider:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        self.calls += 1
        return report().model_copy(update={"location": location, "units": units})


@pytest.fixture
async def make_cache(redis_server: RedisServer) -> AsyncIterator[CacheFactory]:
    """Build caches on their own Redis clients, as separate processes would; all closed after."""
    caches: list[RedisCache[WeatherReport]] = []

    def factory(ttl_seconds: float = 60, *, url: str | None = None, **options: float) -> (
        RedisCache[WeatherReport]
    ):
        url = url or redis_server.url
        cache = RedisCache(
            connect(url), WeatherReport, ttl_seconds, where=display_url(url), **options
        )
        caches.append(cache)
        return cache

    yield factory
    for cache in caches:
        await cache.aclose()


async def wait_until_gone(redis_server: RedisServer, key: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while redis_server.command("EXISTS", key) != "0":
        assert time.monotonic() < deadline, f"{key} never expired"
        await asyncio.sleep(0.05)


async def test_redis_cache_miss_then_hit_loads_once(make_cache: CacheFactory) -> None:
    cache = make_cache()
    load = CountingLoader()
    first, first_cached = await cache.get_or_load("k", load)
    second, second_cached = await cache.get_or_load("k", load)
    assert (first_cached, second_cached) == (False, True)
    assert second == first
    assert load.calls == 1


async def test_redis_cache_stores_the_report_as_json_under_a_prefixed_key_with_the_ttl(
    make_cache: CacheFactory, redis_server: RedisServer
) -> None:
    await make_cache(ttl_seconds=60).get_or_load("portland|OR|US|metric", CountingLoader())
    key = f"{PREFIX}portland|OR|US|metric"
    stored = redis_server.command("HGET", key, "report")
    assert WeatherReport.model_validate_json(stored) == report(temperature=1)
    assert 0 < int(redis_server.command("PTTL", key)) <= 60_000


async def test_redis_cache_entry_expires_after_ttl(
    make_cache: CacheFactory, redis_server: RedisServer
) -> None:
    cache = make_cache(ttl_seconds=0.2)
    load = CountingLoader()
    await cache.get_or_load("k", load)
    await wait_until_gone(redis_server, f"{PREFIX}k")
    assert cache.peek("k") is None
    value, cached = await cache.get_or_load("k", load)
    assert (value.temperature, cached) == (2, False)


async def test_redis_cache_zero_ttl_caches_nothing(make_cache: CacheFactory) -> None:
    cache = make_cache(ttl_seconds=0)
    load = CountingLoader()
    await cache.get_or_load("k", load)
    await cache.get_or_load("k", load)
    assert load.calls == 2


async def test_redis_cache_entries_are_shared_between_clients(make_cache: CacheFactory) -> None:
    load = CountingLoader()
    await make_cache().get_or_load("k", load)
    value, cached = await make_cache().get_or_load("k", load)  # another process, in effect
    assert (value.temperature, cached) == (1, True)
    assert load.calls == 1


async def test_redis_cache_fifty_concurrent_asks_on_five_clients_load_once(
    make_cache: CacheFactory,
) -> None:
    caches = [make_cache() for _ in range(5)]
    load = CountingLoader(delay=0.3)  # slow enough that every ask arrives before the answer
    results = await asyncio.gather(*(caches[n % 5].get_or_load("k", load) for n in range(50)))
    assert load.calls == 1
    assert {value.temperature for value, _ in results} == {1}
    assert [cached for _, cached in results].count(False) == 1


async def test_redis_cache_failed_load_reaches_the_waiters_and_is_not_cached(
    make_cache: CacheFactory,
) -> None:
    cache = make_cache()
    calls = 0

    async def failing() -> WeatherReport:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("upstream down")

    results = await asyncio.gather(
        *(cache.get_or_load("k", failing) for _ in range(3)), return_exceptions=True
    )
    assert calls == 1
    assert all(isinstance(result, RuntimeError) for result in results)
    value, cached = await cache.get_or_load("k", CountingLoader())
    assert cached is False


async def test_redis_cache_peek_is_the_held_report_until_another_version_replaces_it(
    make_cache: CacheFactory, redis_server: RedisServer
) -> None:
    mine, theirs = make_cache(), make_cache()
    await mine.get_or_load("k", CountingLoader())
    held, _ = await mine.get_or_load("k", CountingLoader())
    assert mine.peek("k") is held
    assert (await mine.get_or_load("k", CountingLoader()))[0] is held  # same version: same object
    redis_server.command("DEL", f"{PREFIX}k")
    await theirs.get_or_load("k", CountingLoader())  # another process stores a new version
    newer, cached = await mine.get_or_load("k", CountingLoader())
    assert cached is True
    assert newer is not held
    assert mine.peek("k") is newer


async def test_weather_service_on_redis_folds_spellings_but_not_units(
    make_cache: CacheFactory,
) -> None:
    provider = CountingProvider()
    service = WeatherService(provider, make_cache())
    other_process = WeatherService(provider, make_cache())
    await service.get_weather(Location(city="São Paulo", country="BR"), Units.metric)
    folded = await other_process.get_weather(Location(city="sao paulo", country="br"), Units.metric)
    assert folded.cached is True
    assert provider.calls == 1
    await other_process.get_weather(Location(city="sao paulo", country="BR"), Units.imperial)
    assert provider.calls == 2
    assert service.cache.kind == "redis"


async def test_weather_service_on_redis_still_cached_only_for_the_cached_report(
    make_cache: CacheFactory,
) -> None:
    service = WeatherService(CountingProvider(), make_cache())
    location = Location(city="Portland", state="OR")
    fresh = await service.get_weather(location, Units.metric)
    cached = await service.get_weather(location, Units.metric)
    assert service.still_cached(location, Units.metric, cached)
    assert not service.still_cached(location, Units.metric, fresh)
    key = cache_key(location, Units.metric)
    assert service.cache.peek(key) is cached


async def test_redis_cache_down_at_start_answers_uncached_with_one_warning(
    make_cache: CacheFactory, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.stop()
    cache = make_cache(retry_seconds=0)  # try Redis on every call: still one warning
    load = CountingLoader()
    with caplog.at_level(logging.WARNING, logger="demo_api.services.redis_cache"):
        results = [await cache.get_or_load("k", load) for _ in range(10)]
        problem = await cache.check()
    assert [cached for _, cached in results] == [False] * 10
    assert load.calls == 10
    assert problem is not None and "unreachable" in problem
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


async def test_redis_cache_comes_back_with_redis(
    make_cache: CacheFactory, redis_server: RedisServer
) -> None:
    cache = make_cache(retry_seconds=0)
    load = CountingLoader()
    await cache.get_or_load("k", load)
    held, _ = await cache.get_or_load("k", load)
    redis_server.stop()
    assert (await cache.get_or_load("k", load))[1] is False
    assert cache.peek("k") is None  # an answer kept while Redis was up is not replayed now
    redis_server.start()
    assert await cache.check() is None
    await cache.get_or_load("k", load)
    assert (await cache.get_or_load("k", load))[1] is True


async def test_redis_cache_password_never_reaches_the_log_or_the_check(
    make_cache: CacheFactory, caplog: pytest.LogCaptureFixture
) -> None:
    url = "redis://:sekrit-pass@127.0.0.1:1/0"  # nothing listens on port 1
    cache = make_cache(url=url)
    with caplog.at_level(logging.WARNING, logger="demo_api.services.redis_cache"):
        await cache.get_or_load("k", CountingLoader())
        problem = await cache.check()
    assert problem is not None and "redis://127.0.0.1:1/0" in problem
    assert "sekrit" not in caplog.text + problem
    assert display_url("unix:///run/redis/redis.sock") == "unix:///run/redis/redis.sock"
