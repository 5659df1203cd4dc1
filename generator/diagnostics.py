"""Diagnostics: every problem found in a vault, printed like a compiler would."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

# "info" is for what the author may want to know but need not fix (an attachment that is
# not published): listed by ``check``, never counted as a warning, summed up by ``build``.
Severity = Literal["error", "warning", "info"]
REPEAT_LIMIT = 50  # diagnostics of one code in one file shown before a summary


@dataclass(frozen=True, order=True, slots=True)
class Diagnostic:
    """One problem: where it is, what it is, and how to fix it."""

    file: str
    line: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None

    def format(self, prefix: str = "") -> str:
        location = f"{prefix}{self.file}:{self.line}" if self.line else f"{prefix}{self.file}"
        text = f"{location}: {self.severity}: {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies every field, ten times slower for
        # the thousand diagnostics `check --format json` can print.
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(file: str, line: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(file, line, "error", code, message, hint)


def warning(file: str, line: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(file, line, "warning", code, message, hint)


def info(file: str, line: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(file, line, "info", code, message, hint)


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable, de-duplicated order: by file, then line, then code and message."""
    # The order key tells apart every two unequal diagnostics, so the result depends only on
    # which diagnostics there are (generator.engine.problems keeps it up to date).
    return sorted(set(items), key=order_key)


def order_key(item: Diagnostic) -> tuple[str, int, str, str, str, bool, str]:
    hint = item.hint
    return (
        item.file,
        item.line,
        item.code,
        item.message,
        item.severity,
        hint is not None,
        hint or "",
    )


def count(items: Iterable[Diagnostic]) -> tuple[int, int]:
    """Return (errors, warnings); info items are neither."""
    errors = warnings = 0
    for item in items:
        if item.severity == "error":
            errors += 1
        elif item.severity == "warning":
            warnings += 1
    return errors, warnings


def count_info(items: Iterable[Diagnostic]) -> int:
    return sum(1 for item in items if item.severity == "info")


def to_json(items: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in items], ensure_ascii=False, indent=2)


def cap_repeats(items: list[Diagnostic], limit: int = REPEAT_LIMIT) -> list[Diagnostic]:
    """Keep the first ``limit`` diagnostics of each code in each file, then one summary.

    A note with ten thousand broken links needs fixing, not ten thousand lines of output.
    """
    seen: dict[tuple[str, str], int] = {}
    kept: list[Diagnostic] = []
    for item in items:
        key = (item.file, item.code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            kept.append(item)
    for (file, code), total in seen.items():
        if total > limit:
            severity = next(d.severity for d in kept if d.file == file and d.code == code)
            kept.append(
                Diagnostic(
                    file,
                    0,
                    severity,
                    code,
                    f"… and {total - limit} more {code} problems in this file "
                    f"(first {limit} shown)",
                )
            )
    return sort_diagnostics(kept)
