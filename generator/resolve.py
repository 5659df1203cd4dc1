"""Stage 3, resolve: link index, every link and embed resolved, note bodies rendered to HTML."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.anchors import find_anchor, heading_hint
from generator.diagnostics import Diagnostic, error, sort_diagnostics, warning
from generator.embeds_render import MAX_EMBED_DEPTH, RenderContext
from generator.frontmatter import is_published, string_list
from generator.linkindex import LinkIndex, Resolution
from generator.model import (
    TRYIT_MARK,
    Backlink,
    CourseConfig,
    Link,
    Note,
    ResolvedVault,
    SourceFile,
    Vault,
)
from generator.parse import LinkFact, ParseCache, ParsedNote
from generator.slugs import slug_for_path, slugify, unique_slug
from generator.urls import file_url, page_url, usable_api_base
from generator.vaultwide import api_schema_problems, exercise_id_problems
from generator.workers import Body, render_bodies

HOME_NAMES = ("index.md", "home.md", "readme.md")
BodyRenderer = Callable[[RenderContext, list[str]], dict[str, Body]]
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


def resolve_vault(
    vault: Vault,
    parsed: dict[str, ParsedNote],
    *,
    project_root: Path | None = None,
    overrides: dict[str, Any] | None = None,
    cache: ParseCache | None = None,
    render: BodyRenderer = render_bodies,
) -> ResolvedVault:
    """Resolve links, render note bodies and gather backlinks and tags for the whole vault.

    With a ``cache``, a body whose note and link targets are unchanged is reused, not rendered.
    ``render`` renders the other bodies: here by default, or on worker processes.
    """
    diagnostics: list[Diagnostic] = []
    for item in parsed.values():
        diagnostics.extend(item.diagnostics)
    home = find_home(vault)
    config = course_config(parsed.get(home) if home else None, vault, overrides)
    diagnostics.extend(config_problems(home, parsed))
    infos = _note_infos(vault, parsed, home, diagnostics)
    published = {p: info for p, info in infos.items() if info.published}
    attachments = site_attachments(vault, infos, diagnostics)
    index = LinkIndex(
        notes=list(published),
        attachments=list(attachments),
        aliases={p: string_list(i.parsed.frontmatter.get("aliases")) for p, i in published.items()},
        unpublished=[p for p, info in infos.items() if not info.published],
    )
    context = RenderContext(
        index=index,
        notes=published,
        attachments=attachments,
        project_root=project_root,
        vault_root=Path(vault.root),
        diagnostics=diagnostics,
        api_base=config.api_base,
        openapi=config.openapi,
        line_breaks=config.line_breaks,
    )
    notes: dict[str, Note] = {}
    backlinks: dict[str, list[Backlink]] = defaultdict(list)
    tags: dict[str, set[str]] = defaultdict(set)
    tag_names: dict[str, str] = {}
    resolved_links = {
        path: [
            _resolve_fact(fact, path, index, published, diagnostics) for fact in info.parsed.links
        ]
        for path, info in published.items()
    }
    signatures = BodySignatures(published, resolved_links, attachments, index, config)
    bodies: dict[str, Body] = {}
    html_keys: dict[str, tuple[str, str, str]] = {}
    for path, info in published.items():
        signature = signatures.of(path) if cache is not None else None
        if cache is None or signature is None:
            continue
        html_keys[path] = (info.parsed.digest, info.url, signature)
        cached = cache.get_html(html_keys[path])
        if cached is not None:
            # only try-it notes have exercises, and those are never cached
            bodies[path] = Body(cached[0], cached[1], [], [], cached[2])
    todo = [path for path in published if path not in bodies]
    fresh = render(context, todo) if todo else {}
    for path, body in fresh.items():
        bodies[path] = body
        if cache is not None and path in html_keys:
            cache.put_html(html_keys[path], (body.html, body.diagnostics, body.attachments))
    for path, info in published.items():
        links = resolved_links[path]
        for link, fact in zip(links, info.parsed.links, strict=True):
            if link.resolved and link.resolved in published and link.resolved != path:
                backlinks[link.resolved].append(Backlink(path, link.line, fact.context))
        note_tags = _note_tags(info.parsed)
        for tag in note_tags:
            tags[tag.casefold()].add(path)
            tag_names.setdefault(tag.casefold(), tag)
        body = bodies[path]
        diagnostics.extend(body.diagnostics)
        notes[path] = make_note(
            info, links, body.html, note_tags, body.exercise_ids, home, body.attachments
        )
    for target in backlinks:
        backlinks[target] = sorted(set(backlinks[target]))  # by source, line, then sentence
    diagnostics.extend(
        exercise_id_problems(site for body in bodies.values() for site in body.exercise_sites)
    )
    diagnostics.extend(api_schema_problems(vault, home, config, notes.values(), project_root))
    return ResolvedVault(
        config=config,
        notes=notes,
        attachments=attachments,
        backlinks=dict(backlinks),
        tags={tag: sorted(paths) for tag, paths in sorted(tags.items())},
        tag_names=tag_names,
        diagnostics=sort_diagnostics(diagnostics),
        home=home if home in notes else None,
    )


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


class BodySignatures:
    """What each note's body HTML depends on: its own text, what its links resolve to, and
    (recursively) the notes it embeds. ``None`` means "render it every time": try-its and
    includes read files outside the vault, and very wide embed trees are not worth hashing."""

    BUDGET = 200  # notes visited per signature

    def __init__(
        self,
        notes: dict[str, NoteInfo],
        links: dict[str, list[Link]],
        attachments: dict[str, str],
        index: LinkIndex,
        config: CourseConfig,
    ) -> None:
        self.salt = f"{config.line_breaks}\0{config.api_base}"
        self.notes = notes
        self.links = links
        self.attachments = attachments
        self.index = index
        self._own: dict[str, str] = {}

    def of(self, path: str) -> str | None:
        budget = [self.BUDGET]
        parts = self._walk(path, (), budget)
        if parts is None:
            return None
        return hashlib.blake2b((self.salt + parts).encode(), digest_size=12).hexdigest()

    def _walk(self, path: str, stack: tuple[str, ...], budget: list[int]) -> str | None:
        info = self.notes[path]
        budget[0] -= 1
        if info.parsed.special or budget[0] < 0:
            return None
        if path in stack:
            return f"cycle:{path}"
        if len(stack) > MAX_EMBED_DEPTH:
            return "deep"
        parts = [self._own_part(path)]
        for link in self.links[path]:
            if link.embed and link.resolved in self.notes:
                inner = self._walk(link.resolved, (*stack, path), budget)
                if inner is None:
                    return None
                parts.append(f"embed({inner})")
        return "\n".join(parts)

    def _own_part(self, path: str) -> str:
        if path not in self._own:
            info = self.notes[path]
            parts = [info.parsed.digest, info.url, info.title]
            for link in self.links[path]:
                target = self.notes.get(link.resolved) if link.resolved else None
                url = target.url if target else self.attachments.get(link.resolved or "", "")
                title = target.title if target else ""
                if link.resolved is None:  # "not written yet" and "not published" differ
                    title = str(self.index.resolve(link.target, path).problem)
                parts.append(f"{link.raw}\0{link.resolved}\0{url}\0{link.anchor}\0{title}")
            self._own[path] = "\n".join(parts)
        return self._own[path]


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


def _note_infos(
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
        title = _title(source, fm)
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
        slug = "index" if source.path == home else _slug(source.path, fm)
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


def _title(source: SourceFile, fm: dict[str, Any]) -> str:
    title = fm.get("title")
    if isinstance(title, str | int | float) and str(title).strip():
        return str(title).strip()
    return source.stem


def _slug(path: str, fm: dict[str, Any]) -> str:
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


def _note_tags(parsed: ParsedNote) -> list[str]:
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


def _resolve_fact(
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
