"""Bookkeeping for :mod:`generator.engine.resolver`: who read which note, backlinks by source,
tags, and the :class:`Note` a full resolve would make of a note."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.addresses import NoteInfo, note_slug
from generator.diagnostics import Diagnostic
from generator.engine.recording import NoteRecord
from generator.frontmatter import is_published, string_list
from generator.linkindex import LinkIndex
from generator.model import TRYIT_MARK, Backlink, Link, Note, ResolvedVault
from generator.parse import ParsedNote

Contribution = list[tuple[str, Backlink]]  # (target, backlink) a source adds


@dataclass
class ResolveState:
    """Everything the previous resolve computed that the next one may reuse."""

    infos: dict[str, NoteInfo] = field(default_factory=dict)
    home: str | None = None  # the home note of the last resolve
    published: dict[str, NoteInfo] = field(default_factory=dict)  # infos of published notes
    base_slugs: dict[str, str] = field(default_factory=dict)
    info_diagnostics: list[Diagnostic] = field(default_factory=list)
    index_key: Any = None
    index: LinkIndex | None = None
    config_key: Any = None
    records: dict[str, NoteRecord] = field(default_factory=dict)
    volatile: set[str] = field(default_factory=set)  # notes whose record is volatile
    link_users: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    full_users: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    contributions: dict[str, Contribution] = field(default_factory=dict)
    incoming: dict[str, dict[str, list[Backlink]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    note_tags: dict[str, list[str]] = field(default_factory=dict)
    resolved: ResolvedVault | None = None


def is_published_note(item: ParsedNote) -> bool:
    return is_published(item.frontmatter)


def base_slug(path: str, info: NoteInfo, home: str | None) -> str:
    return "index" if path == home else note_slug(path, info.parsed.frontmatter)


def changed_infos(before: dict[str, NoteInfo], after: dict[str, NoteInfo], key: Any) -> set[str]:
    changed = set()
    for path in before.keys() | after.keys():
        if key(before.get(path)) != key(after.get(path)):
            changed.add(path)
    return changed


def still_valid(
    record: NoteRecord,
    info: NoteInfo,
    index: LinkIndex,
    index_changed: bool,
    changed_link: set[str],
    changed_full: set[str],
) -> bool:
    if record.volatile or record.digest != info.parsed.digest:
        return False
    if not record.link_deps.isdisjoint(changed_link) or not record.full_deps.isdisjoint(
        changed_full
    ):
        return False
    if index_changed:
        for (target, source, options), answer in record.queries.items():
            if index.resolve(target, source, **dict(options)) != answer:
                return False
    return True


def add_users(state: ResolveState, path: str, record: NoteRecord) -> None:
    for dep in record.link_deps:
        state.link_users[dep].add(path)
    for dep in record.full_deps:
        state.full_users[dep].add(path)


def remove_users(state: ResolveState, path: str, record: NoteRecord) -> None:
    for dep in record.link_deps:
        state.link_users[dep].discard(path)
    for dep in record.full_deps:
        state.full_users[dep].discard(path)


def contribution_of(
    path: str, record: NoteRecord, info: NoteInfo, published: dict[str, NoteInfo]
) -> Contribution:
    return [
        (link.resolved, Backlink(path, link.line, fact.context))
        for link, fact in zip(record.links, info.parsed.links, strict=True)
        if link.resolved and link.resolved in published and link.resolved != path
    ]


def add_incoming(state: ResolveState, path: str, contribution: Contribution) -> None:
    for target, backlink in contribution:
        state.incoming[target].setdefault(path, []).append(backlink)


def move_incoming(
    state: ResolveState, path: str, old: Contribution, new: Contribution
) -> set[str]:
    """Replace what ``path`` contributes (``old``) by ``new``; return the targets whose
    backlinks from ``path`` differ. Adding one link changes one target, not every target."""
    before, after = _by_target(old), _by_target(new)
    changed = set()
    for target in before.keys() | after.keys():
        backlinks = after.get(target)
        if backlinks == before.get(target):
            continue
        changed.add(target)
        if backlinks:
            state.incoming[target][path] = backlinks
        else:
            state.incoming[target].pop(path, None)
    return changed


def _by_target(contribution: Contribution) -> dict[str, list[Backlink]]:
    grouped: dict[str, list[Backlink]] = {}
    for target, backlink in contribution:
        grouped.setdefault(target, []).append(backlink)
    return grouped


def sorted_backlinks(sources: dict[str, list[Backlink]]) -> list[Backlink]:
    return sorted({b for items in sources.values() for b in items})


def tag_lists(note_tags: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, str]]:
    tags: dict[str, set[str]] = defaultdict(set)
    tag_names: dict[str, str] = {}
    for path, names in note_tags.items():
        for tag in names:
            tags[tag.casefold()].add(path)
            tag_names.setdefault(tag.casefold(), tag)
    return {tag: sorted(paths) for tag, paths in sorted(tags.items())}, tag_names


def page_note(path: str, info: NoteInfo, record: NoteRecord, tags: list[str], home: str | None
          ) -> Note:
    return make_note(
        info, record.links, record.html, tags, record.exercises, home, record.attachments
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
        description=note_description(info),
        exercises=list(exercises),
        cssclasses=string_list(fm.get("cssclasses")),
        order=_number(fm.get("order")),
        kind="home" if info.path == home else "note",
        tryits=TRYIT_MARK in html,
        attachments=attachments,
    )


def note_description(info: NoteInfo) -> str:
    fm = info.parsed.frontmatter
    return str(fm.get("description") or _first_paragraph(info.parsed.text))


def shown_elsewhere(info: NoteInfo | None) -> Any:
    """What other pages show of a note: in backlinks, previous and next, the sidebar."""
    return None if info is None else (info.title, note_description(info))


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
