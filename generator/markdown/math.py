"""Math ``$inline$`` and ``$$display$$`` rendered to MathML at build time (no JavaScript).

Parsing is mdit-py-plugins' ``dollarmath``; this module supplies the renderer. LaTeX that
latex2mathml cannot read is shown as ``<code class="math-error">`` with its source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Environments MathJax and KaTeX (so Obsidian) typeset that latex2mathml does not know, as
# ones it does with the same layout: it would print their "&" as text on one line.
_ENVIRONMENTS = {
    "aligned": ("align*", ""),
    "alignedat": ("align*", ""),
    "alignat": ("align*", ""),
    "alignat*": ("align*", ""),
    "gather": ("array", "{c}"),
    "gather*": ("array", "{c}"),
    "gathered": ("array", "{c}"),
    "eqnarray": ("array", "{rcl}"),
    "eqnarray*": ("array", "{rcl}"),
}
_NAMES = "|".join(re.escape(name) for name in sorted(_ENVIRONMENTS, key=len, reverse=True))
# alignat and alignedat take the number of column pairs, which align* does not need
_BEGIN = re.compile(rf"\\begin\s*\{{({_NAMES})\}}(\s*\{{\d+\}})?")
_END = re.compile(rf"\\end\s*\{{({_NAMES})\}}")


def _known_environments(latex: str) -> str:
    def begin(match: re.Match[str]) -> str:
        found, count = match.group(1), match.group(2) or ""
        name, columns = _ENVIRONMENTS[found]
        kept = "" if found.startswith(("alignat", "alignedat")) else count
        return f"\\begin{{{name}}}{columns}{kept}"

    def end(match: re.Match[str]) -> str:
        return f"\\end{{{_ENVIRONMENTS[match.group(1)][0]}}}"

    return _END.sub(end, _BEGIN.sub(begin, latex))


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``; a ``math-error`` code element when it cannot be converted."""
    try:
        mathml: str = convert(_known_environments(latex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on bad input; none may stop a build
        return f'<code class="math-error">{escapeHtml(latex)}</code>'
    # An "&" it does not place in a table comes out bare, which is not well-formed markup.
    return mathml.replace(">&<", ">&amp;<")


def _render(content: str, options: dict[str, Any]) -> str:
    return latex_to_mathml(content, bool(options.get("display_mode")))


def math_plugin(md: MarkdownIt) -> None:
    """``$a^2$`` inline and ``$$…$$`` display math, as Obsidian reads them."""
    md.use(
        dollarmath_plugin,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        renderer=_render,
    )
    # ``$$…$$`` inside a paragraph: a <div> may not sit in a <p>, so use a block-styled span.
    md.add_render_rule("math_inline_double", _render_display_in_paragraph)


def _render_display_in_paragraph(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: dict[str, Any],
) -> str:
    mathml = latex_to_mathml(tokens[idx].content.strip(), True)
    return f'<span class="math display">{mathml}</span>'
