"""The engine's pages: which pages a change can reach, and only those rendered again.

A page is rendered again when its inputs differ from the last time. Comparing the inputs of
every page after every edit would cost as much as a small build, so after a fast resolve
only the candidates named by :class:`generator.engine.resolver.Change` are compared; a full
resolve, a theme change or a change to what every page shows (the sidebar) widens that.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass, field
from typing import Any

from generator.course import Course, tag_output_dir
from generator.engine.contentindex import ContentIndex
from generator.engine.resolver import Change
from generator.exports import sitemap
from generator.model import ResolvedVault
from generator.render import (
    generated_pages,
    note_folders,
    page_inputs,
    render_pages,
    shared_page_inputs,
)
from generator.theme import Theme, load_theme
from generator.urls import output_path


@dataclass
class PageStore:
    """The rendered site kept between rebuilds, with the inputs each page was made from."""

    theme_fingerprint: str = ""  # of the theme the pages were rendered with
    shared_key: Any = None
    # note path -> digest of its page inputs (:func:`inputs_digest`): the inputs themselves
    # hold the whole Note, and kept in the saved state they made it five times larger
    note_keys: dict[str, bytes] = field(default_factory=dict)
    note_pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # -> (out, bytes)
    generated_keys: dict[str, Any] = field(default_factory=dict)  # out -> page inputs
    generated: dict[str, bytes] = field(default_factory=dict)
    content: ContentIndex = field(default_factory=ContentIndex)
    course: Course | None = None
    cards: dict[str, Any] = field(default_factory=dict)  # note path -> what lists show of it
    # The files the last run returned, copied and patched by the next one: assembling them
    # anew took a third of a save's own time at 10,000 notes. Not kept in the saved state.
    files: dict[str, bytes] | None = field(default=None, repr=False, compare=False)
    sitemap: bytes | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "files": None, "sitemap": None}

    def assemble(
        self, vault: ResolvedVault, course: Course, change: Change
    ) -> tuple[dict[str, bytes], int, set[str] | None]:
        """Every file of the site but search and attachments; how many notes rendered; and
        the files that may differ from the last run's (None: any file may, or the set of
        files changed)."""
        theme = load_theme()
        if theme.fingerprint != self.theme_fingerprint:
            self.note_keys, self.generated_keys = {}, {}
            self.shared_key = None  # every page again
            change = Change(full=True)
        known_generated = self.generated_keys.keys()
        same_notes = self.note_pages.keys() == vault.notes.keys()
        self.theme_fingerprint = theme.fingerprint
        shared = shared_page_inputs(vault, course)
        everything = shared != self.shared_key
        self.shared_key = shared
        todo = self._note_todo(vault, course, change, everything)
        if change.full or everything or course is not self.course or not self.generated_keys:
            self.cards = {p: card(vault, course, p) for p in vault.notes}
            generated_keys = generated_page_inputs(vault, course, self.cards, theme)
            redo = {out for out, key in generated_keys.items()
                    if everything or self.generated_keys.get(out) != key or key is None
                    or out not in self.generated}
        else:  # the same course: only lists showing a changed card can differ
            generated_keys = self.generated_keys
            redo = {out for out, key in generated_keys.items() if key is None}
            for path in change.notes:
                shown = card(vault, course, path)
                if shown != self.cards.get(path):
                    self.cards[path] = shown
                    redo |= {"concepts/index.html", "index.html"} | {
                        tag_output_dir(tag.casefold().lower()) + "index.html"
                        for tag in vault.notes[path].tags}
            redo &= set(generated_keys)
        self.course = course
        rendered = render_pages(vault, course, notes=todo, generated=redo, theme=theme)
        touched: set[str] | None = None
        if same_notes and not (change.full or everything or change.tags) and (
                generated_keys.keys() == known_generated):
            touched = {output_path(vault.notes[path]) for path in todo} | redo | {
                "content-index.json", "sitemap.xml"}
        if same_notes:  # the same notes: patch
            for path in todo:
                out = output_path(vault.notes[path])
                self.note_pages[path] = (out, rendered[out])
        else:
            self.note_pages = {
                path: (output_path(note), rendered[output_path(note)]) if path in todo
                else self.note_pages[path]
                for path, note in sorted(vault.notes.items())
            }
        self.generated = {out: rendered[out] if out in redo else self.generated[out]
                          for out in generated_keys}
        self.generated_keys = generated_keys
        assert isinstance(theme.asset_files, dict)
        if touched is not None and self.files is not None:
            files = dict(self.files)  # a copy: the caller may keep the last run's
            for path in todo:
                out, data = self.note_pages[path]
                files[out] = data
            files.update((out, self.generated[out]) for out in redo)
        else:
            files = dict(theme.asset_files)
            for out, data in self.note_pages.values():
                files[out] = data
            files.update(self.generated)
        files["content-index.json"] = self.content.update(vault, course, change)
        if vault.config.base_url:
            # It lists every page's address: the same until a page is added, goes or moves.
            if touched is None or change.shown or self.sitemap is None:
                self.sitemap = sitemap(vault, course)
            files["sitemap.xml"] = self.sitemap
        self.files = files
        return files, len(todo), touched

    def _note_todo(
        self, vault: ResolvedVault, course: Course, change: Change, everything: bool
    ) -> set[str]:
        notes = vault.notes
        if everything:
            # Every page is rendered; its inputs are kept all the same, or the next change
            # that compares pages (a rename, a build from the saved state) would find none
            # and render every page again.
            self.note_keys = {p: inputs_digest(page_inputs(vault, course, n))
                              for p, n in notes.items()}
            return set(notes)
        if change.full or change.tags:
            candidates = set(notes)
        else:
            candidates = change.notes | change.backlinks | change.outgoing
            for path in change.shown:
                for neighbour in (course.previous(path), course.next(path)):
                    if neighbour is not None:
                        candidates.add(neighbour.path)
        if self.note_keys.keys() != notes.keys():
            self.note_keys = {p: k for p, k in self.note_keys.items() if p in notes}
        todo = set() if self.note_pages.keys() == notes.keys() else {
            p for p in notes if p not in self.note_pages}
        for path in candidates:
            if path not in notes:
                continue
            key = inputs_digest(page_inputs(vault, course, notes[path]))
            if self.note_keys.get(path) != key:
                todo.add(path)
            self.note_keys[path] = key
        return todo


def inputs_digest(value: Any) -> bytes:
    """A digest of ``value`` (plain data: dataclasses, tuples, lists, dicts, strings) that is
    the same for equal values, in this process and the next.

    Pickle's memo would write a string met twice once as a copy and once as a reference,
    so equal values held differently could differ; "fast" mode keeps no memo. A value with
    a set could still differ between processes (string hashes are salted): that only renders
    a page again.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def generated_page_inputs(
    vault: ResolvedVault, course: Course, cards: dict[str, Any] | None = None,
    theme: Theme | None = None,
) -> dict[str, Any]:
    """Each generated page's output path and what it shows besides the shared inputs;
    ``None`` for a page this function does not know, which is then always rendered.
    ``cards`` (note path -> :func:`card`, of this vault and course) saves working them out."""
    if cards is None:
        cards = {p: card(vault, course, p) for p in vault.notes}
    concepts = tuple(cards[p] for p in course.concepts)
    tags = course.tags
    by_tag: dict[str, Any] = {}
    for key in sorted(tags):
        out = tag_output_dir(key) + "index.html"
        if out in by_tag:
            continue
        node = tags[key]
        parts = key.split("/")
        parents = tuple(tags["/".join(parts[:i])].name for i in range(1, len(parts)))
        children = tuple((c, tags[c].name, len(tags[c].notes)) for c in node.children)
        shown = tuple(cards[p] for p in node.notes)
        by_tag[out] = (key, node.name, parents, children, shown)
    known: dict[str, Any] = {
        "concepts/index.html": concepts,
        "tags/index.html": tuple((k, n.name, len(n.notes), tuple(n.children))
                                 for k, n in sorted(tags.items())),
        "graph/index.html": (),
        "404.html": note_folders(vault),
        "index.html": concepts,
        **by_tag,
    }
    return {out: known.get(out) for out in generated_pages(vault, course, theme)}


def card(vault: ResolvedVault, course: Course, path: str) -> Any:
    """What the lists of notes (concepts, tag pages) show of one note."""
    note = vault.notes[path]
    lesson = course.lesson(path)
    return (path, note.title, note.url, lesson.label if lesson else "", note.description)
