"""Weather providers: where current conditions come from, behind one small interface."""

from __future__ import annotations

from typing import Protocol

import httpx

from demo_api.models import Location, Units, WeatherReport
from demo_api.settings import Settings


class WeatherProvider(Protocol):
    """Anything that can report the current weather for a location."""

    name: str

    async def current_weather(self, location: Location, units: Units) -> WeatherReport:
        """Return conditions now, or raise a :mod:`demo_api.services.errors` error."""
        ...


def build_provider(settings: Settings, client: httpx.AsyncClient) -> WeatherProvider:
    """The provider the settings ask for; ``client`` is only used by OpenWeatherMap."""
    # Imported here so each provider module can import this one for the Protocol.
    from demo_api.services.providers.offline import OfflineWeatherProvider
    from demo_api.services.providers.openweathermap import OpenWeatherMapProvider

    if settings.provider_name == "openweathermap" and settings.openweathermap_api_key:
        return OpenWeatherMapProvider(
            client,
            settings.openweathermap_api_key.get_secret_value(),
            url=settings.openweathermap_url,
            timeout_seconds=settings.upstream_timeout_seconds,
        )
    return OfflineWeatherProvider(latency_seconds=settings.simulated_latency_seconds)
