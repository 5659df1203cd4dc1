"""What render rules ask the rest of the build: where a link goes, what an embed shows."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Protocol, cast
from urllib.parse import quote


@dataclass(frozen=True)
class LinkTarget:
    """Where a wikilink points. ``href is None`` means unresolved, and ``reason`` says why.

    There is no title: a link shows the text written in the note, so a retitled note leaves
    the bodies that link to it unchanged (the dev loop relies on that)."""

    href: str | None
    reason: str | None = None


class RenderHooks(Protocol):
    """Callbacks from render rules into the build (link resolution, embeds, fences)."""

    def link(self, target: str, fragment: str, line: int) -> LinkTarget: ...

    def embed(self, target: str, fragment: str, options: str | None, line: int) -> str: ...

    def tag_href(self, tag: str) -> str: ...

    def fence(self, info: str, content: str, line: int) -> str | None: ...


class PlainHooks:
    """Hooks with no vault behind them: used by golden fixtures and bare rendering."""

    def link(self, target: str, fragment: str, line: int) -> LinkTarget:
        href = quote(target) if target else ""
        if fragment:
            href += "#" + quote(fragment)
        return LinkTarget(href=href)

    def embed(self, target: str, fragment: str, options: str | None, line: int) -> str:
        ref = target + (f"#{fragment}" if fragment else "")
        return f'<div class="embed" data-embed="{escape(ref)}"></div>'

    def tag_href(self, tag: str) -> str:
        return "tags/" + quote(tag.lower()) + "/"

    def fence(self, info: str, content: str, line: int) -> str | None:
        return None


def get_hooks(env: dict[str, Any]) -> RenderHooks:
    hooks = env.get("hooks")
    if hooks is None:
        hooks = PlainHooks()
        env["hooks"] = hooks
    return cast(RenderHooks, hooks)
