"""A real ``redis-server`` in a temporary folder, reached through a unix socket there.

Nothing is saved to disk (``--save "" --appendonly no``) and no TCP port is opened unless
one is asked for, so tests never meet the system's Redis or each other. ``stop()`` and
``start()`` again give the same URL: that is how tests take Redis away mid-run.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

READY_TIMEOUT_SECONDS = 20.0


class RedisServer:
    """One redis-server process; ``url`` is ``unix://<folder>/redis.sock``."""

    def __init__(self, binary: str, folder: Path, *, port: int = 0) -> None:
        self.binary = binary
        self.folder = folder
        self.port = port
        self.socket_path = folder / "redis.sock"
        self.log_path = folder / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    @property
    def tcp_url(self) -> str:
        assert self.port, "start the server with a port to reach it over TCP"
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--unixsocket", str(self.socket_path), "--unixsocketperm", "700"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        command += ["--logfile", str(self.log_path), "--daemonize", "no"]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self.answers_ping():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.log_path.read_text() if self.log_path.exists() else ""
                raise RuntimeError(f"redis-server did not start:\n{log}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (its data goes with it: nothing is saved)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        self.socket_path.unlink(missing_ok=True)

    def answers_ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(1)
                client.connect(str(self.socket_path))
                client.sendall(b"PING\r\n")
                return client.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> str:
        """Run one command with redis-cli beside the server binary (for a test's checks)."""
        cli = str(Path(self.binary).with_name("redis-cli"))
        result = subprocess.run(
            [cli, "-s", str(self.socket_path), *words], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip()
