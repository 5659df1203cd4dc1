"""Which attachments the site publishes: only those a published page links to or shows.

As Obsidian Publish does, a file of the vault is copied into the site only when the page of
a published note links to it or embeds it (also through a note or section it embeds, since
that is on the page too). A file that only drafts and ``publish: false`` notes link to, or
that nothing links to, stays private: exam answers beside the lessons are not published
because they are in the vault. ``coursegen check`` lists such files as info.
"""

from __future__ import annotations

from collections.abc import Collection

from generator.diagnostics import Diagnostic, info
from generator.model import ResolvedVault


def published_attachments(resolved: ResolvedVault) -> set[str]:
    """Vault paths of the attachments that some published page links to or shows."""
    return {path for note in resolved.notes.values() for path in note.attachments}


def unpublished_attachments(
    resolved: ResolvedVault, published: Collection[str]
) -> list[Diagnostic]:
    """An info diagnostic for each attachment the site leaves out because no page needs it
    (those left out for their address already have an ``attachment.collision`` warning)."""
    return [
        info(
            path,
            0,
            "attachment.unpublished",
            "no published page links to or embeds this file, so it is not copied into the site",
            "link or embed it in a published note to publish it; links from notes with "
            "draft: true or publish: false do not count",
        )
        for path in resolved.attachments
        if path not in published
    ]
