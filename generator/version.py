"""What identifies this generator's output: its version and a fingerprint of its source."""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator import __version__

PACKAGE = Path(__file__).resolve().parent


def _code_version() -> str:
    """The version plus a fingerprint of the generator's own source, so edits to a plugin
    never serve stale cached output."""
    h = hashlib.blake2b(__version__.encode(), digest_size=8)
    for source in sorted(PACKAGE.rglob("*.py")):
        stat = source.stat()
        h.update(f"{source.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()


CODE_VERSION = _code_version()


def theme_fingerprint() -> str:
    """A digest of every file of the theme (templates, styles, scripts), read without Jinja."""
    theme = PACKAGE / "theme"
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(theme.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(theme).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()
