"""The site theme: Jinja2 templates and static assets published under content-hashed names."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
)
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

THEME_DIR = Path(__file__).resolve().parent
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"


@dataclass
class Theme:
    env: Environment
    asset_names: dict[str, str]  # "site.css" -> "assets/site.3f2a1b9c.css"
    asset_files: dict[str, bytes]  # output path -> bytes
    fingerprint: str = ""  # changes whenever a template or asset changes

    def asset_url(self, name: str) -> str:
        """Root-relative URL of a theme file; unknown names are a theme bug, so they raise."""
        try:
            return self.asset_names[name]
        except KeyError:
            raise KeyError(f"theme asset {name!r} is not in {THEME_DIR / 'static'}") from None

    def has_asset(self, name: str) -> bool:
        return name in self.asset_names

    def render(self, template: str, **context: Any) -> str:
        return self._template(template).render(theme=self, **context)

    def _template(self, name: str) -> Template:
        return self.env.get_template(name)


def load_theme(theme_dir: Path = THEME_DIR) -> Theme:
    """The theme, rebuilt only when one of its files changed (the dev loop edits it live)."""
    files = sorted(p for p in theme_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load(theme_dir, signature)


@lru_cache(maxsize=2)
def _load(theme_dir: Path, signature: tuple[tuple[str, int, int], ...]) -> Theme:
    env = Environment(
        loader=FileSystemLoader(theme_dir / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,
        # Compiled templates kept between runs (keyed by their source's checksum, in a
        # private folder of the user's temporary directory): a build skips compiling them.
        bytecode_cache=FileSystemBytecodeCache(),
    )
    env.filters["header_lines"] = header_lines
    sources: dict[str, bytes] = {}
    static = theme_dir / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file():
                sources[path.relative_to(static).as_posix()] = path.read_bytes()
    sources["pygments.css"] = code_highlight_css().encode("utf-8")
    names: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for name, data in sources.items():
        digest = hashlib.sha256(data).hexdigest()[:8]
        pure = PurePosixPath(name)
        hashed = f"assets/{pure.with_name(f'{pure.stem}.{digest}{pure.suffix}')}"
        names[name] = hashed
        files[hashed] = data
    fingerprint = hashlib.sha256()
    for template in sorted((theme_dir / "templates").rglob("*")):
        if template.is_file():
            fingerprint.update(template.name.encode() + b"\0" + template.read_bytes())
    for hashed in sorted(files):
        fingerprint.update(hashed.encode())
    return Theme(env=env, asset_names=names, asset_files=files, fingerprint=fingerprint.hexdigest())


def code_highlight_css() -> str:
    """Pygments colours for both themes, scoped so the page's theme switch picks one."""
    light: str = HtmlFormatter(style=LIGHT_CODE_STYLE).get_style_defs(  # type: ignore[no-untyped-call]
        ".highlight"
    )
    dark: str = HtmlFormatter(style=DARK_CODE_STYLE).get_style_defs(  # type: ignore[no-untyped-call]
        '[data-theme="dark"] .highlight'
    )
    # What a lexer cannot read (an unquoted key or "..." in a JSON example, pseudo-code) is
    # not a mistake to show the reader: no red box, the text as it is, as Obsidian shows it.
    plain_errors = (
        '.highlight .err, [data-theme="dark"] .highlight .err '
        "{ border: none; background: none; color: inherit; }"
    )
    return (
        f"/* light: {LIGHT_CODE_STYLE} */\n{light}\n/* dark: {DARK_CODE_STYLE} */\n{dark}\n"
        f"{plain_errors}\n"
    )


# "Links: [[a]]", "Ref: https://…", "Tags: #x", "Rel: [[b]]": the label lines many vaults open a
# note with. Obsidian shows them as a paragraph of hard-broken lines; the site shows a key list.
_FIRST_PARAGRAPH = re.compile(r"\A(\s*)<p>(.*?)</p>", re.DOTALL)
_LABEL_LINE = re.compile(r"([A-Z][A-Za-z ]{0,15}):\s+(\S.*)", re.DOTALL)
# A line ends at a <br>, or, in a vault with strict line breaks (Obsidian's "strictLineBreaks"),
# at a plain newline, which the renderer keeps inside the paragraph.
_BREAK = re.compile(r"<br\s*/?>\s*|\n")


def _header_paragraph(body: str) -> tuple[re.Match[str], list[re.Match[str]]] | None:
    """The leading paragraph of two or more ``Label: value`` lines, and those lines."""
    match = _FIRST_PARAGRAPH.match(body)
    if match is None:
        return None
    lines = _BREAK.split(match.group(2).strip())
    pairs = [_LABEL_LINE.fullmatch(line.strip()) for line in lines]
    if len(pairs) < 2 or not all(pairs):
        return None
    return match, [m for m in pairs if m is not None]


def header_lines(body: str) -> Markup:
    """The note body with a leading paragraph of two or more ``Label: value`` lines shown as a
    definition list (``dl.note-links``); any other body is returned as it is."""
    found = _header_paragraph(body)
    if found is None:
        return Markup(body)  # the renderer's HTML, already safe
    match, pairs = found
    rows = "".join(
        f'<div class="note-links-row"><dt>{m.group(1)}</dt><dd>{m.group(2)}</dd></div>'
        for m in pairs
    )
    return Markup(f'{match.group(1)}<dl class="note-links">{rows}</dl>{body[match.end() :]}')


def without_header_lines(body: str) -> str:
    """The note body without its ``Label: value`` header paragraph (for search excerpts)."""
    found = _header_paragraph(body)
    return body if found is None else body[found[0].end() :]
