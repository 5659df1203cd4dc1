"""The real server: uvicorn with two worker processes sharing one reports store (a SQLite
file, or a PostgreSQL database: both workers migrate it as they start, at the same time)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from realservers.postgres import STORES

READY_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(params=STORES)
def two_worker_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Start ``uvicorn demo_api.main:app --workers 2`` in an empty folder; yield its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEATHER_")}
    if request.param == "postgresql":
        env["WEATHER_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    else:
        env["WEATHER_DATABASE_PATH"] = str(tmp_path / "reports.sqlite3")
    log = (tmp_path / "uvicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "demo_api.main:app"]
        + ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,  # no .env and no settings file here
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server, tmp_path / "uvicorn.log")
        yield base_url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"uvicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"uvicorn was not healthy after {READY_TIMEOUT_SECONDS}s:\n{log.read_text()}")


@pytest.mark.slow
def test_uvicorn_two_workers_read_back_reports_posted_on_other_connections(
    two_worker_server: str,
) -> None:
    created = []
    for n in range(20):
        # A new client is a new TCP connection, which either worker may accept.
        with httpx.Client(base_url=two_worker_server, timeout=10) as client:
            body = {"location": {"city": "Portland", "state": "OR"}, "description": f"r{n}"}
            response = client.post("/api/reports", json=body)
            assert response.status_code == 201, response.text
            created.append(response.json())

    for report in created:
        with httpx.Client(base_url=two_worker_server, timeout=10) as client:
            assert client.get(f"/api/reports/{report['id']}").json() == report

    for _ in range(6):
        with httpx.Client(base_url=two_worker_server, timeout=10) as client:
            listed = client.get("/api/reports", params={"limit": 100}).json()
        assert listed == created[::-1]

    with httpx.Client(base_url=two_worker_server, timeout=10) as client:
        deleted = client.delete(f"/api/reports/{created[0]['id']}")
    assert deleted.status_code == 204
    for _ in range(6):
        with httpx.Client(base_url=two_worker_server, timeout=10) as client:
            assert client.get(f"/api/reports/{created[0]['id']}").status_code == 404
