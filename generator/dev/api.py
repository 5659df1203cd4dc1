"""The demo API beside the dev server: a uvicorn child process that reloads on code changes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from generator.errors import CoursegenError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class PortInUse(CoursegenError):
    """A port the dev loop needs is taken by another program."""


def ensure_port_free(
    port: int, option: str, host: str = "127.0.0.1", *, make_variable: str | None = None
) -> None:
    """Raise :class:`PortInUse` with a message saying what to do when ``port`` is taken:
    the option to pass, and the ``make run`` variable that passes it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            via_make = f" (make run {make_variable}={port + 1})" if make_variable else ""
            raise PortInUse(
                f"Port {port} is already in use: stop the other server or pass {option}{via_make}"
            ) from None


class DemoApi:
    """``uvicorn demo_api.main:app --reload`` on ``port``, stopped with the dev server."""

    def __init__(self, port: int, *, root: Path = PROJECT_ROOT) -> None:
        self.port = port
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ensure_port_free(self.port, "--api-port", make_variable="API_PORT")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "demo_api.main:app", "--host", "127.0.0.1",
             "--port", str(self.port), "--reload", "--reload-dir", "demo_api"],
            cwd=self.root,
        )

    def stop(self, timeout: float = 5.0) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # uvicorn's reloader stops its worker on SIGINT
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
