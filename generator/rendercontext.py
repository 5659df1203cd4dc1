"""What a note body's fences are rendered with: the vault-wide lookups of one run
(:class:`RenderContext`), and the little of a page's hooks the fence renderers use
(:class:`FenceHooks`), so that they depend on this and not on the body renderer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from generator.diagnostics import Diagnostic
from generator.linkindex import LinkIndex

if TYPE_CHECKING:
    from generator.addresses import NoteInfo


@dataclass
class RenderContext:
    """Vault-wide lookups shared by every page's hooks during one build."""

    index: LinkIndex
    notes: dict[str, NoteInfo]
    attachments: dict[str, str]
    project_root: Path | None
    vault_root: Path
    diagnostics: list[Diagnostic]
    api_base: str = ""  # where panels send requests ("" = same origin)
    openapi: str | None = None  # another API's schema (a project file); None = the demo API
    source_url: str | None = None  # where included files can be read online (CourseConfig)
    line_breaks: bool = True  # render a single newline as <br> (Obsidian's default)


class FenceHooks(Protocol):
    """A page being rendered, as a fence renderer sees it (:class:`generator.bodies.PageHooks`)."""

    context: RenderContext
    exercise_ids: list[str]  # exercises shown on the page, in order
    exercise_sites: list[tuple[str, str, int]]  # (id, note, line) of each, for vault-wide checks

    @property
    def current(self) -> str:
        """The note whose text is being rendered (the page, or a note it embeds)."""
