"""The one :class:`MarkdownIt` the build parses notes with.

CommonMark with raw HTML (the author is trusted, though HTML comments are dropped), tables and
strikethrough; mdit-py-plugins for front matter (skipped here, read separately), footnotes
(also inline ``^[…]``) and dollar math; our own plugin per Obsidian syntax. Call
:func:`create_markdown` again in each worker process rather than pickling an instance.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from generator.markdown.blockrefs import blockrefs_plugin
from generator.markdown.callouts import callouts_plugin
from generator.markdown.code import code_plugin
from generator.markdown.comments import comments_plugin
from generator.markdown.embeds import embeds_plugin
from generator.markdown.headings import headings_plugin
from generator.markdown.highlights import highlights_plugin
from generator.markdown.htmlcomments import html_comments_plugin
from generator.markdown.lines import lines_plugin
from generator.markdown.math import math_plugin
from generator.markdown.tags import tags_plugin
from generator.markdown.tasks import tasks_plugin
from generator.markdown.wikilinks import wikilinks_plugin

#: Deep enough for real notes (lists in callouts in lists), shallow enough that a note of
#: 1,000 nested quotes stays far from Python's recursion limit: deeper content is plain text.
MAX_NESTING = 50


def create_markdown() -> MarkdownIt:
    """Build the parser with every plugin the vault's syntax needs."""
    md = MarkdownIt(
        "commonmark",
        {
            "html": True,
            # Obsidian shows bare URLs as links and, by default, a single newline as a break.
            "linkify": True,
            "breaks": True,
            "typographer": False,
            "maxNesting": MAX_NESTING,
        },
    )
    md.enable(["table", "strikethrough", "linkify"])
    _fast_linkify_pretest(md)
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(math_plugin)
    md.use(comments_plugin)
    md.use(html_comments_plugin)
    md.use(wikilinks_plugin)
    md.use(embeds_plugin)
    md.use(tags_plugin)
    md.use(highlights_plugin)
    md.use(callouts_plugin)
    md.use(tasks_plugin)
    md.use(blockrefs_plugin)
    md.use(headings_plugin)
    md.use(code_plugin)
    md.use(lines_plugin)
    _bound_label_scans(md)
    return md


# markdown-it's link, image and inline footnote rules look for the "]" that closes a "[" by
# reading on to the end of the paragraph: a paragraph of thousands of "[" that never close
# took minutes. Each failed look is charged the text it may have read; past this many
# characters in one paragraph, the rest of its "[" are plain text. A real paragraph is
# charged a few thousand.
MAX_LABEL_SCAN = 20_000_000
_LABEL_START = {"link": "[", "image": "![", "footnote_inline": "^["}


def _bound_label_scans(md: MarkdownIt) -> None:
    rules = {rule.name: rule.fn for rule in md.inline.ruler.__rules__}
    for name, start in _LABEL_START.items():
        if name in rules:
            md.inline.ruler.at(name, _bounded(rules[name], start))


def _bounded(rule: Callable[[StateInline, bool], bool], start: str) -> Callable[..., bool]:
    def bounded(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(start, state.pos):
            return False
        spent: int = getattr(state, "_label_scan", 0)
        if spent > MAX_LABEL_SCAN:
            return False
        if rule(state, silent):
            return True
        state._label_scan = spent + state.posMax - state.pos  # type: ignore[attr-defined]
        return False

    return bounded


def _fast_linkify_pretest(md: MarkdownIt) -> None:
    """linkify-it's own pretest is one large regex run on every text token; a URL needs
    "://" or "www." first, and checking that is far cheaper."""
    linkify = md.linkify
    if linkify is None:
        return
    full_pretest = linkify.pretest

    def pretest(text: str) -> bool:
        return ("://" in text or "www." in text) and bool(full_pretest(text))

    linkify.pretest = pretest
