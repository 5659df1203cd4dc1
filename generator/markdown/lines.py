"""Source lines for inline tokens: ``meta["line_offset"]`` while parsing, ``meta["line"]`` after.

Inline rules only see the inline content of their block, so they record how many newlines lie
between its start and the token (``line_offset``). A core rule then stamps the absolute 1-based
source line (``meta["line"] = parent.map[0] + 1 + line_offset``) so that render rules, which do
not see the parent block, can report it to the hooks. ``0`` means "line unknown".
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

LOCATED_TYPES = frozenset({"wikilink", "embed", "tag"})
_CACHE_KEY = "_obsidian_line_cache"


def line_offset(state: StateInline, pos: int) -> int:
    """Newlines in ``state.src`` before ``pos``, counted incrementally (linear per block)."""
    src: str = state.src
    cache: list[Any] | None = state.env.get(_CACHE_KEY)
    if cache is not None and cache[0] is src and cache[1] <= pos:
        count: int = cache[2] + src.count("\n", cache[1], pos)
    else:
        count = src.count("\n", 0, pos)
    state.env[_CACHE_KEY] = [src, pos, count]
    return count


def token_line(token: Token) -> int:
    """The absolute source line stamped on ``token``, or 0 when unknown."""
    line = token.meta.get("line", 0) if token.meta else 0
    return line if isinstance(line, int) else 0


def lines_plugin(md: MarkdownIt) -> None:
    """Stamp ``meta["line"]`` on wikilink, embed and tag tokens (see module docstring)."""
    md.core.ruler.push("obsidian_lines", _stamp_lines)


def _stamp_lines(state: StateCore) -> None:
    state.env.pop(_CACHE_KEY, None)
    footnotes = state.env.get("footnotes", {}).get("list", {})
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        base = token.map[0] + 1 if token.map else 0
        _stamp_children(token.children, base, footnotes)


def _stamp_children(children: list[Token], base: int, footnotes: dict[Any, Any]) -> None:
    for child in children:
        if child.type in LOCATED_TYPES:
            if base:
                child.meta["line"] = base + child.meta.get("line_offset", 0)
            else:
                child.meta.setdefault("line", 0)
        elif child.type == "footnote_ref" and base:
            # Inline footnotes ``^[…]`` keep their tokens in env; they sit on the ref's line.
            note = footnotes.get(child.meta.get("id"))
            if isinstance(note, dict) and note.get("tokens"):
                for inner in note["tokens"]:
                    if inner.type in LOCATED_TYPES and "line" not in inner.meta:
                        inner.meta["line"] = base
