from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from demo_api.models import Location, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable
from demo_api.services.reports import SQLiteReportRepository


def submittal(description: str = "misty") -> ReportSubmittal:
    return ReportSubmittal(location=Location(city="Portland", state="OR"), description=description)


@pytest.fixture
def repository(tmp_path: Path) -> SQLiteReportRepository:
    repository = SQLiteReportRepository(tmp_path / "reports.sqlite3")
    repository.open()
    return repository


def test_sqlite_open_switches_the_file_to_wal_mode(repository: SQLiteReportRepository) -> None:
    with sqlite3.connect(repository.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_two_repositories_on_one_file_see_each_other(tmp_path: Path) -> None:
    writer = SQLiteReportRepository(tmp_path / "shared.sqlite3")
    reader = SQLiteReportRepository(tmp_path / "shared.sqlite3")
    writer.open()
    reader.open()
    added = writer.add(submittal())
    assert reader.latest(10) == [added]


def test_sqlite_missing_file_is_unavailable_not_recreated(tmp_path: Path) -> None:
    repository = SQLiteReportRepository(tmp_path / "reports.sqlite3")
    with pytest.raises(DatabaseUnavailable):
        repository.ping()
    assert not (tmp_path / "reports.sqlite3").exists()


def test_sqlite_open_in_missing_folder_is_unavailable(tmp_path: Path) -> None:
    repository = SQLiteReportRepository(tmp_path / "no" / "such" / "reports.sqlite3")
    with pytest.raises(DatabaseUnavailable, match="Cannot open the reports database"):
        repository.open()


def test_sqlite_file_removed_after_use_is_unavailable(
    repository: SQLiteReportRepository,
) -> None:
    repository.add(submittal())
    repository.path.unlink()
    with pytest.raises(DatabaseUnavailable):
        repository.add(submittal("written into a deleted file?"))
    with pytest.raises(DatabaseUnavailable):
        repository.ping()


def test_sqlite_file_replaced_after_use_is_followed(
    repository: SQLiteReportRepository, tmp_path: Path
) -> None:
    repository.add(submittal("old"))
    for leftover in tmp_path.glob("reports.sqlite3*"):
        leftover.unlink()
    replacement = SQLiteReportRepository(repository.path)
    replacement.open()
    added = replacement.add(submittal("new"))
    assert repository.latest(10) == [added]


def test_sqlite_close_then_use_reconnects(repository: SQLiteReportRepository) -> None:
    added = repository.add(submittal())
    repository.close()
    assert repository.get(added.id) == added
