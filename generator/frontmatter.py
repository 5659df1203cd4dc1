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
        loaded = load_yaml(raw) if raw.strip() else {}
    except YamlTooBig as exc:
        result.diagnostics.append(
            error(path, 2, "frontmatter.invalid", f"frontmatter holds {exc}, and was ignored",
                  exc.hint)
        )
        return result
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
    result.data = loaded
    result.diagnostics.extend(_wrong_types(path, result.data, lines[1:end]))
    return result


# The fields the build reads, and what each must be: a value of another kind is left out.
_SCALAR = (str, int, float)
_FIELDS: dict[str, tuple[str, tuple[type, ...]]] = {
    "title": ("text", _SCALAR),
    "description": ("text", _SCALAR),
    "permalink": ("text", (str,)),
    "order": ("a number", (int, float)),
    "aliases": ("a list of names", (list, *_SCALAR)),
    "tags": ("a list of tags", (list, str)),
    "cssclasses": ("a list of class names", (list, str)),
    "publish": ("true or false", (bool,)),
    "draft": ("true or false", (bool,)),
}


def _wrong_types(path: str, data: dict[str, Any], lines: list[str]) -> list[Diagnostic]:
    """A warning for each field the build reads whose value is of the wrong kind; the value
    is left out (``publish`` and ``draft`` keep theirs: only "false"/"true" say anything)."""
    problems: list[Diagnostic] = []
    for key, (expected, kinds) in _FIELDS.items():
        value = data.get(key)
        if value is None:
            continue
        wrong = (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds)
        if isinstance(value, list) and not wrong:
            wrong = any(isinstance(item, dict | list) for item in value)
        if key in ("publish", "draft") and str(value).lower() in ("true", "false"):
            wrong = False
        if not wrong:
            continue
        line = next(
            (n for n, text in enumerate(lines, start=2) if text.startswith(f"{key}:")), 2
        )
        if key == "publish":
            outcome = "the note is published"
        elif key == "draft":
            outcome = "the note is not a draft"
        else:
            del data[key]
            outcome = "it is read as not set"
        problems.append(
            warning(
                path,
                line,
                "frontmatter.type",
                f"'{key}' should be {expected}, not {_kind(value, list in kinds)}; {outcome}",
                f"write it like {_EXAMPLES[key]}",
            )
        )
    return problems


_EXAMPLES = {
    "title": "title: My lesson",
    "description": "description: One sentence about the note",
    "permalink": "permalink: lessons/first",
    "order": "order: 3",
    "aliases": "aliases: [Other name, Short name]",
    "tags": "tags: [python, api/http]",
    "cssclasses": "cssclasses: [wide]",
    "publish": "publish: false",
    "draft": "draft: true",
}


def _kind(value: Any, lists_allowed: bool) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list holding lists or mappings" if lists_allowed else "a list"
    if isinstance(value, int | float):
        return "a number"
    return f"the text {str(value)!r}"


# Limits of any YAML a note holds (frontmatter, exercises): a few lines of nested &anchors
# and *aliases stand for billions of values ("billion laughs"), which the page would carry.
MAX_VALUES = 10_000  # values, anchors expanded
MAX_DEPTH = 50  # lists and mappings inside each other
MAX_TEXT = 1_000_000  # characters of keys and text, anchors expanded


class YamlTooBig(Exception):
    """YAML past one of the limits above; the message says which, ``hint`` what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def load_yaml(text: str) -> Any:
    """YAML ``text`` as plain data within the limits above, the one loader for YAML in notes.

    Raises :class:`YamlTooBig` past a limit, and ``yaml.YAMLError``, ``ValueError`` or
    ``RecursionError`` for text that is not YAML."""
    return _Plain().value(yaml.load(text, Loader=SAFE_LOADER))


_EXPANDED_HINT = "write the values out instead of repeating anchors inside anchors"


class _Plain:
    """YAML values made JSON-friendly: dates become ISO strings, keys text, a list or mapping
    that holds itself (``x: &a [*a]``) holds ``"…"`` there instead; counted as they are made,
    so an expansion past a limit stops there instead of filling the memory."""

    def __init__(self) -> None:
        self.count = 0
        self.text = 0
        self.open: set[int] = set()  # the lists and mappings being made, for cycles

    def value(self, value: Any) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise YamlTooBig(f"more than {MAX_VALUES:,} values once its &anchors and *aliases "
                             "are expanded", _EXPANDED_HINT)
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, str):
            self._add_text(value)
        if not isinstance(value, dict | list):
            return value
        if id(value) in self.open:
            return "…"
        if len(self.open) >= MAX_DEPTH:
            raise YamlTooBig(f"lists or mappings nested more than {MAX_DEPTH} deep",
                             "write the nested values out flat, or in fewer levels")
        self.open.add(id(value))
        try:
            if isinstance(value, dict):
                return {self._add_text(str(k)): self.value(v) for k, v in value.items()}
            return [self.value(v) for v in value]
        finally:
            self.open.discard(id(value))

    def _add_text(self, text: str) -> str:
        self.text += len(text)
        if self.text > MAX_TEXT:
            raise YamlTooBig(f"more than {MAX_TEXT:,} characters of text once its &anchors and "
                             "*aliases are expanded", _EXPANDED_HINT)
        return text


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
