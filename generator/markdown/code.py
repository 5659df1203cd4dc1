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

A block with a language or a file name gets a header above it, in a ``div.code-block``:

.. code-block:: md

    ```python title="app/main.py"
    app = FastAPI()
    ```

shows "app/main.py" and "Python"; the theme's ``code.js`` adds a copy button to every block.
"""

from __future__ import annotations

import re
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
# ``title="app/main.py"`` (or ``title=app/main.py``) after the language, as MkDocs writes it.
_TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))""")
# Languages that are no language: no label for them.
_PLAIN = {"", "text", "txt", "plain", "plaintext"}


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
    return code_block(token.content, language, title=fence_title(info))


def fence_title(info: str) -> str:
    """The file name a fence's info string gives with ``title=``, or ""."""
    match = _TITLE.search(info)
    if match is None:
        return ""
    return next((group for group in match.groups() if group is not None), "").strip()


def language_label(language: str) -> str:
    """What a block's header calls its language: Pygments' name for it ("Python", "JSON"),
    the word itself when Pygments does not know it, "" for plain text."""
    if language.lower() in _PLAIN:
        return ""
    lexer = _lexer(language.lower())
    return str(lexer.name) if lexer is not None else language


def code_block(content: str, language: str, *, title: str = "", href: str = "") -> str:
    """A highlighted ``<pre class="highlight"><code>`` block, as every fence renders; with a
    header naming the file and the language when there is either."""
    body = highlight_code(content, language)
    css = f' class="language-{escapeHtml(language)}"' if language else ""
    pre = f'<pre class="highlight"><code{css}>{body}</code></pre>\n'
    label = language_label(language)
    if not (label or title):
        return pre
    # The header is not the lesson's text: search leaves it out.
    head = '<div class="code-head" data-pagefind-ignore>'
    if title and href:
        head += (f'<a class="code-file" href="{escapeHtml(href)}" rel="noopener">'
                 f"{escapeHtml(title)}</a>")
    elif title:
        head += f'<span class="code-file">{escapeHtml(title)}</span>'
    if label:
        head += f'<span class="code-lang">{escapeHtml(label)}</span>'
    return f'<div class="code-block">{head}</div>\n{pre}</div>\n'
