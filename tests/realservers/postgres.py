"""A real PostgreSQL server for the tests, started with initdb/pg_ctl in a temporary folder.

One server per test session listens on a free loopback port (no unix socket, so nothing
is written to /var/run), with password authentication so that tests can check that the
password never shows. Each test gets a fresh database on it. PostgreSQL refuses to run
as root: when the tests do, the server runs as ``nobody`` in a folder given to it.
Durability is switched off (fsync, synchronous_commit): a test server needs speed, not
crash safety. Outside CI a missing PostgreSQL skips the tests that need it, with the
reason; under ``CI=true`` it fails them (``.ci/run`` installs it).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

USER = "coursegen"
PASSWORD = "s3cret-for-tests"  # tests check that it never reaches an answer or a log line
_counter = itertools.count(1)
# The reports stores the API can run on: contract tests are parametrized over both.
STORES = ("sqlite", "postgresql")


def in_ci() -> bool:
    # As tests/conftest.py says it (which loads this module, so cannot be imported here).
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def find_postgres_bin() -> Path | None:
    """The folder of initdb/pg_ctl/postgres: Debian keeps them off PATH, per major version."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl") and (Path(found).resolve().parent / "postgres").exists():
        return Path(found).resolve().parent
    return None


def require_postgres_bin() -> Path:
    """The binaries' folder, or skip (fail under CI=true) when PostgreSQL is not installed."""
    found = find_postgres_bin()
    if found is not None:
        return found
    reason = "PostgreSQL is not installed (apt-get install postgresql)"
    if in_ci():
        pytest.fail(f"{reason}; CI must install it in .ci/run", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """One running ``postgres`` (its data in ``folder``); ``stop()``/``start()`` it at will."""

    bin_dir: Path
    folder: Path
    port: int
    durable: bool = False
    """False (tests): no fsync at all. True (benchmarks): fsync at checkpoints, commits not
    waited for, as SQLite's synchronous=NORMAL in WAL mode does, so that the two compare."""

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def superuser_env(self) -> dict[str, str]:
        """Environment variables that point psql at this server as its superuser (``USER``,
        created by initdb), over TCP with the password."""
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": USER,
            "PGPASSWORD": PASSWORD,
        }

    def init(self) -> None:
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD + "\n")
        self._give_to_server_user(self.folder)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c synchronous_commit=off -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-w", "-t", "60",
            "-l", str(self.folder / "server.log"), "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-w", "-t", "60", "-m", mode)

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "nobody", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
                f"{self.log()}"
            )

    def _give_to_server_user(self, folder: Path) -> None:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in (folder, *folder.rglob("*")):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)


@contextmanager
def running_postgres(bin_dir: Path, *, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a PostgreSQL server in a new temporary folder; stop it and remove the folder after.

    The folder is made with ``tempfile`` rather than under pytest's ``tmp_path``, whose
    parents only root may enter: the server runs as ``nobody`` when the tests run as root.
    """
    folder = Path(tempfile.mkdtemp(prefix="coursegen-postgres-"))
    server = PostgresServer(bin_dir, folder, free_port(), durable)
    try:
        server.init()
        server.start()
        yield server
    finally:
        try:
            server.stop("immediate")
        except RuntimeError:
            pass  # never started, or a test left it stopped
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole test session."""
    with running_postgres(require_postgres_bin()) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database on the session's server (dropped after the test)."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


def store_overrides(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Settings for the store ``request.param`` names: a SQLite file in ``tmp_path``, or a
    fresh database on the session's PostgreSQL server."""
    if request.param == "postgresql":
        return {"database_url": request.getfixturevalue("postgres_url")}
    return {"database_path": tmp_path / "reports.sqlite3"}
