"""A diagnostic as JSON (check --format json): every field, by name."""

from __future__ import annotations

from dataclasses import asdict

from generator.diagnostics import count, error, info, warning


def test_to_dict_has_every_field_of_the_diagnostic() -> None:
    for item in (
        error("a.md", 3, "link.outside-vault", "[[../x]] points outside", "link inside"),
        warning("b/c.md", 0, "note.name", "odd name"),
        info("img/a.png", 0, "attachment.unpublished", "not linked", "link it"),
    ):
        assert item.to_dict() == asdict(item)


def test_count_info_is_neither_an_error_nor_a_warning() -> None:
    items = [
        error("a.md", 1, "x.y", "bad"),
        warning("a.md", 2, "x.z", "odd"),
        info("img/a.png", 0, "attachment.unpublished", "not linked"),
    ]
    assert count(items) == (1, 1)
    assert items[2].format() == "img/a.png: info: attachment.unpublished: not linked"
