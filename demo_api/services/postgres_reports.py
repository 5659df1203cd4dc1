"""Reports on a PostgreSQL server, shared by every worker on every host that points at it.

Each worker process keeps a small psycopg connection pool, opened and closed with the
app's lifespan. The repository is synchronous like the SQLite one (see
:mod:`demo_api.services.reports`): the report routes run in FastAPI's thread pool, and
psycopg's ``ConnectionPool`` hands each thread its own connection, so writes from
many threads and workers go on side by side instead of queueing on one file lock.

Every operation is one statement, so connections are in autocommit mode: a write is one
round trip to the server, not four (BEGIN, the statement, COMMIT, and a pool check). A
connection taken from the pool is checked without a round trip (:func:`_closed_by_server`), so a
server that restarted is noticed before a query is sent on a dead connection: while it
is down, answers are a 503 after ``wait_seconds``, and once it is back the pool connects
again and the API goes on without a restart. No message here shows the password of the
URL.
"""

from __future__ import annotations

import logging
import select
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
        max_connections: int = 4,
        wait_seconds: float = 3.0,
        reconnect_seconds: float = 10.0,
    ) -> None:
        """``max_connections`` per worker process: PostgreSQL does best with a few busy
        connections rather than many waiting ones (about twice its cores), and a request
        that finds them all busy waits its turn in the pool, which is fair and cheap (4
        workers x 4 = 16, well under PostgreSQL's default limit of 100, which leaves room
        for a second host); ``wait_seconds`` for a free or new connection before a 503;
        ``reconnect_seconds`` of retrying in the background before the pool waits for the
        next request to try again (short, so that a server back after a long outage is
        used at once rather than after a long back-off)."""
        self.url = url
        self._where = redact_password(url)
        self._wait_seconds = wait_seconds
        self._max_connections = max_connections
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=False,
            timeout=wait_seconds,
            reconnect_timeout=reconnect_seconds,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(wait_seconds))},
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
        try:
            with self._connect() as connection:
                version = migrate_postgres(connection)
        except BaseException:
            self._pool.close()  # its threads would keep a process that failed to start alive
            raise
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
        """A pooled connection, in autocommit mode: each statement is its own transaction."""
        try:
            connection = self._take_live_connection()
        except _UNREACHABLE as error:
            raise self._unavailable(error) from error
        try:
            yield connection
        except _UNREACHABLE as error:
            raise self._unavailable(error) from error
        finally:
            self._pool.putconn(connection)  # a broken one is dropped and replaced by the pool

    def _take_live_connection(self) -> Connection:
        """A connection from the pool that the server has not closed.

        After a server restart every pooled connection is dead at once: each is closed and
        given back (the pool opens a new one in its place) until a live or new one comes.
        The pool's own ``check`` would wait a growing delay between two dead connections.
        """
        for _ in range(self._max_connections):
            connection = self._pool.getconn()
            if not _closed_by_server(connection):
                return connection
            connection.close()
            self._pool.putconn(connection)
        return self._pool.getconn()  # every one was dead: this one is new

    def _unavailable(self, error: Exception) -> DatabaseUnavailable:
        # libpq's messages name the host and port, never the password.
        logger.error("Reports database %s unavailable: %s", self._where, error)
        return DatabaseUnavailable(_UNAVAILABLE)


def _closed_by_server(connection: Connection) -> bool:
    """Whether ``connection`` is dead; a round trip to the server only when it may be.

    An idle connection has nothing to read: when its socket is readable, the server has
    closed it (a restart or a shutdown sends a last message, then end of file), so only
    then is the connection asked for real.
    """
    if connection.closed:
        return True
    poller = select.poll()  # not select.select(), which fails on descriptors over 1023
    poller.register(connection.fileno(), select.POLLIN)
    if not poller.poll(0):
        return False
    try:
        ConnectionPool.check_connection(connection)
    except psycopg.Error:
        return True
    return False


def _to_report(row: tuple[Any, ...]) -> Report:
    report_id, city, state, country, description, created_at = row
    return Report(
        id=report_id,
        location=Location(city=city, state=state, country=country),
        description=description,
        # The server hands times back in its session's zone: the API speaks UTC.
        created_at=created_at.astimezone(UTC),
    )
