"""Obsidian embeds: ``![[Note]]``, ``![[Note#Heading]]``, ``![[Note#^id]]``, ``![[img.png]]``,
``![[img.png|300]]``, ``![[img.png|300x200]]``, ``![[img.png|alt text]]``; and markdown images
with a size in the alt text, ``![alt|300](img.png)`` or ``![alt|300x200](img.png)``.

An ``embed`` token renders as whatever :meth:`RenderHooks.embed` returns (the resolve stage
knows whether it is a note section, an image, audio, video or a PDF). A paragraph holding
nothing but embeds renders without its ``<p>``, so block content is not wrapped in one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from generator.markdown.hooks import get_hooks
from generator.markdown.lines import line_offset, token_line
from generator.markdown.wikilinks import scan_link

_SIZE = re.compile(r"\s*(\d{1,5})(?:\s*x\s*(\d{1,5}))?\s*")
_IMAGE_ALT_SIZE = re.compile(r"\|\s*(\d{1,5})(?:\s*x\s*(\d{1,5}))?\s*$")


class EmbedOptions(NamedTuple):
    """What follows the ``|`` of an embed: a size (``300``, ``300x200``) or alt text."""

    width: int | None
    height: int | None
    alt: str | None


def parse_embed_options(options: str | None) -> EmbedOptions:
    """Read ``300``, ``300x200`` or alt text from an embed's options."""
    if not options:
        return EmbedOptions(None, None, None)
    match = _SIZE.fullmatch(options)
    if match is None:
        return EmbedOptions(None, None, options.strip())
    height = int(match.group(2)) if match.group(2) else None
    return EmbedOptions(int(match.group(1)), height, None)


def embeds_plugin(md: MarkdownIt) -> None:
    """Parse ``![[target#fragment|options]]`` into ``embed`` tokens; size markdown images."""
    md.inline.ruler.before("image", "embed", _embed_rule)
    md.add_render_rule("embed", _render_embed)
    md.core.ruler.after("inline", "embed_blocks", _embed_blocks)


def _embed_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "!":
        return False
    found = scan_link(state, pos + 1)
    if found is None:
        return False
    parts, inner, end = found
    if not silent:
        token = state.push("embed", "", 0)
        token.markup = "![["
        token.content = inner
        token.meta = {
            "target": parts.target,
            "fragment": parts.fragment,
            "options": parts.rest,
            "raw": state.src[pos:end],
            "line_offset": line_offset(state, pos),
        }
    state.pos = end
    return True


def _render_embed(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    meta = tokens[idx].meta
    return get_hooks(env).embed(
        meta["target"], meta["fragment"], meta["options"], token_line(tokens[idx])
    )


def _only_embeds(children: list[Token]) -> bool:
    seen = False
    for child in children:
        if child.type == "embed":
            seen = True
        elif child.type == "softbreak" or (child.type == "text" and not child.content.strip()):
            continue
        else:
            return False
    return seen


def _embed_blocks(state: StateCore) -> None:
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        if (
            0 < i < len(tokens) - 1
            and tokens[i - 1].type == "paragraph_open"
            and _only_embeds(token.children)
        ):
            for j, child in enumerate(token.children):
                if child.type == "softbreak":  # no <br> between embedded blocks
                    newline = Token("html_inline", "", 0)
                    newline.content = "\n"
                    token.children[j] = newline
            if not tokens[i - 1].hidden:
                # Keep one embed per line in the HTML, as the <p> would have.
                newline = Token("html_inline", "", 0)
                newline.content = "\n"
                token.children.append(newline)
            tokens[i - 1].hidden = True
            tokens[i + 1].hidden = True
        for child in token.children:
            if child.type == "image" and child.children:
                _size_image(child)


def _size_image(image: Token) -> None:
    last = image.children[-1] if image.children else None
    if last is None or last.type != "text":
        return
    match = _IMAGE_ALT_SIZE.search(last.content)
    if match is None:
        return
    last.content = last.content[: match.start()].rstrip()
    image.content = image.content[: image.content.rfind("|")].rstrip()
    image.attrSet("width", match.group(1))
    if match.group(2):
        image.attrSet("height", match.group(2))
