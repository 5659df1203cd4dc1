"""Relative URLs between pages of the site, so it works under any sub-path."""

from __future__ import annotations

from urllib.parse import quote


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
