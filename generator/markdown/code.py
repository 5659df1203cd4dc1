"""Fenced code: special fences from the hooks, ``mermaid`` kept for the browser, the rest
highlighted at build time by Pygments with CSS classes.

.. code-block:: md

    ```python
    print("hi")
    ```

renders ``<pre class="highlight"><code class="language-python">…</code></pre>`` with Pygments
``<span class="…">`` tokens; an unknown language is escaped plain; ```` ```mermaid ```` becomes
``<pre class="mermaid">`` holding the escaped source. :meth:`RenderHooks.fence` is asked first
(``tryit``, ``exercise``, ``{{#include}}``): HTML it returns is used as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from generator.markdown.hooks import get_hooks

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


@lru_cache(maxsize=2048)
def highlight_code(content: str, language: str) -> str:
    """Pygments HTML (CSS classes, no wrapper) for ``content``, or escaped text if unknown.

    Remembered: embedded sections and pages rendered again highlight the same code."""
    lexer = _lexer(language.lower()) if language else None
    if lexer is None:
        return escapeHtml(content)
    html: str = highlight(content, lexer, _FORMATTER)
    return html


def code_plugin(md: MarkdownIt) -> None:
    """Render fences through the hooks, mermaid and Pygments (see module docstring)."""
    md.add_render_rule("fence", _render_fence)


def _render_fence(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    token = tokens[idx]
    info = unescapeAll(token.info).strip()
    line = token.map[0] + 1 if token.map else 0
    special = get_hooks(env).fence(info, token.content, line)
    if special is not None:
        return special
    language = info.split(maxsplit=1)[0] if info else ""
    if language.lower() == "mermaid":
        return f'<pre class="mermaid">{escapeHtml(token.content)}</pre>\n'
    return code_block(token.content, language)


def code_block(content: str, language: str) -> str:
    """A highlighted ``<pre class="highlight"><code>`` block, as every fence renders."""
    body = highlight_code(content, language)
    css = f' class="language-{escapeHtml(language)}"' if language else ""
    return f'<pre class="highlight"><code{css}>{body}</code></pre>\n'
