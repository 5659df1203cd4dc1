"""YAML frontmatter: split it from the body, parse it, report bad YAML with its line."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, error, warning

_FENCE = re.compile(r"^---[ \t]*$")
# libyaml's loader when PyYAML was built with it: the same results, many times faster.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WIKILINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")


@dataclass
class Frontmatter:
    data: dict[str, Any] = field(default_factory=dict)
    body_line: int = 1  # 1-based line where the body starts
    diagnostics: list[Diagnostic] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)  # (inner text of [[...]], line)


def read_frontmatter(path: str, text: str) -> Frontmatter:
    """Parse a leading ``---`` YAML block. Invalid YAML is a diagnostic; the note still renders."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return Frontmatter()
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i]) or lines[i] == "..."), 0)
    if not end:
        return Frontmatter()
    raw = "\n".join(lines[1:end])
    result = Frontmatter(body_line=end + 2)
    for number, line in enumerate(lines[1:end], start=2):
        for match in _WIKILINK.finditer(line):
            result.links.append((match.group(1), number))
    try:
        loaded = yaml.load(raw, Loader=SAFE_LOADER) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line_number = (int(mark.line) + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        result.diagnostics.append(
            error(
                path,
                line_number,
                "frontmatter.invalid",
                f"invalid YAML in frontmatter: {problem}",
                "quote values that contain ': ' or start with [ { # & * ! | > ' \" % @ `",
            )
        )
        return result
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        result.diagnostics.append(
            warning(
                path, 2, "frontmatter.invalid", "frontmatter is not a mapping of keys to values"
            )
        )
        return result
    result.data = {str(k): _plain(v) for k, v in loaded.items()}
    return result


def _plain(value: Any) -> Any:
    """Make YAML values JSON-friendly (dates become ISO strings)."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def string_list(value: Any) -> list[str]:
    """A frontmatter list field that authors write as a list, a string, or comma-separated."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")] if "," in value else [value.strip()]
        return [p for p in parts if p]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


def is_published(data: dict[str, Any]) -> bool:
    """``publish: false`` and ``draft: true`` keep a note out of the site."""
    publish = data.get("publish", True)
    draft = data.get("draft", False)
    return not (
        publish is False
        or str(publish).lower() == "false"
        or draft is True
        or str(draft).lower() == "true"
    )
