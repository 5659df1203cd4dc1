"""Fences the build fills in: ``{{#include}}`` code and ``tryit`` / ``exercise`` panels."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.embeds_render import PageHooks

INCLUDE_MARK = "{{#include"


def render_fence(hooks: PageHooks, info: str, content: str, line: int) -> str | None:
    """HTML for a fence the build handles itself, or None to let the code renderer do it."""
    kind = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
    if content.lstrip().startswith(INCLUDE_MARK):
        from generator.include import render_include

        return render_include(hooks, info, content, line)
    if kind in ("tryit", "exercise"):
        try:
            from generator.tryit.render import render_block
        except ImportError:
            return None
        return render_block(hooks, kind, content, line)
    return None
