"""Unique heading ids: ``## Café au lait!`` → ``id="café-au-lait"``; repeats get ``-1``, ``-2``.

Ids are the heading's text lowercased, Unicode letters and digits kept and every other run
turned into ``-``. Stored as ``meta["heading_id"]`` (and the plain text as
``meta["heading_text"]``) on ``heading_open``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator.markdown.wikilinks import display_text


def slugify(text: str) -> str:
    """Lowercase; keep Unicode letters and digits; every other run becomes one ``-``."""
    out: list[str] = []
    dash = False
    for ch in text.lower():
        if ch.isalnum():
            if dash and out:
                out.append("-")
            dash = False
            out.append(ch)
        else:
            dash = True
    return "".join(out)


def inline_text(children: list[Token]) -> str:
    """The plain text a reader sees in inline tokens (links shown as their text)."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "text_special", "math_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            if child.children:
                parts.append(inline_text(child.children))
            else:
                parts.append(display_text(child.meta["target"], child.meta["fragment"]))
        elif child.type == "tag":
            parts.append("#" + child.meta["tag"])
        elif child.type == "image" and child.children:
            parts.append(inline_text(child.children))
    return "".join(parts)


def headings_plugin(md: MarkdownIt) -> None:
    """Give every heading a unique, readable ``id``."""
    md.core.ruler.after("inline", "heading_ids", _heading_ids_rule)


def _heading_ids_rule(state: StateCore) -> None:
    tokens = state.tokens
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        text = inline_text(tokens[i + 1].children or []).strip()
        base = slugify(text) or "section"
        slug = base
        count = seen.get(base, 0)
        while slug in seen:
            count += 1
            slug = f"{base}-{count}"
        seen[base] = count
        seen[slug] = 0
        token.meta["heading_id"] = slug
        token.meta["heading_text"] = text
        token.attrSet("id", slug)
