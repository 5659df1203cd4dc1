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


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of the site; while the dev loop replaces a file, what is there a moment later
    (it writes beside a file and then renames it over)."""
    for _ in range(50):
        try:
            return {
                rel: path.read_bytes()
                for path in sorted(out.rglob("*"))
                if path.is_file() and not (rel := path.relative_to(out).as_posix()).startswith(".")
            }
        except FileNotFoundError:
            time.sleep(0.1)
    raise AssertionError(f"{out} kept changing while it was read")


def test_coursegen_dev_after_a_series_of_saves_equals_a_cold_build(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    """The real author's loop (watcher, debounce, background search) after creating,
    renaming, deleting, retitling and embedding: the folder it serves is, file for file, what
    ``coursegen build`` makes of the same vault in a fresh folder."""
    exercise = ("```exercise\nid: same\ntitle: Not found\ntask: Make it answer 404.\n"
                "start: GET /api/weather/Portland?state=OR\ncheck:\n  status: 404\n```\n")
    vault = make_vault({
        "index.md": "---\ntitle: Course\n---\n# Course\n\n## 1. Start\n\n- [[Lesson]]\n- [[Two]]\n",
        "Lesson.md": "# Lesson\n\nSee [[Two#Part]] and ![[Two#Part]].\n",
        "Two.md": "# Two\n\n## Part\n\nPart text. ^block\n",
        "img/chart.png": b"\x89PNG chart",
    })
    out = tmp_path / "site"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "dev", str(vault), "-o", str(out),
         "--port", str(port), "--no-api"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/lesson/", b"Part text.")
        saves: list[tuple[str, str | None]] = [
            ("Three.md", "# Three\n\nLinks [[Lesson]] and ![[chart.png]].\n\n" + exercise),
            ("Two.md", "---\ntitle: Second\naliases: [deux]\n---\n# Two\n\n## Part\n\nNew part.\n"),
            ("Lesson.md", "# Lesson\n\nSee [[deux]] and ![[Two#Part]].\n\n" + exercise),
            ("Three.md", None),
            ("Draft.md", "---\ndraft: true\n---\n# Draft\n\n![[chart.png]]\n"),
            ("Lesson.md", "# Lesson\n\nSee [[deux]], ![[Two#Part]] and the last save.\n"),
        ]
        for name, text in saves:
            target = vault / name
            if text is None:
                target.unlink()
            else:
                target.write_text(text, encoding="utf-8")
            time.sleep(0.3)  # separate saves, as an author makes them
        wait_for(f"http://127.0.0.1:{port}/lesson/", b"the last save")
        cold = tmp_path / "cold"
        subprocess.run([sys.executable, "-m", "generator", "build", str(vault), "-o", str(cold),
                        "--no-cache"], cwd=tmp_path, capture_output=True, check=False)
        expected = site_files(cold)
        assert "lesson/index.html" in expected and "pagefind/pagefind.js" in expected
        deadline = time.monotonic() + 60  # the search index follows a moment after the pages
        served = site_files(out)
        while served != expected and time.monotonic() < deadline:
            time.sleep(0.5)
            served = site_files(out)
        assert sorted(served) == sorted(expected)
        assert [name for name in expected if served[name] != expected[name]] == []
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
