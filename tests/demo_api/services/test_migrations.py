from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest

from demo_api.models import Location, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable
from demo_api.services.migrations import (
    POSTGRES_MIGRATIONS,
    SQLITE_MIGRATIONS,
    Migration,
    migrate_postgres,
    migrate_sqlite,
)
from demo_api.services.reports import SQLiteReportRepository

# The schema the API wrote before migrations existed (no schema_version table).
UNVERSIONED_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    city        TEXT NOT NULL,
    state       TEXT,
    country     TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL
)
"""
SQLITE_V2 = Migration(2, "reports by place", "CREATE INDEX reports_city ON reports (city)")
POSTGRES_V2 = Migration(2, "reports by place", "CREATE INDEX reports_city ON reports (city)")


def submittal(description: str = "misty") -> ReportSubmittal:
    return ReportSubmittal(location=Location(city="Portland", state="OR"), description=description)


def sqlite_versions(path: Path) -> list[int]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT version FROM schema_version")]


def test_migrations_sqlite_file_from_before_migrations_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(UNVERSIONED_SCHEMA)
        connection.execute(
            "INSERT INTO reports (city, state, country, description, created_at)"
            " VALUES ('Portland', 'OR', 'US', 'kept', '2026-01-02T03:04:05+00:00')"
        )
    connection.close()

    repository = SQLiteReportRepository(path)
    repository.open()

    [old] = repository.latest(10)
    assert (old.id, old.description) == (1, "kept")
    assert repository.add(submittal("new")).id == 2
    assert sqlite_versions(path) == [1]


def test_migrations_sqlite_pending_steps_apply_once_in_order(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    SQLiteReportRepository(path).open()  # version 1, as the API ships it
    steps = (*SQLITE_MIGRATIONS, SQLITE_V2)
    for _ in range(2):
        with sqlite3.connect(path, isolation_level=None) as connection:
            assert migrate_sqlite(connection, steps) == 2
        connection.close()
    assert sqlite_versions(path) == [1, 2]
    with sqlite3.connect(path) as connection:
        indexes = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        assert "reports_city" in [row[0] for row in indexes]
    connection.close()


def test_migrations_sqlite_database_newer_than_the_api_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as connection:
        migrate_sqlite(connection, (*SQLITE_MIGRATIONS, SQLITE_V2))
    connection.close()
    with pytest.raises(DatabaseUnavailable, match=r"schema version 2, newer than this API knows"):
        SQLiteReportRepository(path).open()


def test_migrations_sqlite_workers_starting_together_apply_each_step_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reports.sqlite3"
    start = threading.Barrier(8)

    def open_one(_: int) -> None:
        start.wait()
        SQLiteReportRepository(path).open()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(open_one, range(8)))
    assert sqlite_versions(path) == [1]


def postgres_versions(url: str) -> list[int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT version FROM schema_version ORDER BY version")
        return [row[0] for row in rows]


def test_migrations_postgres_pending_steps_apply_once_in_order(postgres_url: str) -> None:
    upgraded = (*POSTGRES_MIGRATIONS, POSTGRES_V2)
    for steps in (POSTGRES_MIGRATIONS, POSTGRES_MIGRATIONS, upgraded, upgraded):
        with psycopg.connect(postgres_url) as connection:
            assert migrate_postgres(connection, steps) == len(steps)
    assert postgres_versions(postgres_url) == [1, 2]


def test_migrations_postgres_database_newer_than_the_api_is_refused_clearly(
    postgres_url: str,
) -> None:
    with psycopg.connect(postgres_url) as connection:
        migrate_postgres(connection, (*POSTGRES_MIGRATIONS, POSTGRES_V2))
        with pytest.raises(DatabaseUnavailable, match=r"schema version 2, newer than this API"):
            migrate_postgres(connection)


def test_migrations_postgres_workers_starting_together_apply_each_step_once(
    postgres_url: str,
) -> None:
    # Without the advisory lock, two CREATE TABLE IF NOT EXISTS at once fail on PostgreSQL's
    # catalog, and two workers would both record version 1.
    connections = [psycopg.connect(postgres_url) for _ in range(8)]
    start = threading.Barrier(8)

    def migrate(connection: psycopg.Connection[Any]) -> int:
        start.wait()
        return migrate_postgres(connection)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(migrate, connections)) == [1] * 8
    finally:
        for connection in connections:
            connection.close()
    assert postgres_versions(postgres_url) == [1]
