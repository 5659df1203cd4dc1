"""Where reports are kept: a small repository interface and its SQLite implementation.

SQLite in WAL mode lets several worker processes read while one writes, and
keeps reports across restarts. Each operation opens its own short-lived
connection: that is cheap for SQLite, needs no locking between threads, and
notices at once when the database file has gone away.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from demo_api.models import Location, Report, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable, ReportNotFound

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    city        TEXT NOT NULL,
    state       TEXT,
    country     TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL
)
"""
_COLUMNS = "id, city, state, country, description, created_at"


class ReportRepository(Protocol):
    """What the API needs from a reports store; a server database could replace SQLite."""

    def add(self, submittal: ReportSubmittal) -> Report: ...

    def get(self, report_id: int) -> Report: ...

    def latest(self, limit: int) -> list[Report]: ...

    def replace(self, report_id: int, submittal: ReportSubmittal) -> Report: ...

    def delete(self, report_id: int) -> None: ...

    def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` unless the store answers."""
        ...


class SQLiteReportRepository:
    """Reports in one SQLite file, shared by every worker process that opens it."""

    def __init__(self, path: Path, *, busy_timeout_seconds: float = 5.0) -> None:
        self.path = path
        self._busy_timeout_seconds = busy_timeout_seconds
        # mode=rw: never silently create a fresh, empty database if the file vanished.
        self._uri = f"file:{quote(str(path.resolve()))}?mode=rw"

    def open(self) -> None:
        """Create the file and table if needed, and switch the file to WAL mode."""
        try:
            connection = sqlite3.connect(self.path, timeout=self._busy_timeout_seconds)
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"Cannot open the reports database {self.path}") from error
        try:
            # Workers starting together race for the lock that changing the journal
            # mode needs, and SQLite does not always wait for it: retry briefly.
            for attempt in range(50):
                try:
                    connection.execute("PRAGMA journal_mode=WAL")
                    with connection:
                        connection.execute(_SCHEMA)
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
        try:
            connection = sqlite3.connect(self._uri, uri=True, timeout=self._busy_timeout_seconds)
        except sqlite3.Error as error:
            logger.error("Cannot open %s: %s", self.path, error)
            raise DatabaseUnavailable("The reports database is unavailable") from error
        try:
            with connection:  # commit on success, roll back on any exception
                yield connection
        except sqlite3.Error as error:
            logger.error("Reports database error in %s: %s", self.path, error)
            raise DatabaseUnavailable("The reports database is unavailable") from error
        finally:
            connection.close()


def _to_report(row: tuple[int, str, str | None, str, str, str]) -> Report:
    report_id, city, state, country, description, created_at = row
    return Report(
        id=report_id,
        location=Location(city=city, state=state, country=country),
        description=description,
        created_at=datetime.fromisoformat(created_at),
    )
