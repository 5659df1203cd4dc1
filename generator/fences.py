"""The rule for the fences the build fills in itself, in one place: parse marks the notes
that have them, the body renderer fills them in, and the dev loop knows which bodies read
files outside the vault, all by asking :func:`fence_kind`.

- ``tryit`` and ``exercise``: the fence's info string names it (any case).
- ``{{#include path:anchor}}``: any fence with a line that is only an include, wherever it
  is (a comment line may come first), or that starts like one (so a malformed include is
  reported, not published as text).
"""

from __future__ import annotations

import re
from typing import Literal

FenceKind = Literal["tryit", "exercise", "include"]
INCLUDE_MARK = "{{#include"
INCLUDE_LINE = re.compile(r"^\s*\{\{#include\s+([^}]+?)\s*\}\}\s*$")
PANELS = ("tryit", "exercise")


def fence_kind(info: str, content: str) -> FenceKind | None:
    """Which of the build's own fences this is, or None for ordinary code."""
    stripped = info.strip()
    language = stripped.split(maxsplit=1)[0].lower() if stripped else ""
    if language == "tryit":
        return "tryit"
    if language == "exercise":
        return "exercise"
    if INCLUDE_MARK in content and any(
        is_include_line(line) for line in content.splitlines()
    ):
        return "include"
    return None


def is_include_line(line: str) -> bool:
    """Whether ``line`` is (or is meant to be) an include: it starts with ``{{#include``."""
    return line.lstrip().startswith(INCLUDE_MARK)
