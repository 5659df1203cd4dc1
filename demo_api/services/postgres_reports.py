"""Reports on a PostgreSQL server, shared by every worker on every host that points at it.

Each worker process keeps a small psycopg connection pool, opened and closed with the
app's lifespan. The repository is synchronous like the SQLite one (see
:mod:`demo_api.services.reports`): the report routes run in FastAPI's thread pool, and
psycopg's ``ConnectionPool`` hands each thread its own connection, so writes from
many threads and workers go on side by side instead of queueing on one file lock.

A connection is checked when it is taken from the pool (one empty round trip), so a
server that restarted is noticed before a query is sent on a dead connection: while it
is down, answers are a 503 after ``wait_seconds``, and once it is back the pool
connects again and the API goes on without a restart. No message here shows the
password of the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from demo_api.models import Location, Report, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable, ReportNotFound
from demo_api.services.migrations import migrate_postgres
from demo_api.settings import redact_password

logger = logging.getLogger(__name__)

_COLUMNS = "id, city, state, country, description, created_at"
_UNAVAILABLE = "The reports database is unavailable"
# What a server that is down, restarting or out of connections raises; anything else
# (a bad query) is a bug and stays a 500.
_UNREACHABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout, PoolClosed)

Connection = psycopg.Connection[tuple[Any, ...]]


class PostgresReportRepository:
    """Reports in a PostgreSQL database given by a ``postgresql://`` URL."""

    kind: Literal["sqlite", "postgresql"] = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        max_connections: int = 10,
        wait_seconds: float = 3.0,
        reconnect_seconds: float = 10.0,
    ) -> None:
        """``max_connections`` per worker process (4 workers: 40, under PostgreSQL's default
        100); ``wait_seconds`` for a free or new connection before answering 503;
        ``reconnect_seconds`` of retrying in the background before the pool waits for the
        next request to try again (short, so that a server back after a long outage is
        used at once rather than after a long back-off)."""
        self.url = url
        self._where = redact_password(url)
        self._wait_seconds = wait_seconds
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=False,
            timeout=wait_seconds,
            reconnect_timeout=reconnect_seconds,
            check=ConnectionPool.check_connection,
            kwargs={"connect_timeout": max(1, round(wait_seconds))},
            name="reports",
        )

    def open(self) -> None:
        """Connect, and bring the schema up to date (several workers may start at once)."""
        try:
            self._pool.open(wait=True, timeout=self._wait_seconds * 2)
        except _UNREACHABLE as error:
            self._pool.close()
            raise DatabaseUnavailable(
                f"Cannot reach the reports database at {self._where}; is PostgreSQL running "
                "and the address, user and password in WEATHER_DATABASE_URL right?"
            ) from error
        with self._connect() as connection:
            version = migrate_postgres(connection)
        logger.info("Reports database %s at schema version %s", self._where, version)

    def close(self) -> None:
        self._pool.close()

    def add(self, submittal: ReportSubmittal) -> Report:
        created_at = datetime.now(UTC)
        location = submittal.location
        with self._connect() as connection:
            row = connection.execute(
                "INSERT INTO reports (city, state, country, description, created_at)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (
                    location.city,
                    location.state,
                    location.country,
                    submittal.description,
                    created_at,
                ),
            ).fetchone()
        assert row is not None
        return Report(
            id=row[0], location=location, description=submittal.description, created_at=created_at
        )

    def get(self, report_id: int) -> Report:
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM reports WHERE id = %s", (report_id,)
            ).fetchone()
        if row is None:
            raise ReportNotFound(report_id)
        return _to_report(row)

    def latest(self, limit: int) -> list[Report]:
        """The ``limit`` newest reports, newest first."""
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM reports ORDER BY id DESC LIMIT %s", (limit,)
            ).fetchall()
        return [_to_report(row) for row in rows]

    def replace(self, report_id: int, submittal: ReportSubmittal) -> Report:
        location = submittal.location
        with self._connect() as connection:
            row = connection.execute(
                "UPDATE reports SET city = %s, state = %s, country = %s, description = %s"
                f" WHERE id = %s RETURNING {_COLUMNS}",
                (location.city, location.state, location.country, submittal.description, report_id),
            ).fetchone()
        if row is None:
            raise ReportNotFound(report_id)
        return _to_report(row)

    def delete(self, report_id: int) -> None:
        with self._connect() as connection:
            deleted = connection.execute("DELETE FROM reports WHERE id = %s", (report_id,))
        if deleted.rowcount == 0:
            raise ReportNotFound(report_id)

    def ping(self) -> None:
        with self._connect() as connection:
            connection.execute("SELECT count(*) FROM reports").fetchone()

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A pooled connection in a transaction: committed on success, else rolled back."""
        try:
            with self._pool.connection() as connection:
                yield connection
        except _UNREACHABLE as error:
            # libpq's messages name the host and port, never the password.
            logger.error("Reports database %s unavailable: %s", self._where, error)
            raise DatabaseUnavailable(_UNAVAILABLE) from error


def _to_report(row: tuple[Any, ...]) -> Report:
    report_id, city, state, country, description, created_at = row
    return Report(
        id=report_id,
        location=Location(city=city, state=state, country=country),
        description=description,
        # The server hands times back in its session's zone: the API speaks UTC.
        created_at=created_at.astimezone(UTC),
    )
