"""The reports contract every store keeps, run on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from realservers.postgres import STORES, store_overrides

from demo_api.models import Location, ReportSubmittal
from demo_api.services.errors import ReportNotFound
from demo_api.services.reports import ReportRepository, build_report_repository
from demo_api.settings import Settings

RepositoryFactory = Callable[[], ReportRepository]


def submittal(description: str = "misty") -> ReportSubmittal:
    return ReportSubmittal(location=Location(city="Portland", state="OR"), description=description)


@pytest.fixture(params=STORES)
def make_repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RepositoryFactory]:
    """Open repositories on one store (a SQLite file, or a PostgreSQL database); closed after."""
    overrides: dict[str, Any] = store_overrides(request, tmp_path)
    target = Settings(_env_file=None, **overrides).database  # type: ignore[call-arg]
    opened: list[ReportRepository] = []

    def factory() -> ReportRepository:
        repository = build_report_repository(target)
        repository.open()
        opened.append(repository)
        return repository

    yield factory
    for repository in opened:
        repository.close()


@pytest.fixture
def repository(make_repository: RepositoryFactory) -> ReportRepository:
    return make_repository()


def test_store_two_repositories_on_one_store_see_each_other(
    make_repository: RepositoryFactory,
) -> None:
    writer, reader = make_repository(), make_repository()
    added = writer.add(submittal())
    assert reader.latest(10) == [added]
    changed = reader.replace(added.id, submittal("clearing"))
    assert writer.get(added.id) == changed
    assert changed.created_at == added.created_at


def test_store_report_round_trips_state_none_and_unicode(repository: ReportRepository) -> None:
    report = ReportSubmittal(location=Location(city="Zürich", country="CH"), description="föhn ☀")
    added = repository.add(report)
    assert repository.get(added.id) == added
    assert added.location.state is None


def test_store_add_then_get_round_trips(repository: ReportRepository) -> None:
    added = repository.add(submittal())
    assert repository.get(added.id) == added


def test_store_latest_is_newest_first_and_limited(repository: ReportRepository) -> None:
    added = [repository.add(submittal(f"r{n}")) for n in range(4)]
    assert repository.latest(2) == [added[3], added[2]]


def test_store_replace_unknown_id_raises_not_found(repository: ReportRepository) -> None:
    with pytest.raises(ReportNotFound, match="Report 7 was not found"):
        repository.replace(7, submittal())


def test_store_delete_removes_the_report(repository: ReportRepository) -> None:
    added = repository.add(submittal())
    repository.delete(added.id)
    with pytest.raises(ReportNotFound):
        repository.get(added.id)
    with pytest.raises(ReportNotFound):
        repository.delete(added.id)


def test_store_ids_are_not_reused_after_delete(repository: ReportRepository) -> None:
    first = repository.add(submittal())
    repository.delete(first.id)
    assert repository.add(submittal()).id > first.id


def test_store_writes_from_many_threads_all_land(repository: ReportRepository) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        added = list(pool.map(lambda n: repository.add(submittal(f"r{n}")), range(40)))
    assert sorted(report.id for report in repository.latest(100)) == sorted(
        report.id for report in added
    )
