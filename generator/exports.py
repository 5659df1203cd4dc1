"""What the site publishes besides its pages: ``content-index.json`` (the contract the site's
scripts and outside tools read), ``sitemap.xml``, and the small documents search indexes."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from generator.course import Course
from generator.model import Note, ResolvedVault
from generator.search import lighten
from generator.theme import without_header_lines
from generator.urls import output_path

_TAG = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>\s*", re.DOTALL)


def search_documents(vault: ResolvedVault) -> dict[str, str]:
    """Small HTML documents with only what search should see: the title and the body."""
    return {output_path(note): search_document(note) for note in vault.notes.values()}


def search_document(note: Note) -> str:
    """The search document of one note page (inline tags dropped: Pagefind reads their text)."""
    body = lighten(without_header_lines(strip_title(note.html, note.title)))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_escape(note.title)}</title></head><body><main data-pagefind-body>"
        f'<h1 data-pagefind-meta="title">{_escape(note.title)}</h1>'
        f"{body}</main></body></html>"
    )


def content_index(vault: ResolvedVault, course: Course) -> bytes:
    """``content-index.json``: the contract the site's scripts and outside tools read.

    It is public, so it holds the notes and nothing about the build: no diagnostics (their
    messages can name files of the build machine); ``coursegen check --format json`` has them.
    """
    entries: dict[str, str] = {}
    for note in sorted(vault.notes.values(), key=lambda n: n.slug):
        entries[note.slug] = content_index_entry(note, vault, course)
    return content_index_document(list(entries.values()))


def content_index_entry(note: Note, vault: ResolvedVault, course: Course) -> str:
    """One note's ``"slug":{...}`` member of the ``notes`` object of content-index.json."""
    notes = vault.notes
    links = list(
        dict.fromkeys(
            notes[link.resolved].slug
            for link in note.links
            if link.resolved in notes and link.resolved != note.path
        )
    )
    backlinks = list(
        dict.fromkeys(
            notes[b.source].slug
            for b in vault.backlinks.get(note.path, [])
            if b.source in notes and b.source != note.path
        )
    )
    lesson = course.lesson(note.path)
    entry = {
        "title": note.title,
        "source": note.path,
        "url": note.url,
        "tags": note.tags,
        "aliases": note.aliases,
        "links": links,
        "backlinks": backlinks,
        "headings": [{"level": h.level, "text": h.text, "id": h.id} for h in note.headings],
        "lesson": {"chapter": lesson.chapter, "number": lesson.number} if lesson else None,
    }
    return _json(note.slug) + ":" + _json(entry)


def content_index_document(entries: list[str]) -> bytes:
    """content-index.json from its note members (in slug order)."""
    return ('{"version":1,"notes":{' + ",".join(entries) + "}}").encode("utf-8")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def sitemap(vault: ResolvedVault, course: Course) -> bytes:
    base = (vault.config.base_url or "").rstrip("/") + "/"
    urls = sorted({note.url for note in vault.notes.values()} | {"concepts/", "tags/"})
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{xml_escape(base + url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")




def strip_title(html: str, title: str) -> str:
    """Drop a first ``# Title`` that repeats the page title the template already shows."""
    match = _FIRST_H1.search(html)
    if match and unescape(_TAG.sub("", match.group(1))).strip().casefold() == title.casefold():
        return html[: match.start()] + html[match.end() :]
    return html


def _escape(text: str) -> str:
    return str(Markup.escape(text))
