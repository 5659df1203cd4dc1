from __future__ import annotations

import pytest

from generator.linkindex import LinkIndex

NOTES = [
    "Note.md",
    "a/sub/Note.md",
    "b/Note.md",
    "lessons/Pydantic.md",
    "x/Dup.md",
    "y/Dup.md",
    "deep/er/Dup.md",
    "Zürich.md",
]


@pytest.fixture
def index() -> LinkIndex:
    return LinkIndex(
        notes=NOTES,
        attachments=["img/pic.png", "docs/Guide.pdf"],
        aliases={"lessons/Pydantic.md": ["models", "Note"]},
        unpublished=["drafts/Secret.md"],
    )


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("Note", "q.md", "Note.md"),  # exact vault path wins
        ("note.md", "q.md", "Note.md"),
        ("sub/Note", "q.md", "a/sub/Note.md"),  # path suffix on segment boundaries
        ("b/Note.md", "q.md", "b/Note.md"),
        ("PYDANTIC", "q.md", "lessons/Pydantic.md"),  # case-insensitive name
        ("  Pydantic  ", "q.md", "lessons/Pydantic.md"),  # trimmed
        ("models", "q.md", "lessons/Pydantic.md"),  # alias
        ("pic.png", "q.md", "img/pic.png"),  # attachment by full name
        ("Zu\u0308rich", "q.md", "Zürich.md"),  # NFD input matches NFC name
        ("", "lessons/Pydantic.md", "lessons/Pydantic.md"),  # [[#Heading]] is the same note
    ],
)
def test_resolve_rules_pick_the_note_obsidian_would(
    index: LinkIndex, target: str, source: str, expected: str
) -> None:
    assert index.resolve(target, source).path == expected


def test_resolve_duplicate_names_prefer_the_linking_notes_folder(index: LinkIndex) -> None:
    found = index.resolve("Dup", "y/Other.md")
    assert found.path == "y/Dup.md"
    assert set(found.candidates) == {"x/Dup.md", "y/Dup.md", "deep/er/Dup.md"}


def test_resolve_duplicate_names_elsewhere_prefer_fewest_segments_then_alphabetical(
    index: LinkIndex,
) -> None:
    assert index.resolve("Dup", "q.md").path == "x/Dup.md"


def test_resolve_real_note_wins_over_an_alias(index: LinkIndex) -> None:
    assert index.resolve("Note", "q.md").path == "Note.md"


def test_resolve_unknown_target_suggests_a_close_name(index: LinkIndex) -> None:
    found = index.resolve("Pydantc", "q.md", suggest=True)
    assert found.path is None and found.problem == "missing"
    assert found.suggestion == "Pydantic"


def test_resolve_link_to_unpublished_note_is_unresolved(index: LinkIndex) -> None:
    found = index.resolve("Secret", "q.md")
    assert found.path is None and found.problem == "unpublished"


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "a/../../x"])
def test_resolve_paths_leaving_the_vault_are_refused(index: LinkIndex, target: str) -> None:
    assert index.resolve(target, "a/b.md").problem == "outside"


def test_resolve_markdown_links_are_relative_to_the_note(index: LinkIndex) -> None:
    assert index.resolve("../b/Note.md", "a/x.md", relative=True).path == "b/Note.md"
    assert index.resolve("../../x.md", "a/x.md", relative=True).problem == "outside"


def test_resolve_vault_absolute_markdown_link_starts_at_the_vault_root(index: LinkIndex) -> None:
    assert index.resolve("/b/Note.md", "a/x.md", relative=True).path == "b/Note.md"
    assert index.resolve("/features", "a/x.md", relative=True).path is None


def test_resolve_same_note_links_of_two_notes_in_one_folder_stay_apart(index: LinkIndex) -> None:
    assert index.resolve("", "x/Dup.md").path == "x/Dup.md"
    assert index.resolve("", "x/Other.md").path == "x/Other.md"
