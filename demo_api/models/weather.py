"""The current weather for a location, as every provider reports it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from demo_api.models.location import Location


class Units(StrEnum):
    """Unit systems, named as OpenWeatherMap names them."""

    standard = "standard"  # kelvin, metres per second
    metric = "metric"  # degrees Celsius, metres per second
    imperial = "imperial"  # degrees Fahrenheit, miles per hour


class Wind(BaseModel):
    speed: float = Field(description="m/s, or mph in imperial units")
    deg: int = Field(ge=0, lt=360, description="Direction the wind comes from, in degrees")


class WeatherReport(BaseModel):
    """Current conditions; ``cached`` says whether this answer came from the server's cache."""

    location: Location
    units: Units
    temperature: float
    feels_like: float
    temp_min: float
    temp_max: float
    pressure: int = Field(description="hPa at sea level")
    humidity: int = Field(ge=0, le=100, description="percent")
    description: str
    wind: Wind
    observed_at: datetime
    source: str = Field(examples=["offline", "openweathermap"])
    cached: bool = False
