"""Resolving: course settings, each note's title and address, the attachments the site may
copy, and one link of a note resolved against the vault's link index."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.anchors import find_anchor, heading_hint
from generator.diagnostics import Diagnostic, error, warning
from generator.frontmatter import is_published, string_list
from generator.linkindex import LinkIndex, Resolution
from generator.model import (
    TRYIT_MARK,
    CourseConfig,
    Link,
    Note,
    SourceFile,
    Vault,
)
from generator.parse import LinkFact, ParsedNote
from generator.slugs import slug_for_path, slugify, unique_slug
from generator.urls import file_url, page_url, usable_api_base

HOME_NAMES = ("index.md", "home.md", "readme.md")
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


def find_home(vault: Vault) -> str | None:
    names = {path.casefold(): path for path in vault.files if "/" not in path}
    for candidate in HOME_NAMES:
        if candidate in names:
            return names[candidate]
    return None


def obsidian_setting(vault: Vault, key: str, default: Any) -> Any:
    """A setting from the vault's ``.obsidian/app.json``, so the site renders as Obsidian does."""
    try:
        data = json.loads((Path(vault.root) / ".obsidian" / "app.json").read_text("utf-8"))
    except (OSError, ValueError):
        return default
    return data.get(key, default) if isinstance(data, dict) else default


def course_config(
    home: ParsedNote | None, vault: Vault, overrides: dict[str, Any] | None = None
) -> CourseConfig:
    """Course settings from the home note's frontmatter, then the command line's overrides."""
    config = CourseConfig(vault_name=vault.name, title=vault.name)
    config.line_breaks = not obsidian_setting(vault, "strictLineBreaks", False)
    data = home.frontmatter if home is not None else {}
    if isinstance(data.get("title"), str):
        config.title = data["title"]
    if isinstance(data.get("course_title"), str):
        config.title = data["course_title"]
    if isinstance(data.get("api_base"), str):
        # One that cannot work (see config_problems): the site's own server instead.
        usable = usable_api_base(data["api_base"])
        config.api_base = data["api_base"].rstrip("/") if usable else ""
    if isinstance(data.get("openapi"), str):
        config.openapi = data["openapi"]
    for key, value in (overrides or {}).items():
        if value is not None:
            setattr(config, key, value.rstrip("/") if key in ("api_base", "base_url") else value)
    return config


def config_problems(home: str | None, parsed: dict[str, ParsedNote]) -> list[Diagnostic]:
    """A course setting in the home note that cannot work (:func:`course_config` leaves it
    out), with what is used instead."""
    value = parsed[home].frontmatter.get("api_base") if home in parsed else None
    if home is None or not isinstance(value, str) or usable_api_base(value):
        return []
    return [
        warning(
            home,
            1,
            "frontmatter.api-base",
            f"api_base {value!r} is not an http:// or https:// address; try-its send their "
            "requests to the site's own server instead",
            "write it like http://127.0.0.1:8000",
        )
    ]


def make_note(
    info: NoteInfo,
    links: list[Link],
    html: str,
    tags: list[str],
    exercises: list[str],
    home: str | None,
    attachments: list[str],
) -> Note:
    """The published note the theme renders, from its parse, its links and its body HTML."""
    fm = info.parsed.frontmatter
    return Note(
        path=info.path,
        title=info.title,
        slug=info.slug,
        url=info.url,
        frontmatter=fm,
        aliases=string_list(fm.get("aliases")),
        tags=tags,
        headings=info.parsed.headings,
        links=links,
        html=html,
        text=info.parsed.text,
        description=str(fm.get("description") or _first_paragraph(info.parsed.text)),
        exercises=list(exercises),
        cssclasses=string_list(fm.get("cssclasses")),
        order=_number(fm.get("order")),
        kind="home" if info.path == home else "note",
        tryits=TRYIT_MARK in html,
        attachments=attachments,
    )


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


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def collect_note_tags(parsed: ParsedNote) -> list[str]:
    seen: dict[str, str] = {}
    for tag in string_list(parsed.frontmatter.get("tags")) + string_list(
        parsed.frontmatter.get("tag")
    ):
        for part in tag.split():
            clean = part.lstrip("#").strip()
            if clean:
                seen.setdefault(clean.casefold(), clean)
    for tag, _line in parsed.tags:
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def _first_paragraph(text: str) -> str:
    for block in text.split("\n"):
        if block.strip():
            return block.strip()[:300]
    return ""


def resolve_link(
    fact: LinkFact,
    source: str,
    index: LinkIndex,
    notes: dict[str, NoteInfo],
    diagnostics: list[Diagnostic],
) -> Link:
    relative = fact.kind in ("markdown", "image")
    resolution: Resolution = index.resolve(fact.target, source, relative=relative, suggest=True)
    anchor: str | None = None
    shown = fact.raw or fact.target
    if resolution.path is None:
        if resolution.problem == "outside":
            diagnostics.append(
                error(
                    source,
                    fact.line,
                    "link.outside-vault",
                    f"{shown} points outside the vault and was not followed",
                    "link to notes and attachments inside the vault only",
                )
            )
        elif resolution.problem == "unpublished":
            diagnostics.append(
                warning(
                    source,
                    fact.line,
                    "link.unpublished",
                    f"{shown} links to a note that is not published (publish: false or draft)",
                    "publish that note or remove the link",
                )
            )
        else:
            hint = f"did you mean [[{resolution.suggestion}]]?" if resolution.suggestion else None
            code = "embed.unresolved" if fact.embed else "link.unresolved"
            diagnostics.append(
                warning(source, fact.line, code, f"{shown} matches no note or file", hint)
            )
    else:
        if resolution.candidates:
            names = ", ".join(resolution.candidates)
            diagnostics.append(
                warning(
                    source,
                    fact.line,
                    "link.ambiguous",
                    f"{shown} matches several files: {names}; using {resolution.path}",
                    "write more of the path to choose one, e.g. [[folder/Name]]",
                )
            )
        info = notes.get(resolution.path)
        if info is not None and fact.fragment:
            anchor = find_anchor(info.parsed, fact.fragment)
            if anchor is None:
                what = "block" if fact.fragment.startswith("^") else "heading"
                diagnostics.append(
                    warning(
                        source,
                        fact.line,
                        f"link.{what}-missing",
                        f"{shown}: {info.path} has no {what} '{fact.fragment}'; "
                        "linking to the top of the page",
                        heading_hint(info.parsed, fact.fragment),
                    )
                )
    return Link(
        raw=fact.raw,
        target=fact.target,
        fragment=fact.fragment,
        line=fact.line,
        embed=fact.embed,
        resolved=resolution.path,
        anchor=anchor,
        in_list=fact.in_list,
        alias=fact.alias,
    )
