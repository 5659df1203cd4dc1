"""The demo API beside the dev server: a uvicorn child process that reloads on code changes."""

from __future__ import annotations

import copy
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from generator.errors import CoursegenError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Every open page asks for this every few seconds (the try-it panels' API status): logged,
# it buries the rebuild messages in the author's terminal.
ROUTINE_PATHS = ("/api/health",)


class SkipRoutinePolling(logging.Filter):
    """Drops uvicorn access-log lines of the pages' routine polling; every other request is
    still logged. uvicorn's access record carries (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2].split("?", 1)[0]
            return path not in ROUTINE_PATHS
        return True


def quiet_log_config() -> dict[str, Any]:
    """uvicorn's own logging setup, with :class:`SkipRoutinePolling` on its access log."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["routine"] = {"()": f"{__name__}.SkipRoutinePolling"}
    config["handlers"]["access"].setdefault("filters", []).append("routine")
    return config


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

    def __init__(
        self, port: int, *, root: Path = PROJECT_ROOT, output: IO[Any] | None = None
    ) -> None:
        self.port = port
        self.root = root
        self.output = output  # where uvicorn's log lines go (None: this terminal)
        self.process: subprocess.Popen[bytes] | None = None
        self._log_config: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ensure_port_free(self.port, "--api-port", make_variable="API_PORT")
        # A file, as uvicorn takes it; its reloader's worker reads it again on every reload.
        handle, name = tempfile.mkstemp(prefix="coursegen-api-log-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(quiet_log_config(), file)
        self._log_config = Path(name)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "demo_api.main:app", "--host", "127.0.0.1",
             "--port", str(self.port), "--reload", "--reload-dir", "demo_api",
             "--log-config", name],
            cwd=self.root, stdout=self.output, stderr=self.output,
        )

    def stop(self, timeout: float = 5.0) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # uvicorn's reloader stops its worker on SIGINT
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log_config is not None:
            self._log_config.unlink(missing_ok=True)
            self._log_config = None
