"""Slugs: one URL-safe segment per path segment, Unicode letters and digits kept."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container
from pathlib import PurePosixPath

_NOT_WORD = re.compile(r"[^\w]+|_+")


def slugify(text: str) -> str:
    """Lowercase; keep Unicode letters and digits; every other run becomes one ``-``."""
    text = unicodedata.normalize("NFC", text).lower()
    return _NOT_WORD.sub("-", text).strip("-")


# Every full resolve asks again for every note (twice): a tenth of a one-edit build.
@functools.lru_cache(maxsize=1 << 16)
def slug_for_path(path: str) -> str:
    """``a/Note Name.md`` -> ``a/note-name``. Empty segments become ``-``-free placeholders."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    return "/".join(slugify(part) or "note" for part in parts)


def unique_slug(slug: str, taken: Container[str]) -> str:
    """``slug`` if free, else ``slug-2``, ``slug-3``…"""
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"
