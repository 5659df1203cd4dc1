"""``coursegen dev --no-api`` as a real process: serves, rebuilds on a save, stops on Ctrl+C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

VaultFactory = Callable[[dict[str, str | bytes]], Path]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, needle: bytes, timeout: float = 60.0) -> bytes:
    deadline = time.monotonic() + timeout
    body = b""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = bytes(response.read())
            if needle in body:
                return body
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never showed {needle!r}; last body: {body[:200]!r}")


def test_coursegen_dev_edit_served_then_sigint_exits_0(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({
        "index.md": "# Course\n\n## 1. Start\n\n- [[Lesson]]\n",
        "Lesson.md": "# Lesson\n\nOld words.\n",
    })
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "dev", str(vault), "-o", str(tmp_path / "site"),
         "--port", str(port), "--no-api"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        url = f"http://127.0.0.1:{port}/lesson/"
        wait_for(url, b"Old words.")
        (vault / "Lesson.md").write_text("# Lesson\n\nNew words.\n", encoding="utf-8")
        wait_for(url, b"New words.")
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output.decode(errors="replace")
    assert f"http://127.0.0.1:{port}/".encode() in output
