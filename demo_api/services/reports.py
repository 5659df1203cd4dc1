"""Where reports are kept: a small repository interface and its SQLite implementation.

The interface is synchronous: the report routes are plain ``def`` functions that FastAPI
runs in its thread pool, SQLite's driver blocks, and PostgreSQL's repository
(:mod:`demo_api.services.postgres_reports`) uses psycopg's thread-safe connection pool,
so both stores serve the same routes and tests with no event-loop hop in between.

SQLite in WAL mode lets several worker processes read while one writes, and
keeps reports across restarts. Each process keeps one connection and takes
turns on it: opening a connection per operation costs little, but closing the
last one checkpoints the write-ahead log and syncs the file, which made every
write take milliseconds, and threads of one process writing through separate
connections wait for each other in SQLite's busy loop, which sleeps. Before
each operation the file is looked up again, so a database that has gone away
is noticed at once instead of being written to as a deleted file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import quote

from demo_api.models import Location, Report, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable, ReportNotFound
from demo_api.services.migrations import migrate_sqlite
from demo_api.settings import DatabaseTarget

logger = logging.getLogger(__name__)

_COLUMNS = "id, city, state, country, description, created_at"


class ReportRepository(Protocol):
    """What the API needs from a reports store: SQLite or PostgreSQL."""

    kind: Literal["sqlite", "postgresql"]

    def open(self) -> None:
        """Connect and bring the schema up to date; raise :class:`DatabaseUnavailable`."""
        ...

    def close(self) -> None: ...

    def add(self, submittal: ReportSubmittal) -> Report: ...

    def get(self, report_id: int) -> Report: ...

    def latest(self, limit: int) -> list[Report]: ...

    def replace(self, report_id: int, submittal: ReportSubmittal) -> Report: ...

    def delete(self, report_id: int) -> None: ...

    def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` unless the store answers."""
        ...


def build_report_repository(target: DatabaseTarget) -> ReportRepository:
    """The repository for ``target`` (``Settings.database``), not opened yet."""
    if target.kind == "postgresql":
        assert target.url is not None
        # Imported here: an API on SQLite never loads the PostgreSQL driver.
        from demo_api.services.postgres_reports import PostgresReportRepository

        return PostgresReportRepository(target.url)
    assert target.path is not None
    return SQLiteReportRepository(target.path)


class SQLiteReportRepository:
    """Reports in one SQLite file, shared by every worker process that opens it."""

    kind: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, path: Path, *, busy_timeout_seconds: float = 5.0) -> None:
        self.path = path
        self._busy_timeout_seconds = busy_timeout_seconds
        # mode=rw: never silently create a fresh, empty database if the file vanished.
        self._uri = f"file:{quote(str(path.resolve()))}?mode=rw"
        # Routes run in a thread pool: the lock gives the one connection to one thread at a time.
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None  # (device, inode) the connection opened

    def open(self) -> None:
        """Create the file if needed, switch it to WAL mode and apply the schema migrations."""
        try:
            connection = sqlite3.connect(
                self.path, timeout=self._busy_timeout_seconds, isolation_level=None
            )
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"Cannot open the reports database {self.path}") from error
        try:
            # Workers starting together race for the lock that changing the journal
            # mode needs, and SQLite does not always wait for it: retry briefly.
            for attempt in range(50):
                try:
                    connection.execute("PRAGMA journal_mode=WAL")
                    migrate_sqlite(connection)
                    break
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or attempt == 49:
                        raise DatabaseUnavailable(
                            f"Cannot prepare the reports database {self.path}: {error}"
                        ) from error
                    time.sleep(0.05)
        finally:
            connection.close()

    def close(self) -> None:
        """Fold the write-ahead log back into the database file (other workers may go on)."""
        try:
            with self._connect() as connection:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except DatabaseUnavailable:
            logger.warning("Could not checkpoint %s on shutdown", self.path)
        with self._lock:
            self._disconnect()

    def add(self, submittal: ReportSubmittal) -> Report:
        created_at = datetime.now(UTC)
        location = submittal.location
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO reports (city, state, country, description, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    location.city,
                    location.state,
                    location.country,
                    submittal.description,
                    created_at.isoformat(),
                ),
            )
        assert cursor.lastrowid is not None
        return Report(
            id=cursor.lastrowid,
            location=location,
            description=submittal.description,
            created_at=created_at,
        )

    def get(self, report_id: int) -> Report:
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,)
            ).fetchone()
        if row is None:
            raise ReportNotFound(report_id)
        return _to_report(row)

    def latest(self, limit: int) -> list[Report]:
        """The ``limit`` newest reports, newest first."""
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM reports ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_to_report(row) for row in rows]

    def replace(self, report_id: int, submittal: ReportSubmittal) -> Report:
        location = submittal.location
        with self._connect() as connection:
            cursor = connection.execute(
                "UPDATE reports SET city = ?, state = ?, country = ?, description = ? WHERE id = ?",
                (location.city, location.state, location.country, submittal.description, report_id),
            )
            if cursor.rowcount == 0:
                raise ReportNotFound(report_id)
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,)
            ).fetchone()
        return _to_report(row)

    def delete(self, report_id: int) -> None:
        with self._connect() as connection:
            cursor = connection.execute("DELETE FROM reports WHERE id = ?", (report_id,))
        if cursor.rowcount == 0:
            raise ReportNotFound(report_id)

    def ping(self) -> None:
        with self._connect() as connection:
            connection.execute("SELECT count(*) FROM reports").fetchone()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The process's connection, in a transaction: committed on success, else rolled back."""
        with self._lock:
            connection = self._connection_to_current_file()
            try:
                with connection:
                    yield connection
            except sqlite3.Error as error:
                logger.error("Reports database error in %s: %s", self.path, error)
                self._disconnect()  # the next operation starts on a fresh connection
                raise DatabaseUnavailable("The reports database is unavailable") from error

    def _connection_to_current_file(self) -> sqlite3.Connection:
        try:
            stat = os.stat(self.path)
            file_id = (stat.st_dev, stat.st_ino)
        except OSError:
            file_id = None  # gone: connecting below fails with the usual error
        if self._connection is not None and file_id == self._file_id:
            return self._connection
        self._disconnect()
        try:
            self._connection = sqlite3.connect(
                self._uri, uri=True, timeout=self._busy_timeout_seconds, check_same_thread=False
            )
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: the file cannot
            # be corrupted, and only a power cut (not a crash) may lose the latest reports.
            self._connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as error:
            logger.error("Cannot open %s: %s", self.path, error)
            self._disconnect()
            raise DatabaseUnavailable("The reports database is unavailable") from error
        self._file_id = file_id
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._file_id = None


def _to_report(row: tuple[int, str, str | None, str, str, str]) -> Report:
    report_id, city, state, country, description, created_at = row
    return Report(
        id=report_id,
        location=Location(city=city, state=state, country=country),
        description=description,
        created_at=datetime.fromisoformat(created_at),
    )
