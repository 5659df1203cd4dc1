"""Every knob of the demo API in one pydantic-settings class.

Values come from keyword arguments (tests), then ``WEATHER_*`` environment
variables, then a ``.env`` file in the working directory, then the defaults
below. With no configuration at all the API runs offline on a local SQLite file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# In development a course page may be served from any loopback address and port
# (`coursegen dev --port 8091`, a student's own server): those origins may call the API.
LOOPBACK_ORIGIN = r"https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?"


class Settings(BaseSettings):
    """Configuration for :func:`demo_api.main.create_app`."""

    model_config = SettingsConfigDict(
        env_prefix="WEATHER_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A bad value is named in the error, never echoed: URLs may hold a password.
        hide_input_in_errors=True,
    )

    provider: Literal["auto", "offline", "openweathermap"] = "auto"
    """``auto`` uses OpenWeatherMap when an API key is set, the offline provider otherwise."""

    openweathermap_api_key: SecretStr | None = None
    openweathermap_url: str = "https://api.openweathermap.org/data/2.5/weather"
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)

    database_path: Path = Path("demo_api.sqlite3")
    cache_ttl_seconds: float = Field(default=3600.0, ge=0)
    cache_url: str = "memory"
    """``memory`` (each worker its own) or a Redis every worker and host shares:
    ``redis://[:password@]host:port/N``, ``rediss://…`` (TLS) or ``unix:///path/redis.sock``."""
    environment: Literal["development", "production"] = "development"
    """``production`` (set by the systemd unit) allows only the origins in ``cors_origins``."""

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Origins of pages allowed to call the API, besides loopback ones in development."""
    docs_enabled: bool = True
    simulated_latency_seconds: float = Field(default=0.0, ge=0, le=30)
    max_body_bytes: int = Field(default=64 * 1024, gt=0)

    @field_validator("openweathermap_api_key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: object) -> object:
        # .env.example ships "WEATHER_OPENWEATHERMAP_API_KEY=" for "no key".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # Environment variables are plain strings: accept "http://a, http://b".
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cache_url")
    @classmethod
    def _known_cache(cls, value: str) -> str:
        value = value.strip()
        if value == "memory" or value.partition("://")[0] in {"redis", "rediss", "unix"}:
            return value
        scheme = value.partition("://")[0] if "://" in value else value[:20]
        raise ValueError(
            f"WEATHER_CACHE_URL must be 'memory', 'redis://host:port/N', 'rediss://…' or "
            f"'unix:///path/redis.sock', not {scheme!r}"
        )

    @model_validator(mode="after")
    def _key_for_openweathermap(self) -> Settings:
        if self.provider == "openweathermap" and not self.openweathermap_api_key:
            raise ValueError(
                "WEATHER_PROVIDER=openweathermap needs WEATHER_OPENWEATHERMAP_API_KEY; "
                "leave the provider on 'auto' to run offline without a key"
            )
        return self

    @property
    def cors_origin_regex(self) -> str | None:
        """A pattern of further allowed origins: any loopback one, in development only."""
        return LOOPBACK_ORIGIN if self.environment == "development" else None

    @property
    def provider_name(self) -> Literal["offline", "openweathermap"]:
        """The provider actually used once ``auto`` is resolved."""
        if self.provider == "auto":
            return "openweathermap" if self.openweathermap_api_key else "offline"
        return self.provider
