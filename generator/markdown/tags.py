"""Obsidian tags: ``#tag``, ``#nested/tag``, ``#día-2``.

A tag starts with ``#`` at the start of the text or after whitespace or ``(``, and runs over
Unicode letters, digits, ``-``, ``_`` and ``/``. It is not a tag when it is all digits (``#123``),
directly follows a word character or ``/`` (``page#anchor``, ``https://x.org/#top``), or sits in
code (code spans and blocks are never inline-parsed for tags). ``# Heading`` is a heading, not a
tag. Tokens: ``tag`` with ``meta = {"tag": str, "line_offset": int}``, the author's case kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from generator.markdown.hooks import get_hooks
from generator.markdown.lines import line_offset

_ALLOWED_BEFORE = frozenset(" \t\n\r\f\v(")
_EXTRA_TAG_CHARS = frozenset("-_/")


def tags_plugin(md: MarkdownIt) -> None:
    """Parse ``#tag`` into ``tag`` tokens rendered as links to the tag page."""
    md.inline.ruler.before("link", "tag", _tag_rule)
    md.add_render_rule("tag", _render_tag)


def _tag_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    if src[pos] != "#":
        return False
    if pos > 0 and src[pos - 1] not in _ALLOWED_BEFORE:
        return False
    end = pos + 1
    limit = state.posMax
    while end < limit:
        ch = src[end]
        if ch.isalnum() or ch in _EXTRA_TAG_CHARS:
            end += 1
        else:
            break
    while end > pos + 1 and src[end - 1] == "/":
        end -= 1
    tag = src[pos + 1 : end]
    if not tag or tag.isdigit() or tag.startswith("/"):
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.markup = "#"
        token.content = tag
        token.meta = {"tag": tag, "line_offset": line_offset(state, pos)}
    state.pos = end
    return True


def _render_tag(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    tag: str = tokens[idx].meta["tag"]
    href = get_hooks(env).tag_href(tag)
    return f'<a class="tag" href="{escapeHtml(href)}">#{escapeHtml(tag)}</a>'
