"""Obsidian wikilinks: ``[[Note]]``, ``[[Note|alias]]``, ``[[Note#Heading]]``, ``[[Note#H1#H2]]``,
``[[#Heading]]``, ``[[#^block-id]]``, ``[[Note#^id|alias]]``.

The target is the text before the first ``#`` or ``|``, trimmed; the fragment is what follows the
first ``#`` up to the ``|``; the alias is everything after the first ``|``, parsed as inline
markdown. Inside tables the pipe is written ``\\|``; the table rule removes the backslash, and
outside tables a trailing backslash on the target is dropped, so both read as an alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from generator.markdown.hooks import get_hooks
from generator.markdown.lines import line_offset, token_line

#: Longest ``[[…]]`` looked at; keeps a stray ``[[`` from scanning a whole paragraph.
MAX_LINK_LENGTH = 1000
_LINE_CACHE_KEY = "_obsidian_line_cache"


class LinkParts(NamedTuple):
    target: str
    fragment: str
    rest: str | None  # alias for links, options for embeds


def split_link(inner: str) -> LinkParts:
    """Split the text between ``[[`` and ``]]`` into target, fragment and alias/options."""
    pipe = inner.find("|")
    if pipe >= 0:
        head, rest = inner[:pipe], inner[pipe + 1 :].strip()
        if head.endswith("\\"):
            head = head[:-1]
    else:
        head, rest = inner, None
    hash_pos = head.find("#")
    if hash_pos >= 0:
        target = head[:hash_pos]
        fragment = "#".join(part.strip() for part in head[hash_pos + 1 :].split("#"))
        fragment = fragment.strip("#")
    else:
        target, fragment = head, ""
    return LinkParts(target.strip(), fragment, rest or None)


def scan_brackets(state: StateInline, start: int) -> tuple[str, int] | None:
    """Find ``[[inner]]`` opening at ``start``: ``(inner, index just past the ]])``."""
    src = state.src
    if not src.startswith("[[", start):
        return None
    limit = min(state.posMax, start + 2 + MAX_LINK_LENGTH)
    close = src.find("]]", start + 2, limit)
    if close < 0:
        return None
    inner = src[start + 2 : close]
    if not inner.strip() or inner[0] == "[" or "\n" in inner or "[[" in inner:
        return None
    return inner, close + 2


def scan_link(state: StateInline, start: int) -> tuple[LinkParts, str, int] | None:
    """A ``[[…]]`` at ``start`` with a target or a fragment: (parts, inner text, end)."""
    found = scan_brackets(state, start)
    if found is None:
        return None
    inner, end = found
    parts = split_link(inner)
    if not parts.target and not parts.fragment:
        return None
    return parts, inner, end


def display_text(target: str, fragment: str) -> str:
    """What Obsidian shows for a link without alias: ``Note > Heading > Sub``."""
    parts = [target] if target else []
    if fragment:
        parts.extend(fragment.split("#"))
    return " > ".join(parts)


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Parse ``[[target#fragment|alias]]`` into ``wikilink`` tokens and render them via hooks."""
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "[":
        return False
    found = scan_link(state, pos)
    if found is None:
        return False
    parts, inner, end = found
    if not silent:
        token = state.push("wikilink", "", 0)
        token.markup = "[["
        token.content = inner
        token.meta = {
            "target": parts.target,
            "fragment": parts.fragment,
            "alias": parts.rest,
            "raw": state.src[pos:end],
            "line_offset": line_offset(state, pos),
        }
        children: list[Token] = []
        if parts.rest is not None:
            saved: Any = state.env.get(_LINE_CACHE_KEY)
            state.md.inline.parse(parts.rest, state.md, state.env, children)
            state.env[_LINE_CACHE_KEY] = saved
        token.children = children
    state.pos = end
    return True


def _render_wikilink(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    token = tokens[idx]
    target: str = token.meta["target"]
    fragment: str = token.meta["fragment"]
    if token.children:
        text = self.renderInline(token.children, options, env)
    else:
        text = escapeHtml(display_text(target, fragment))
    result = get_hooks(env).link(target, fragment, token_line(token))
    if result.href is None:
        reason = escapeHtml(result.reason or "not written yet")
        return f'<span class="unresolved" title="{reason}">{text}</span>'
    return (
        f'<a class="internal" href="{escapeHtml(result.href)}" '
        f'data-target="{escapeHtml(target)}">{text}</a>'
    )
