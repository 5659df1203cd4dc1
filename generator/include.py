"""``{{#include path:anchor}}`` inside a fence: code shown in lessons comes from the project.

The fence reads as an ordinary code block in Obsidian; at build time each include line is
replaced by the file's text, a line range (``file:10:25``, ``file:10:``), a region between
``# ANCHOR: name`` and ``# ANCHOR_END: name``, or a Python function or class (``file:name``,
``file:Class.method``). Paths are relative to the project root, the folder that holds the
vault; only the project's own files may be included (see :mod:`generator.project_files`), since
whatever is included is published.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.diagnostics import Diagnostic, error
from generator.fences import INCLUDE_LINE, is_include_line
from generator.project_files import RULES, RefusedPath, project_file

if TYPE_CHECKING:
    from generator.rendercontext import FenceHooks

ANCHOR_START = re.compile(r"ANCHOR:\s*([\w.-]+)")
ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w.-]+)")


class IncludeError(Exception):
    """An include that cannot be filled in; the message says why."""

    code = "include.missing"
    hint = (
        "paths are relative to the project folder; anchors are a function or class name, "
        "'# ANCHOR: name' regions, or line ranges like 10:25"
    )


class IncludeRefused(IncludeError):
    """An include of a file the site may not publish (a secret, a dot-file, …)."""

    code = "include.refused"
    hint = f"include only the project's own files: {RULES}"


@dataclass(frozen=True)
class IncludeSpec:
    path: str
    anchor: str | None


@dataclass(frozen=True)
class Included:
    """What an include stands for, and where it sits in its file (lines counted from 1;
    ``first`` is None for a whole file)."""

    text: str
    first: int | None = None
    last: int | None = None

    def line_fragment(self) -> str:
        """``#L3-L9`` (``#L3`` for one line; nothing for a whole file), as code hosts
        address lines."""
        if self.first is None or self.last is None:
            return ""
        return f"#L{self.first}" if self.first == self.last else f"#L{self.first}-L{self.last}"

    def where(self, path: str) -> str:
        """``app/main.py``, or ``app/main.py, lines 3–9`` (``line 3`` for one)."""
        if self.first is None or self.last is None:
            return path
        if self.first == self.last:
            return f"{path}, line {self.first}"
        return f"{path}, lines {self.first}\u2013{self.last}"


def parse_spec(text: str) -> IncludeSpec:
    path, sep, anchor = text.strip().partition(":")
    return IncludeSpec(path.strip(), anchor.strip() if sep else None)


def read_include(root: Path, spec: IncludeSpec) -> str:
    """The text an include stands for. Raises :class:`IncludeError` with a clear message."""
    return locate_include(root, spec).text


def locate_include(root: Path, spec: IncludeSpec) -> Included:
    """The text an include stands for and its lines in the file; :class:`IncludeError` when
    it cannot be read."""
    try:
        candidate = project_file(root, Path(spec.path))
    except RefusedPath as exc:
        raise IncludeRefused(f"refused: {exc}") from None
    if not candidate.is_file():
        raise IncludeError(f"file '{spec.path}' does not exist")
    try:
        text = candidate.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IncludeError(f"cannot read '{spec.path}': {exc}") from exc
    if not spec.anchor:
        return Included(_strip_anchor_lines(text))
    return _select(text, spec, candidate.suffix == ".py")


def _select(text: str, spec: IncludeSpec, is_python: bool) -> Included:
    anchor = spec.anchor or ""
    lines = text.splitlines()
    if re.fullmatch(r"\d*:?\d*", anchor) and any(ch.isdigit() for ch in anchor):
        first, _, last = anchor.partition(":")
        start = int(first) if first else 1
        end = int(last) if last else (len(lines) if ":" in anchor else start)
        if start < 1 or end > len(lines) or start > end:
            raise IncludeError(
                f"lines {anchor} are outside '{spec.path}', which has {len(lines)} lines"
            )
        return _lines(lines, start, end)
    region = _region(lines, anchor)
    if region is not None:
        return _lines(lines, *region) if region[0] <= region[1] else Included("")
    if is_python:
        found = _python_definition(text, anchor)
        if found is not None:
            return _lines(lines, *found)
    raise IncludeError(
        f"'{spec.path}' has no region '# ANCHOR: {anchor}'"
        + (" and no function or class of that name" if is_python else "")
    )


def _lines(lines: list[str], first: int, last: int) -> Included:
    """Lines ``first`` to ``last`` (from 1), dedented, leaving out other regions' marks; the
    numbers given are those of the first and last lines shown."""
    kept = [
        (number, line)
        for number, line in enumerate(lines[first - 1 : last], start=first)
        if not (ANCHOR_START.search(line) or ANCHOR_END.search(line))
    ]
    while kept and not kept[0][1].strip():
        kept.pop(0)
    while kept and not kept[-1][1].strip():
        kept.pop()
    if not kept:
        return Included("")
    return Included(_dedent("\n".join(line for _, line in kept)), kept[0][0], kept[-1][0])


def _region(lines: list[str], name: str) -> tuple[int, int] | None:
    """The lines (from 1) between ``ANCHOR: name`` and ``ANCHOR_END: name`` (or the end)."""
    first: int | None = None
    for number, line in enumerate(lines, start=1):
        start, end = ANCHOR_START.search(line), ANCHOR_END.search(line)
        if first is not None and end and end.group(1) == name:
            return first, number - 1
        if first is None and start and start.group(1) == name:
            first = number + 1
    return (first, len(lines)) if first is not None else None


def _python_definition(text: str, dotted: str) -> tuple[int, int] | None:
    """The lines (from 1) of a function or class, its decorators included."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    scope: list[ast.stmt] = tree.body
    node: ast.stmt | None = None
    for part in dotted.split("."):
        node = next(
            (
                n
                for n in scope
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.name == part
            ),
            None,
        )
        if node is None:
            return None
        scope = node.body if isinstance(node, ast.ClassDef) else []
    assert node is not None
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _strip_anchor_lines(text: str) -> str:
    kept = [
        line
        for line in text.splitlines()
        if not (ANCHOR_START.search(line) or ANCHOR_END.search(line))
    ]
    return "\n".join(kept)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


