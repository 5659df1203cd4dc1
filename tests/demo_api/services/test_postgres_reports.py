"""PostgreSQL's own cases: a server that is down at start, or stops and comes back mid-run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from fastapi.testclient import TestClient
from realservers.postgres import (
    PASSWORD,
    PostgresServer,
    free_port,
    require_postgres_bin,
    running_postgres,
)

from demo_api.models import Location, ReportSubmittal
from demo_api.services.errors import DatabaseUnavailable
from demo_api.services.migrations import POSTGRES_MIGRATIONS, Migration, migrate_postgres
from demo_api.services.postgres_reports import PostgresReportRepository

pytest_plugins = ["demo_api.testing"]

ClientFactory = Callable[..., TestClient]
PORTLAND = {"location": {"city": "Portland", "state": "OR"}, "description": "misty"}
RECOVERY_DEADLINE_SECONDS = 60.0


def submittal(description: str) -> ReportSubmittal:
    return ReportSubmittal(location=Location(city="Portland", state="OR"), description=description)


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A server of this test's own, which it may stop and start."""
    with running_postgres(require_postgres_bin()) as server:
        yield server


def test_postgres_unreachable_at_start_names_the_server_not_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://coursegen:{PASSWORD}@127.0.0.1:{port}/reports"
    repository = PostgresReportRepository(url, wait_seconds=0.5)
    with pytest.raises(DatabaseUnavailable) as raised:
        repository.open()
    message = str(raised.value)
    assert message.startswith(
        f"Cannot reach the reports database at postgresql://coursegen:***@127.0.0.1:{port}/reports"
    )
    assert "WEATHER_DATABASE_URL" in message
    assert PASSWORD not in message
    assert PASSWORD not in caplog.text


def test_postgres_stopped_mid_run_is_503_then_recovers_without_restart(
    own_server: PostgresServer, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(database_url=own_server.url())
    before = client.post("/api/reports", json=PORTLAND)
    assert before.status_code == 201
    assert client.get("/api/health").json()["services"]["store"] == {
        "kind": "postgresql",
        "status": "ok",
    }

    own_server.stop()
    health = client.get("/api/health")
    write = client.post("/api/reports", json=PORTLAND)

    assert health.status_code == 503
    assert health.json()["detail"] == "The reports database is unavailable"
    assert health.json()["services"]["store"]["status"] == "unavailable"
    assert write.status_code == 503
    assert write.json() == {"detail": "The reports database is unavailable"}
    for text in (health.text, write.text, caplog.text):
        assert PASSWORD not in text

    own_server.start()
    deadline = time.monotonic() + RECOVERY_DEADLINE_SECONDS
    while client.get("/api/health").status_code != 200:
        assert time.monotonic() < deadline, f"no recovery:\n{own_server.log()}"
        time.sleep(0.2)
    after = client.post("/api/reports", json=PORTLAND)
    assert after.status_code == 201
    listed = client.get("/api/reports").json()
    assert [report["id"] for report in listed] == [after.json()["id"], before.json()["id"]]
    assert PASSWORD not in caplog.text


def test_postgres_errors_are_logged_with_the_password_hidden(
    own_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    repository = PostgresReportRepository(own_server.url(), wait_seconds=0.5)
    repository.open()
    try:
        own_server.stop()
        with caplog.at_level(logging.ERROR), pytest.raises(DatabaseUnavailable):
            repository.ping()
    finally:
        repository.close()
    assert f"postgresql://coursegen:***@127.0.0.1:{own_server.port}/postgres" in caplog.text
    assert PASSWORD not in caplog.text


def test_postgres_connections_the_server_closed_are_replaced_not_used(postgres_url: str) -> None:
    repository = PostgresReportRepository(postgres_url)
    repository.open()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:  # fill the pool with idle connections
            list(pool.map(lambda n: repository.add(submittal(f"r{n}")), range(8)))
        database = postgres_url.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        time.sleep(0.2)  # let the server's goodbye reach the sockets
        added = repository.add(submittal("after the server closed every connection"))
        assert repository.get(added.id) == added
    finally:
        repository.close()


def test_postgres_database_from_a_newer_api_stops_the_start_saying_why(postgres_url: str) -> None:
    newer = (*POSTGRES_MIGRATIONS, Migration(2, "from a newer API", "SELECT 1"))
    with psycopg.connect(postgres_url) as connection:
        migrate_postgres(connection, newer)
    repository = PostgresReportRepository(postgres_url)
    with pytest.raises(DatabaseUnavailable, match="schema version 2, newer than this API knows"):
        repository.open()
    with pytest.raises(DatabaseUnavailable):  # the pool was closed, not left running
        repository.ping()
