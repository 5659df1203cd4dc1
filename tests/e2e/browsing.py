"""A vault built into a site served on 127.0.0.1, for the browser tests (their ``browser``
fixture is in tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import static_server


@contextmanager
def served_site(base: Path, files: dict[str, str]) -> Iterator[str]:
    """``files`` (paths under ``base``; the vault is ``vault/``) built with ``coursegen build``
    and served; yields the site's address."""
    for rel, text in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text, encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(base / "vault"), "-o",
         str(base / "site"), "--no-cache"],
        cwd=base, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    with static_server(base / "site") as url:
        yield url