def expand_includes(
    content: str,
    root: Path,
    source: str,
    line: int,
    *,
    sources: list[tuple[str, Included]] | None = None,
) -> tuple[str, list[Diagnostic]]:
    """Replace each include line of a fence's content; problems become error diagnostics.
    ``sources`` gets where each included text comes from (``app/main.py, lines 3–9``)."""
    out: list[str] = []
    problems: list[Diagnostic] = []
    for offset, text in enumerate(content.splitlines()):
        match = INCLUDE_LINE.match(text)
        if not match:
            if is_include_line(text):
                problems.append(
                    error(
                        source,
                        line + 1 + offset,
                        "include.invalid",
                        f"{text.strip()} is not a complete include",
                        "write it as {{#include path}} or {{#include path:anchor}}",
                    )
                )
            out.append(text)
            continue
        spec = parse_spec(match.group(1))
        try:
            included = locate_include(root, spec)
            out.append(included.text)
            if sources is not None:
                sources.append((spec.path, included))
        except IncludeError as exc:
            problems.append(
                error(source, line + 1 + offset, exc.code,
                      f"{{{{#include {match.group(1)}}}}}: {exc}", exc.hint)
            )
            out.append(text)
    return "\n".join(out) + "\n", problems


def render_include(hooks: FenceHooks, info: str, content: str, line: int) -> str:
    """The fence's HTML with its includes filled in and highlighted."""
    from generator.markdown.code import code_block, fence_title

    context = hooks.context
    root = context.project_root or context.vault_root.parent
    sources: list[tuple[str, Included]] = []
    text, problems = expand_includes(content, root, hooks.current, line, sources=sources)
    context.diagnostics.extend(problems)
    language = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    # The block names the file it shows (a title= in the info string names it instead), and
    # links to it where the project can be read online.
    title = fence_title(info) or "; ".join(included.where(path) for path, included in sources)
    href = ""
    if context.source_url and len(sources) == 1:
        path, included = sources[0]
        href = context.source_url + quote(path) + included.line_fragment()
    return code_block(text, language, title=title, href=href)
