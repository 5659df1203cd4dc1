"""Obsidian comments, removed from the output: ``%%inline%%`` and blocks

.. code-block:: md

    %%
    Spanning lines; [[links]] and #tags in here are neither links nor tags.
    %%

An unclosed ``%%`` hides the rest of its paragraph (inline) or container (block), as Obsidian
hides the rest of the note. ``%%`` inside code spans and fences is left alone.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline


def comments_plugin(md: MarkdownIt) -> None:
    """Drop ``%%…%%`` comments, inline and as blocks."""
    md.block.ruler.before(
        "paragraph",
        "comment_block",
        _comment_block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("link", "comment_inline", _comment_inline_rule)
    md.add_render_rule("comment_block", lambda *args: "")


def _comment_inline_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    if src[pos] != "%" or not src.startswith("%%", pos):
        return False
    close = src.find("%%", pos + 2, state.posMax)
    state.pos = state.posMax if close < 0 else close + 2
    return True


def _comment_block_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.sCount[startLine] - state.blkIndent >= 4:
        return False
    start = state.bMarks[startLine] + state.tShift[startLine]
    first_end = state.eMarks[startLine]
    src = state.src
    if not src.startswith("%%", start):
        return False
    close = src.find("%%", start + 2, first_end)
    if close >= 0:
        if src[close + 2 : first_end].strip():
            return False  # text after a one-line comment: leave it to the inline rule
        last = startLine
    else:
        last = startLine + 1
        while last < endLine:
            if src.find("%%", state.bMarks[last], state.eMarks[last]) >= 0:
                break
            last += 1
        if last >= endLine:
            last = endLine - 1
    if silent:
        return True
    token = state.push("comment_block", "", 0)
    token.map = [startLine, last + 1]
    token.content = src[start : state.eMarks[last]]
    state.line = last + 1
    return True
