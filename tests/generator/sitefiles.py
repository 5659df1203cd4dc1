"""Reading a built site the way a visitor could: every file's text (the search index's
compressed files opened), and the files its pages link to or show."""

from __future__ import annotations

import gzip
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser


def readable_files(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` (dot-files too: a server would send them), gzip opened."""
    files: dict[str, bytes] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # Pagefind's index and fragments
            data = gzip.decompress(data)
        files[path.relative_to(out).as_posix()] = data
    return files


def shown_files(out: Path) -> set[str]:
    """Site paths that some page links to or shows (``href``, ``src``, ``data``)."""
    shown: set[str] = set()
    for page in out.rglob("*.html"):
        where = page.relative_to(out).parent.as_posix()
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for node in tree.css("[href], [src], [data]"):
            for name in ("href", "src", "data"):
                value = node.attributes.get(name)
                parts = urlsplit(value or "")
                if not value or parts.scheme or parts.netloc or not parts.path:
                    continue
                target = posixpath.normpath(posixpath.join(where, unquote(parts.path)))
                shown.add(target.removeprefix("./"))
    return shown
