"""A throwaway PostgreSQL server on loopback, in a folder of its own, for the deploy tests.

PostgreSQL refuses to run as root, so under root the server runs as ``nobody`` (the folder is
given to it). Its superuser is ``postgres``, reachable without a password over the unix socket
in the folder; over TCP every role must give its password (scram-sha-256), as on Debian.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import require_binary

from deploy.stack import free_port


@dataclass(frozen=True)
class PostgresServer:
    root: Path
    port: int

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def superuser_env(self) -> dict[str, str]:
        """Environment variables that point psql at this server as its superuser."""
        return {"PGHOST": str(self.socket_dir), "PGPORT": str(self.port), "PGUSER": "postgres"}


def server_binary(name: str) -> str:
    # Debian keeps the server's programs out of PATH, under /usr/lib/postgresql/<version>/bin.
    return require_binary(name, *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")))


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *command]
    return command


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    initdb, pg_ctl = server_binary("initdb"), server_binary("pg_ctl")
    # Not tmp_path: pytest makes it 0700 for root, and the server runs as nobody.
    root = Path(tempfile.mkdtemp(prefix="weather-postgres-"))
    root.chmod(0o755)
    server = PostgresServer(root, free_port())
    data = root / "data"
    server.socket_dir.mkdir()
    data.mkdir()
    if os.geteuid() == 0:
        for folder in (data, server.socket_dir):
            shutil.chown(folder, "nobody")
    try:
        subprocess.run(
            as_server_user([initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust",
                            "--auth-host=scram-sha-256", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = (
            f"-p {server.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={server.socket_dir} -c fsync=off"
        )
        subprocess.run(
            as_server_user([pg_ctl, "-D", str(data), "-l", str(data / "server.log"),
                            "-o", options, "-w", "-t", "60", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        yield server
    finally:
        subprocess.run(
            as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
