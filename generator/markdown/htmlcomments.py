"""HTML comments, removed from the output: ``<!-- inline -->`` and blocks

.. code-block:: md

    <!--
    A remark to myself: Obsidian hides it in reading view, and the site never has it.
    -->

Other raw HTML is published as written (the author is trusted), but a comment is where
authors keep private remarks, and one left in a page's source is there for anyone to read.
So comments leave no trace: not in pages, embeds, search or ``content-index.json``, and
``[[links]]`` and ``#tags`` inside them are neither. An unclosed ``<!--`` hides the rest of
its paragraph (inline) or of its HTML block, as a browser would hide the rest of the page.
``<!--`` inside code spans and fences is code and is left alone; so is the text of a
``<script>``, ``<style>`` or ``<textarea>`` block, where ``<!--`` is not a comment.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

OPEN = "<!--"
CLOSE = "-->"
# HTML blocks whose text the browser does not read as HTML (markdown-it's first kind).
_RAW_TEXT = re.compile(r"\s*<(?:script|style|textarea)(?:\s|>|$)", re.IGNORECASE)


def html_comments_plugin(md: MarkdownIt) -> None:
    """Drop ``<!-- … -->`` comments, inline and in HTML blocks."""
    md.inline.ruler.before("html_inline", "html_comment", _comment_inline_rule)
    md.core.ruler.after("block", "html_comment_blocks", _strip_block_comments)


def strip_comments(html: str) -> str:
    """``html`` without its comments; an unclosed one runs to the end."""
    kept: list[str] = []
    pos = 0
    while (start := html.find(OPEN, pos)) >= 0:
        kept.append(html[pos:start])
        # From the opener's dashes on: "<!-->" and "<!--->" are whole (empty) comments.
        close = html.find(CLOSE, start + 2)
        if close < 0:
            return "".join(kept)
        pos = close + len(CLOSE)
    kept.append(html[pos:])
    return "".join(kept)


def _comment_inline_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "<" or not state.src.startswith(OPEN, pos):
        return False
    close = state.src.find(CLOSE, pos + 2, state.posMax)
    state.pos = state.posMax if close < 0 else close + len(CLOSE)
    return True


def _strip_block_comments(state: StateCore) -> None:
    kept = []
    for token in state.tokens:
        if (
            token.type == "html_block"
            and OPEN in token.content
            and not _RAW_TEXT.match(token.content)
        ):
            token.content = strip_comments(token.content)
            if not token.content.strip():
                continue  # the block was only comments
        kept.append(token)
    state.tokens = kept
