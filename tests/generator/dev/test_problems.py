"""The dev loop's diagnostics list equals what a full build sorts and caps, part by part."""

from __future__ import annotations

import random

from generator.diagnostics import Diagnostic, cap_repeats, error, sort_diagnostics, warning
from generator.engine.problems import SortedDiagnostics

FILES = ["a.md", "b.md", "c.md"]
CODES = ["link.unresolved", "link.ambiguous", "embed.cycle"]


def random_part(rng: random.Random, size: int) -> list[Diagnostic]:
    part = []
    for _ in range(size):
        make = rng.choice([error, warning])
        hint = rng.choice([None, "", "did you mean [[A]]?"])
        file, line, code = rng.choice(FILES), rng.randint(0, 4), rng.choice(CODES)
        part.append(make(file, line, code, f"m{rng.randint(0, 3)}", hint))
    return part


def test_sorted_diagnostics_random_replacements_match_sorting_everything() -> None:
    rng = random.Random(5)
    problems = SortedDiagnostics()
    parts: dict[tuple[str, str], list[Diagnostic]] = {}
    for _ in range(400):
        group, name = rng.choice(["parse", "links"]), rng.choice(FILES)
        # big parts now and then: the path that sorts everything again, not patching
        items = random_part(rng, rng.choice([0, 1, 3, 80]))
        problems.replace(group, name, items)
        parts[(group, name)] = items
        everything = [d for part in parts.values() for d in part]
        assert problems.ordered() == sort_diagnostics(everything)
        assert problems.capped(5) == cap_repeats(sort_diagnostics(everything), 5)


def test_sorted_diagnostics_same_list_while_unchanged() -> None:
    problems = SortedDiagnostics()
    broken = warning("a.md", 3, "link.unresolved", "[[X]] matches no note")
    problems.replace("links", "a.md", [broken])
    first = problems.capped()
    # the note resolved again, to an equal diagnostic in a new list: nothing changed
    problems.replace(
        "links", "a.md", [warning("a.md", 3, "link.unresolved", "[[X]] matches no note")]
    )
    assert problems.capped() is first
    problems.replace("parse", "a.md", [broken])  # the same diagnostic from a second part
    problems.replace("links", "a.md", [])
    assert problems.capped() is first == [broken]
    problems.replace("parse", "a.md", [])
    assert problems.capped() == []


def test_sorted_diagnostics_replace_group_drops_missing_parts() -> None:
    problems = SortedDiagnostics()
    one, two = error("a.md", 1, "note.encoding", "not UTF-8"), error("b.md", 1, "x", "y")
    problems.replace_group("load", {"a.md": [one], "b.md": [two]})
    problems.replace("course", "", [warning("index.md", 2, "course.outline", "z")])
    problems.replace_group("load", {"b.md": [two]})
    assert [d.file for d in problems.ordered()] == ["b.md", "index.md"]


def test_sort_diagnostics_tells_missing_hint_from_empty_hint() -> None:
    plain = warning("a.md", 1, "c", "m")
    empty = warning("a.md", 1, "c", "m", "")
    assert sort_diagnostics([empty, plain, empty]) == [plain, empty]
    assert sort_diagnostics([plain, empty]) == [plain, empty]
