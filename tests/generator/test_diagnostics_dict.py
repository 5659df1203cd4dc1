"""A diagnostic as JSON (check --format json, content-index.json): every field, by name."""

from __future__ import annotations

from dataclasses import asdict

from generator.diagnostics import error, warning


def test_to_dict_has_every_field_of_the_diagnostic() -> None:
    for item in (
        error("a.md", 3, "link.outside-vault", "[[../x]] points outside", "link inside"),
        warning("b/c.md", 0, "note.name", "odd name"),
    ):
        assert item.to_dict() == asdict(item)
