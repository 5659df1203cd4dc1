"""Every knob of the demo API in one pydantic-settings class.

Values come from keyword arguments (tests), then ``WEATHER_*`` environment
variables, then a ``.env`` file in the working directory, then the defaults
below. With no configuration at all the API runs offline on a local SQLite file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

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
        # A rejected value is not echoed in the error: it may be a key or a database URL
        # with its password, and the error goes to the service's log.
        hide_input_in_errors=True,
    )

    provider: Literal["auto", "offline", "openweathermap"] = "auto"
    """``auto`` uses OpenWeatherMap when an API key is set, the offline provider otherwise."""

    openweathermap_api_key: SecretStr | None = None
    openweathermap_url: str = "https://api.openweathermap.org/data/2.5/weather"
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)

    database_path: Path = Path("demo_api.sqlite3")
    database_url: SecretStr | None = None
    """Where reports are kept: ``postgresql://user:password@host:port/db`` for a PostgreSQL
    server, ``sqlite:///path`` or a bare path for a SQLite file. Unset: ``database_path``."""
    cache_ttl_seconds: float = Field(default=3600.0, ge=0)
    cache_url: SecretStr = SecretStr("memory")
    """``memory`` (each worker its own) or a Redis every worker and host shares:
    ``redis://[:password@]host:port/N``, ``rediss://…`` (TLS) or ``unix:///path/redis.sock``.
    Secret, as ``database_url`` is: it may hold Redis's password."""
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

    @field_validator("cache_url", mode="before")
    @classmethod
    def _known_cache(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if not isinstance(value, str):
            return value  # pydantic says what type it wants
        value = value.strip()
        if value == "memory" or value.partition("://")[0] in {"redis", "rediss", "unix"}:
            return value
        scheme = value.partition("://")[0] if "://" in value else value[:20]
        raise ValueError(
            f"WEATHER_CACHE_URL must be 'memory', 'redis://host:port/N', 'rediss://…' or "
            f"'unix:///path/redis.sock', not {scheme!r}"
        )

    @field_validator("database_url", mode="before")
    @classmethod
    def _known_database_kind(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None  # "WEATHER_DATABASE_URL=" in a .env means "not set"
        if isinstance(value, str) and "://" in value:
            scheme = value.partition("://")[0].lower()
            if scheme not in _POSTGRES_SCHEMES and scheme != "sqlite":
                raise ValueError(
                    f"WEATHER_DATABASE_URL must start with postgresql:// or sqlite:///, "
                    f"or be a path to a SQLite file; got a {scheme}:// address"
                )
        return value

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

    @property
    def database(self) -> DatabaseTarget:
        """The reports store chosen by ``database_url`` (else ``database_path``)."""
        if self.database_url is None:
            return DatabaseTarget("sqlite", path=self.database_path)
        url = self.database_url.get_secret_value()
        scheme = url.partition("://")[0].lower()
        if scheme in _POSTGRES_SCHEMES:
            return DatabaseTarget("postgresql", url=url)
        if scheme == "sqlite":
            # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy writes them.
            return DatabaseTarget("sqlite", path=Path(url.partition("://")[2].removeprefix("/")))
        return DatabaseTarget("sqlite", path=Path(url))


_POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseTarget:
    """A store kind and where it is: a SQLite ``path`` or a PostgreSQL ``url``."""

    kind: Literal["sqlite", "postgresql"]
    path: Path | None = None
    url: str | None = None

    def __str__(self) -> str:
        """Where the store is, fit for a log line: a password is never shown."""
        return str(self.path) if self.url is None else redact_password(self.url)


def redact_password(url: str) -> str:
    """``url`` with the password (if any) replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
