"""Relative URLs between pages of the site, so it works under any sub-path."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from generator.model import Note


def depth(url: str) -> int:
    """Folder depth of a page URL relative to the site root ("a/b/" -> 2, "" -> 0)."""
    return url.count("/") if url.endswith("/") else url.count("/")


def relative(from_url: str, to_url: str) -> str:
    """A URL that leads from the page at ``from_url`` to ``to_url`` (both relative to the root)."""
    prefix = "../" * depth(from_url)
    result = prefix + to_url
    return result or "./"


def page_url(slug: str) -> str:
    """Site-root-relative URL of a note page: "a/note/" ("" for the home page)."""
    return "" if slug == "index" else quote(slug) + "/"


def file_url(path: str) -> str:
    """Site-root-relative URL of an attachment, which keeps its vault path."""
    return quote(path)


def absolute_http(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) address a browser can use."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in value)
    )


def usable_api_base(value: str) -> bool:
    """Whether try-its can send requests to ``value``: "" (the site's own server), a path on
    it, or an absolute http(s) address."""
    return value == "" or (value.startswith("/") and not value.startswith("//")) or (
        absolute_http(value)
    )


def output_path(note: Note) -> str:
    """``lessons/pydantic/index.html``; the home page is ``index.html``."""
    return unquote(note.url) + "index.html"
