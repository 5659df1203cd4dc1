"""The weather service: a provider with a cache in front of it."""

from __future__ import annotations

from demo_api.models import Location, Units, WeatherReport
from demo_api.services.cache import TTLCache
from demo_api.services.gazetteer import name_key
from demo_api.services.providers import WeatherProvider


class WeatherService:
    """Answers weather questions, asking the provider only when the cache cannot."""

    def __init__(self, provider: WeatherProvider, cache: TTLCache[WeatherReport]) -> None:
        self.provider = provider
        self._cache = cache

    @property
    def cache(self) -> TTLCache[WeatherReport]:
        """The cache in front of the provider (its ``kind`` and ``check()`` feed the health)."""
        return self._cache

    async def get_weather(self, location: Location, units: Units) -> WeatherReport:
        key = cache_key(location, units)
        report, from_cache = await self._cache.get_or_load(key, lambda: self._load(location, units))
        # The cache holds a copy already marked ``cached``: a hit hands it out as it is.
        return report if from_cache else report.model_copy(update={"cached": False})

    def still_cached(self, location: Location, units: Units, report: WeatherReport) -> bool:
        """Whether the cache would hand out this very ``report`` now: not expired, not replaced."""
        return self._cache.peek(cache_key(location, units)) is report

    async def _load(self, location: Location, units: Units) -> WeatherReport:
        report = await self.provider.current_weather(location, units)
        return report.model_copy(update={"cached": True})


def cache_key(location: Location, units: Units) -> str:
    """Fold the location so that "São Paulo", "sao paulo" and "SAO-PAULO" share an entry."""
    return "|".join((name_key(location.city), location.state or "", location.country, units.value))
