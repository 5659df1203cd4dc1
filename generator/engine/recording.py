"""Resolve one note while recording what its HTML depended on, so unchanged pages are reused.

A note's rendered body depends on its own tokens, on link lookups in the vault-wide index, on
the url and anchors of the notes it links to, and on the full tokens of the notes it
embeds. Recording those reads lets the engine decide, after an edit (or from the state a
build saved), exactly which bodies could render differently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from markdown_it.token import Token

from generator.bodies import PageHooks
from generator.diagnostics import Diagnostic
from generator.fences import fence_kind
from generator.linkindex import LinkIndex, Resolution
from generator.links import resolve_link
from generator.model import Link
from generator.rendercontext import RenderContext

if TYPE_CHECKING:
    from generator.addresses import NoteInfo

Query = tuple[str, str, tuple[tuple[str, Any], ...]]  # (target, source, keyword options)


@dataclass
class NoteRecord:
    """One published note's resolved links, body HTML and diagnostics, with what they read."""

    digest: str
    links: list[Link]
    html: str
    exercises: list[str]
    diagnostics: list[Diagnostic]
    exercise_sites: list[tuple[str, str, int]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # those the HTML links to or shows
    queries: dict[Query, Resolution] = field(default_factory=dict)
    link_deps: set[str] = field(default_factory=set)  # notes whose url/title/anchors were read
    full_deps: set[str] = field(default_factory=set)  # notes whose whole text was rendered
    volatile: bool = False  # read files outside the vault ({{#include}}): always re-render


class RecordingIndex:
    """A :class:`LinkIndex` that remembers every lookup and its answer."""

    def __init__(self, index: LinkIndex, record: NoteRecord) -> None:
        self._index = index
        self._record = record

    def resolve(self, target: str, source: str, **options: Any) -> Resolution:
        found = self._index.resolve(target, source, **options)
        self._record.queries[(target, source, tuple(sorted(options.items())))] = found
        if found.path is not None:
            self._record.link_deps.add(found.path)
        return found


class RecordingNotes(Mapping[str, "NoteInfo"]):
    """The published notes, remembering which ones were looked at (hit or miss)."""

    def __init__(self, notes: dict[str, NoteInfo], record: NoteRecord) -> None:
        self._notes = notes
        self._record = record

    def __getitem__(self, key: str) -> NoteInfo:
        self._record.link_deps.add(key)
        return self._notes[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._notes)

    def __len__(self) -> int:
        return len(self._notes)


class RecordingHooks(PageHooks):
    """Page hooks that note embedded notes (whole-text dependencies) and outside reads."""

    record: NoteRecord | None = None

    def _embedded_tokens(self, info: NoteInfo, fragment: str) -> list[Token] | None:
        if self.record is not None:
            self.record.full_deps.add(info.path)
        return super()._embedded_tokens(info, fragment)

    def fence(self, info: str, content: str, line: int) -> str | None:
        if self.record is not None and fence_kind(info, content) == "include":
            self.record.volatile = True
        return super().fence(info, content, line)


def recording_context(
    base: RenderContext, record: NoteRecord
) -> tuple[RenderContext, LinkIndex, dict[str, NoteInfo]]:
    """``base`` for one page, its lookups landing in ``record``."""
    recording_index = cast(LinkIndex, RecordingIndex(base.index, record))
    recording_notes = cast("dict[str, NoteInfo]", RecordingNotes(base.notes, record))
    context = replace(base, index=recording_index, notes=recording_notes,
                      diagnostics=record.diagnostics)
    return context, recording_index, recording_notes


def note_snapshot(info: NoteInfo | None) -> Any:
    """What a body that links to a note can show of it: its address and anchors (a link shows
    the text written in the note, never the target's title)."""
    if info is None:
        return None
    parsed = info.parsed
    return (info.slug, info.url, info.published, tuple(parsed.headings),
            tuple(parsed.block_ids))


def resolve_note(path: str, base: RenderContext) -> NoteRecord:
    """Resolve one published note's links and render its body, recording what they read.
    ``base`` holds the vault-wide lookups (its ``notes`` are the published notes)."""
    info = base.notes[path]
    record = NoteRecord(digest=info.parsed.digest, links=[], html="", exercises=[],
                        diagnostics=[])
    context, rec_index, rec_notes = recording_context(base, record)
    record.links = [
        resolve_link(fact, path, rec_index, rec_notes, record.diagnostics)
        for fact in info.parsed.links
    ]
    record.link_deps.add(path)
    record.full_deps.add(path)
    hooks = RecordingHooks(context, page_path=path)
    hooks.record = record
    record.html = hooks.render_note(path)
    record.exercises = hooks.exercise_ids
    record.exercise_sites = hooks.exercise_sites
    record.attachments = sorted(hooks.attachments)
    return record


def render_records(base: RenderContext, paths: list[str]) -> dict[str, NoteRecord]:
    """Resolve and render ``paths`` here, one after another."""
    return {path: resolve_note(path, base) for path in paths}
