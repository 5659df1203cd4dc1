"""YAML frontmatter: split it from the body, parse it, report bad YAML with its line."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from generator.diagnostics import Diagnostic, error, warning

_FENCE = re.compile(r"^---[ \t]*$")
# libyaml's loader when PyYAML was built with it: the same results, many times faster.
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ForgivingLoader(_BaseLoader):
    """YAML's safe loader, reading an impossible date (``2024-13-45``) as the text it is, as
    Obsidian shows it, instead of failing."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return _BaseLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_ForgivingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
SAFE_LOADER: type[yaml.SafeLoader] = _ForgivingLoader
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
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # RecursionError: thousands of nested [ or {; ValueError: a value YAML cannot hold
        mark = getattr(exc, "problem_mark", None)
        line_number = (int(mark.line) + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [repr(exc)])[0]
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
    try:
        result.data = _Plain().mapping(loaded)
    except _TooBig:
        result.diagnostics.append(
            error(
                path,
                2,
                "frontmatter.invalid",
                f"frontmatter holds more than {MAX_VALUES:,} values once its &anchors and "
                "*aliases are expanded, and was ignored",
                "write the values out instead of repeating anchors inside anchors",
            )
        )
    return result


MAX_VALUES = 10_000  # values in one note's frontmatter, anchors expanded ("billion laughs")


class _TooBig(Exception):
    pass


class _Plain:
    """YAML values made JSON-friendly: dates become ISO strings, a list or mapping that holds
    itself (``x: &a [*a]``) holds ``"…"`` there instead, and no more than ``MAX_VALUES``."""

    def __init__(self) -> None:
        self.count = 0
        self.open: set[int] = set()  # the lists and mappings being made, for cycles

    def mapping(self, value: dict[Any, Any]) -> dict[str, Any]:
        return {str(k): self.value(v) for k, v in value.items()}

    def value(self, value: Any) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if not isinstance(value, dict | list):
            return value
        if id(value) in self.open:
            return "…"
        self.open.add(id(value))
        try:
            if isinstance(value, dict):
                return self.mapping(value)
            return [self.value(v) for v in value]
        finally:
            self.open.discard(id(value))


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
