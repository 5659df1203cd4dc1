from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from demo_api.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("PROVIDER", "OPENWEATHERMAP_API_KEY", "CORS_ORIGINS", "DATABASE_PATH",
                 "DATABASE_URL", "ENVIRONMENT", "CACHE_URL"):
        monkeypatch.delenv(f"WEATHER_{name}", raising=False)


def test_settings_defaults_run_offline_on_a_local_file() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.provider_name == "offline"
    assert settings.database_path == Path("demo_api.sqlite3")
    assert settings.cache_ttl_seconds == 3600
    assert settings.environment == "development"
    assert settings.cors_origins == []
    assert settings.cors_origin_regex is not None  # any loopback page, see test_main
    assert settings.docs_enabled is True
    assert settings.simulated_latency_seconds == 0


def test_settings_read_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEATHER_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("WEATHER_DATABASE_PATH", "/tmp/x.sqlite3")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.database_path == Path("/tmp/x.sqlite3")


def test_settings_read_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WEATHER_DOCS_ENABLED=false\nWEATHER_CACHE_TTL_SECONDS=60\n")
    settings = Settings()
    assert settings.docs_enabled is False
    assert settings.cache_ttl_seconds == 60


def test_settings_key_switches_auto_provider_to_openweathermap() -> None:
    settings = Settings(_env_file=None, openweathermap_api_key=SecretStr("abc"))  # type: ignore[call-arg]
    assert settings.provider_name == "openweathermap"
    assert "abc" not in repr(settings)


def test_settings_openweathermap_without_key_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="needs WEATHER_OPENWEATHERMAP_API_KEY"):
        Settings(_env_file=None, provider="openweathermap")  # type: ignore[call-arg]


def test_settings_cache_url_defaults_to_memory_and_reads_redis_urls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(_env_file=None).cache_url.get_secret_value() == "memory"  # type: ignore[call-arg]
    monkeypatch.setenv("WEATHER_CACHE_URL", "unix:///run/redis/redis.sock")
    url = Settings(_env_file=None).cache_url.get_secret_value()  # type: ignore[call-arg]
    assert url == "unix:///run/redis/redis.sock"


def test_settings_repr_hides_the_redis_password() -> None:
    settings = Settings(_env_file=None, cache_url="redis://:sekrit@cache.internal:6379/0")  # type: ignore[call-arg]
    assert "sekrit" not in repr(settings)
    assert settings.cache_url.get_secret_value() == "redis://:sekrit@cache.internal:6379/0"


def test_settings_unknown_cache_url_is_explained_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, cache_url="memcached://:sekrit@host:11211")  # type: ignore[call-arg]
    message = str(caught.value)
    assert "WEATHER_CACHE_URL must be 'memory', 'redis://host:port/N'" in message
    assert "'memcached'" in message
    assert "sekrit" not in message


@pytest.mark.parametrize(
    ("url", "kind", "path"),
    [
        (None, "sqlite", Path("demo_api.sqlite3")),
        ("", "sqlite", Path("demo_api.sqlite3")),
        ("reports.db", "sqlite", Path("reports.db")),
        ("sqlite:///data/reports.db", "sqlite", Path("data/reports.db")),
        ("sqlite:////srv/reports.db", "sqlite", Path("/srv/reports.db")),
        ("postgresql://app:pw@db.internal:5432/weather", "postgresql", None),
        ("postgres://app@localhost/weather", "postgresql", None),
    ],
)
def test_settings_database_url_chooses_the_store(
    monkeypatch: pytest.MonkeyPatch, url: str | None, kind: str, path: Path | None
) -> None:
    if url is not None:
        monkeypatch.setenv("WEATHER_DATABASE_URL", url)
    database = Settings(_env_file=None).database  # type: ignore[call-arg]
    assert (database.kind, database.path) == (kind, path)


def test_settings_database_path_still_works_without_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEATHER_DATABASE_PATH", "/tmp/old-style.sqlite3")
    assert Settings(_env_file=None).database.path == Path("/tmp/old-style.sqlite3")  # type: ignore[call-arg]


def test_settings_database_url_of_an_unknown_kind_is_refused_without_its_password() -> None:
    with pytest.raises(ValidationError, match="must start with postgresql:// or sqlite:///") as e:
        Settings(_env_file=None, database_url="mysql://app:hunter2@db/weather")  # type: ignore[call-arg]
    assert "hunter2" not in str(e.value)


def test_settings_repr_hides_the_database_password() -> None:
    url = "postgresql://app:hunter2@db.internal:5432/weather"
    assert "hunter2" not in repr(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]


def test_settings_database_shown_in_a_log_hides_the_password() -> None:
    url = "postgresql://app:hunter2@db.internal:5432/weather"
    database = Settings(_env_file=None, database_url=url).database  # type: ignore[call-arg]
    assert str(database) == "postgresql://app:***@db.internal:5432/weather"
