"""Obsidian callouts: a blockquote whose first line is ``[!type]``.

.. code-block:: md

    > [!tip] Use the *offline* provider
    > No key needed.

    > [!faq]- Folded, click to open
    > > [!note]
    > > Callouts nest.

renders ``<div class="callout" data-callout="tip">`` holding a ``callout-title`` and a
``callout-content`` div; ``-`` / ``+`` after the type make it ``<details>`` (``+`` open) with a
``<summary>`` title. Aliases are normalised (``faq`` → ``question``); unknown types render as
``note`` with ``data-callout-unknown``. Without a title the capitalised type as written is the
title. Tokens: ``callout_open`` / ``callout_close`` with ``meta = {"type", "title", "fold"}``
where ``fold`` is ``""`` (not foldable), ``"-"`` (folded) or ``"+"`` (open); then
``callout_title_open``, an ``inline`` title, ``callout_title_close``, ``callout_content_open`` …
``callout_content_close``.
"""

from __future__ import annotations

import re
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

CALLOUT_TYPES: dict[str, str] = {
    "note": "note",
    "abstract": "abstract",
    "summary": "abstract",
    "tldr": "abstract",
    "info": "info",
    "todo": "todo",
    "tip": "tip",
    "hint": "tip",
    "important": "tip",
    "success": "success",
    "check": "success",
    "done": "success",
    "question": "question",
    "help": "question",
    "faq": "question",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "failure": "failure",
    "fail": "failure",
    "missing": "failure",
    "danger": "danger",
    "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote",
    "cite": "quote",
}

_HEADER = re.compile(r"\[!([\w-]+)\]([+-]?)[ \t]*(.*)")


def callouts_plugin(md: MarkdownIt) -> None:
    """Turn ``> [!type]± Title`` blockquotes into callout tokens (see module docstring)."""
    md.core.ruler.after("block", "callouts", _callouts_rule)


def _callouts_rule(state: StateCore) -> None:
    tokens = state.tokens
    if not any(token.type == "blockquote_open" for token in tokens):
        return
    out: list[Token] = []
    stack: list[str | None] = []  # per open blockquote: the callout's tag, None for a quote
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "blockquote_open":
            header = _header(tokens, i)
            if header is None:
                stack.append(None)
                out.append(token)
                i += 1
                continue
            stack.append("details" if header.group(2) else "div")
            i = _open_callout(tokens, i, header, out)
            continue
        if token.type == "blockquote_close" and stack and (tag := stack.pop()) is not None:
            if out[-1].type == "callout_content_open":
                out.pop()
            else:
                out.append(_token("callout_content_close", "div", -1, token.level + 1))
            closing = _token("callout_close", tag, -1, token.level)
            out.append(closing)
            i += 1
            continue
        out.append(token)
        i += 1
    state.tokens = out


def _header(tokens: list[Token], i: int) -> re.Match[str] | None:
    if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open":
        return None
    content = tokens[i + 2].content
    if not content.startswith("[!"):
        return None
    newline = content.find("\n")
    first = content if newline < 0 else content[:newline]
    return _HEADER.fullmatch(first.rstrip())


def _open_callout(tokens: list[Token], i: int, header: re.Match[str], out: list[Token]) -> int:
    quote, para_open, inline, para_close = tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]
    written = header.group(1)
    kind = written.lower()
    normalised = CALLOUT_TYPES.get(kind, "note")
    fold = header.group(2)
    title = header.group(3).strip() or written[:1].upper() + written[1:].lower()

    tag = "details" if fold else "div"
    callout = _token("callout_open", tag, 1, quote.level)
    callout.map = quote.map
    callout.markup = ">"
    callout.meta = {"type": normalised, "title": title, "fold": fold}
    callout.attrSet("class", "callout")
    callout.attrSet("data-callout", normalised)
    if kind not in CALLOUT_TYPES:
        callout.attrSet("data-callout-unknown", kind)
    if fold:
        callout.attrSet("data-callout-fold", fold)
    if fold == "+":
        callout.attrSet("open", "")
    out.append(callout)

    title_open = _token("callout_title_open", "summary" if fold else "div", 1, quote.level + 1)
    title_open.attrSet("class", "callout-title")
    title_inline = _token("inline", "", 0, quote.level + 2)
    title_inline.content = header.group(3).strip() or title
    title_inline.children = []
    if para_open.map:
        title_inline.map = [para_open.map[0], para_open.map[0] + 1]
    out += [title_open, title_inline, _token("callout_title_close", title_open.tag, -1, 0)]
    content_open = _token("callout_content_open", "div", 1, quote.level + 1)
    content_open.attrSet("class", "callout-content")
    out.append(content_open)

    newline = inline.content.find("\n")
    if newline < 0:
        return i + 4  # the header was the whole paragraph
    inline.content = inline.content[newline + 1 :]
    for block in (para_open, inline):
        if block.map:
            block.map = [block.map[0] + 1, block.map[1]]
    out += [para_open, inline, para_close]
    return i + 4


def _token(kind: str, tag: str, nesting: Literal[-1, 0, 1], level: int) -> Token:
    token = Token(kind, tag, nesting)
    token.block = True
    token.level = level
    return token
