"""The weather service: a provider with a cache in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from demo_api.models import Location, Units, WeatherReport
from demo_api.services.cache import Cache, TTLCache
from demo_api.services.gazetteer import name_key
from demo_api.services.providers import WeatherProvider
from demo_api.settings import Settings


class WeatherService:
    """Answers weather questions, asking the provider only when the cache cannot."""

    def __init__(self, provider: WeatherProvider, cache: Cache[WeatherReport]) -> None:
        self.provider = provider
        self.cache = cache  # public: the health endpoint reports its kind and check()

    async def get_weather(self, location: Location, units: Units) -> WeatherReport:
        key = cache_key(location, units)
        report, from_cache = await self.cache.get_or_load(key, lambda: self._load(location, units))
        # The cache holds a copy already marked ``cached``: a hit hands it out as it is.
        return report if from_cache else report.model_copy(update={"cached": False})

    def still_cached(self, location: Location, units: Units, report: WeatherReport) -> bool:
        """Whether the cache would hand out this very ``report`` now: not expired, not replaced."""
        return self.cache.peek(cache_key(location, units)) is report

    async def _load(self, location: Location, units: Units) -> WeatherReport:
        report = await self.provider.current_weather(location, units)
        return report.model_copy(update={"cached": True})


def cache_key(location: Location, units: Units) -> str:
    """Fold the location so that "São Paulo", "sao paulo" and "SAO-PAULO" share an entry."""
    return "|".join((name_key(location.city), location.state or "", location.country, units.value))


@asynccontextmanager
async def open_weather_cache(settings: Settings) -> AsyncIterator[Cache[WeatherReport]]:
    """The cache ``WEATHER_CACHE_URL`` names, open for the app's lifetime.

    ``memory`` needs nothing; for Redis the connection pool is closed on the way out, and
    a Redis that is down at start is only a warning: answers come, uncached, until it is up.
    """
    url = settings.cache_url.get_secret_value()
    if url == "memory":
        yield TTLCache(settings.cache_ttl_seconds)
        return
    from demo_api.services.redis_cache import RedisCache, connect, display_url

    cache = RedisCache(
        connect(url),
        WeatherReport,
        settings.cache_ttl_seconds,
        where=display_url(url),
        # The loader holds the lock for as long as an upstream call may take.
        lock_seconds=settings.upstream_timeout_seconds + 5,
    )
    try:
        await cache.check()  # logs the warning now if Redis is not there
        yield cache
    finally:
        await cache.aclose()
