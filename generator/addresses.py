"""Where each note and attachment goes in the site: titles, page addresses (slugs, permalinks,
collisions) and the addresses the site's own pages take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, warning
from generator.frontmatter import is_published
from generator.model import SourceFile, Vault
from generator.parse import ParsedNote
from generator.slugs import slug_for_path, slugify, unique_slug
from generator.urls import file_url, page_url

LINK_BREAKING = set("#^|[]")


@dataclass
class NoteInfo:
    """What other notes need to know about a note while links are resolved."""

    path: str
    title: str
    slug: str
    url: str
    parsed: ParsedNote
    published: bool


# Addresses the site's own pages and files take (see render.index_pages and search): a note
# or an attachment there would hide them, or be hidden. The tag pages and the search index
# fill their folders; the concepts and graph pages take only the page at theirs.
RESERVED_FOLDERS = {
    "tags": "the site's tag pages",
    "pagefind": "the site's search index",
    "concepts": "the site's concepts page",
    "graph": "the site's graph page",
}
_WHOLE_FOLDERS = ("tags", "pagefind")
RESERVED_FILES = frozenset(
    {"index.html", "404.html", "content-index.json", "sitemap.xml"}
    | {f"{name}/index.html" for name in RESERVED_FOLDERS}
)


def site_attachments(
    vault: Vault, infos: dict[str, NoteInfo], diagnostics: list[Diagnostic]
) -> dict[str, str]:
    """The attachments copied into the site (vault path -> URL); one whose path is an address
    the site's own files or a page take is left out, with a warning."""
    pages = {f"{info.slug}/index.html" for info in infos.values() if info.published}
    attachments: dict[str, str] = {}
    for item in vault.attachments:
        first, slash, _ = item.path.partition("/")
        # The search index's files have all sorts of names; a tag page is always index.html.
        reserved = (
            item.path in RESERVED_FILES
            or (slash and first == "pagefind")
            or (slash and first == "tags" and item.path.endswith("/index.html"))
        )
        if reserved or item.path in pages:
            owner = (
                RESERVED_FOLDERS.get(first, "the site's own file")
                if reserved
                else "the page of a note"
            )
            diagnostics.append(
                warning(
                    item.path,
                    0,
                    "attachment.collision",
                    f"the file's address in the site is taken by {owner}; it is not copied, "
                    "and links to it are unresolved",
                    "rename the file or move it to another folder",
                )
            )
            continue
        attachments[item.path] = file_url(item.path)
    return attachments


def _unreserved(slug: str) -> str:
    """``slug`` moved off the site's own pages: ``graph`` -> ``graph-2``, and out of the
    folders they fill: ``tags/python`` -> ``tags-2/python``."""
    first, slash, rest = slug.partition("/")
    if slug in RESERVED_FOLDERS or (slash and first in _WHOLE_FOLDERS):
        return f"{first}-2{slash}{rest}"
    return slug


def note_infos(
    vault: Vault, parsed: dict[str, ParsedNote], home: str | None, diagnostics: list[Diagnostic]
) -> dict[str, NoteInfo]:
    infos: dict[str, NoteInfo] = {}
    # The home page's address is the home note's, whichever note comes first.
    taken: dict[str, str] = {"index": home} if home is not None else {}
    for source in vault.notes:
        item = parsed.get(source.path)
        if item is None:
            continue
        fm = item.frontmatter
        published = is_published(fm)
        title = note_title(source, fm)
        bad = sorted(set(source.stem) & LINK_BREAKING)
        if bad:
            diagnostics.append(
                warning(
                    source.path,
                    1,
                    "note.name",
                    f"the name contains {' '.join(bad)}, which [[links]] cannot express; "
                    "links to this note can only reach it through an alias",
                    "rename the note without # ^ | [ ] (Obsidian does not allow them either)",
                )
            )
        slug = "index" if source.path == home else note_slug(source.path, fm)
        if published and _unreserved(slug) != slug:
            first = slug.partition("/")[0]
            diagnostics.append(
                warning(
                    source.path,
                    1,
                    "slug.reserved",
                    f"page address '{slug}/' belongs to {RESERVED_FOLDERS[first]}; "
                    f"this note is published at '{_unreserved(slug)}/'",
                    "rename the note or its folder, or set a 'permalink' in its frontmatter",
                )
            )
            slug = _unreserved(slug)
        if published and source.path != home:
            fresh = unique_slug(slug, taken)
            if fresh != slug:
                diagnostics.append(
                    warning(
                        source.path,
                        1,
                        "slug.collision",
                        f"page address '{slug}/' is already used by {taken[slug]}; "
                        f"this note is published at '{fresh}/'",
                        "rename one of the notes or set a 'permalink' in its frontmatter",
                    )
                )
                slug = fresh
            taken[slug] = source.path
        infos[source.path] = NoteInfo(source.path, title, slug, page_url(slug), item, published)
    return infos


def note_title(source: SourceFile, fm: dict[str, Any]) -> str:
    title = fm.get("title")
    if isinstance(title, str | int | float) and str(title).strip():
        return str(title).strip()
    return source.stem


def note_slug(path: str, fm: dict[str, Any]) -> str:
    permalink = fm.get("permalink")
    if isinstance(permalink, str) and permalink.strip("/ "):
        parts = [slugify(p) for p in permalink.strip("/ ").split("/")]
        cleaned = "/".join(p for p in parts if p)
        if cleaned:
            return cleaned
    return slug_for_path(path)
