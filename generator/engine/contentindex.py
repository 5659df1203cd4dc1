"""``content-index.json``, kept up to date by parts: one member per note, patched where an edit
changed it, and the document spliced together as bytes.

The file holds every note (about 2 MB for 1,000 notes). Joining it as one ``str`` and
encoding that cost more than the rest of its upkeep: a single non-ASCII character (``…`` in a
title) makes the whole string wide. So each note's member is kept encoded and the document
is joined from bytes, framed by what :func:`content_index_document` puts around the notes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from generator.course import Course
from generator.engine.resolver import Change
from generator.exports import content_index_document, content_index_entry
from generator.model import ResolvedVault

_SLOT = "\0"  # never in JSON text: json.dumps escapes control characters


@dataclass
class ContentIndex:
    """The last content-index.json, with the pieces it was joined from."""

    members: list[bytes] = field(default_factory=list)  # "slug":{...} by slug, UTF-8
    position: dict[str, int] = field(default_factory=dict)  # note path -> index in members
    document: bytes = b""

    def update(self, vault: ResolvedVault, course: Course, change: Change) -> bytes:
        """The document for ``vault``; ``change`` names the notes whose members may differ."""
        notes = vault.notes
        if change.full or not self.members:
            self._rebuild(vault, course)
        else:
            patched = False
            for path in change.notes | change.backlinks:
                at = self.position.get(path)
                if at is not None and path in notes:
                    member = _member(vault, course, path)
                    if member != self.members[at]:
                        self.members[at] = member
                        patched = True
            if not patched and self.document:
                # Most edits of a note's text change none of its facts: joining and writing
                # the 20 MB of a 10,000-note index again cost a fifth of such a save.
                return self.document
        head, tail = _frame()
        self.document = b"".join((head, b",".join(self.members), tail))
        return self.document

    def _rebuild(self, vault: ResolvedVault, course: Course) -> None:
        notes = vault.notes
        by_slug: dict[str, str] = {}  # as content_index: a later note of one slug wins
        for path in sorted(notes, key=lambda p: notes[p].slug):
            by_slug[notes[path].slug] = path
        self.position = {path: at for at, path in enumerate(by_slug.values())}
        self.members = [_member(vault, course, path) for path in by_slug.values()]


def _member(vault: ResolvedVault, course: Course, path: str) -> bytes:
    return content_index_entry(vault.notes[path], vault, course).encode()


@functools.cache
def _frame() -> tuple[bytes, bytes]:
    """The bytes before the notes and after them."""
    head, tail = content_index_document([_SLOT]).split(_SLOT.encode())
    return head, tail
