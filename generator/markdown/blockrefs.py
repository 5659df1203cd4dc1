"""Obsidian block ids: ``^id`` at the end of a paragraph, list item or quote.

.. code-block:: md

    A paragraph worth linking to. ^key-idea

    - a list item ^item-1

    > a quote
    > spanning lines

    ^quote-id

The id is removed from the text, stored as ``meta["block_id"]`` (without the caret) on the
block's opening token and rendered as ``id="^key-idea"``, so ``[[Note#^key-idea]]`` lands on it.
An id alone in a paragraph names the block just before it (a quote, list, table or callout).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_CONTAINERS = {
    "blockquote_close": "blockquote_open",
    "callout_close": "callout_open",
    "bullet_list_close": "bullet_list_open",
    "ordered_list_close": "ordered_list_open",
    "table_close": "table_open",
}


def blockrefs_plugin(md: MarkdownIt) -> None:
    """Move trailing ``^id`` markers into ``meta["block_id"]`` and an ``id`` attribute."""
    md.core.ruler.after("inline", "block_ids", _block_ids_rule)


def set_block_id(token: Token, block_id: str) -> None:
    token.meta["block_id"] = block_id
    token.attrSet("id", "^" + block_id)


def _block_ids_rule(state: StateCore) -> None:
    tokens = state.tokens
    drop: set[int] = set()
    for i, token in enumerate(tokens):
        if (
            token.type != "inline"
            or not token.children
            or i == 0
            or i + 1 >= len(tokens)
            or tokens[i - 1].type != "paragraph_open"
            or "^" not in token.content
        ):
            continue
        last = token.children[-1]
        if last.type != "text":
            continue
        match = _BLOCK_ID.search(last.content)
        if match is None:
            continue
        block_id = match.group(1)
        last.content = last.content[: match.start()].rstrip()
        children = token.children
        if not last.content:
            children.pop()
            while children and children[-1].type in ("softbreak", "hardbreak"):
                children.pop()
        if not children:
            owner = _previous_block(tokens, i - 1)
            if owner is not None:
                set_block_id(owner, block_id)
                drop.update((i - 1, i, i + 1))
                continue
            set_block_id(tokens[i - 1], block_id)
            continue
        set_block_id(_owner(tokens, i), block_id)
    if drop:
        state.tokens = [token for i, token in enumerate(tokens) if i not in drop]


def _owner(tokens: list[Token], inline_idx: int) -> Token:
    """The block a trailing id names: the list item or quote holding the paragraph, or it."""
    before = tokens[inline_idx - 2] if inline_idx >= 2 else None
    after = tokens[inline_idx + 2] if inline_idx + 2 < len(tokens) else None
    if before is not None and before.type == "list_item_open":
        return before
    if (
        before is not None
        and before.type == "blockquote_open"
        and after is not None
        and after.type == "blockquote_close"
    ):
        return before
    return tokens[inline_idx - 1]


def _previous_block(tokens: list[Token], para_idx: int) -> Token | None:
    """The opening token of the container that closes right before ``para_idx``."""
    if para_idx == 0:
        return None
    closing = tokens[para_idx - 1]
    opener_type = _CONTAINERS.get(closing.type)
    if opener_type is None or closing.level != tokens[para_idx].level:
        return None
    for j in range(para_idx - 2, -1, -1):
        if tokens[j].type == opener_type and tokens[j].level == closing.level:
            return tokens[j]
    return None
