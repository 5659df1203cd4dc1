"""The watch filter and the scripted watch loop: which saves rebuild, and how they group."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchfiles import Change

from generator.dev.watch import Batch, classify, run_watch_loop, vault_filter


@pytest.mark.parametrize(
    "path",
    [
        "/v/.obsidian/workspace.json",
        "/v/lessons/.Note.md.swp",
        "/v/lessons/Note.md~",
        "/v/lessons/.#Note.md",
        "/v/lessons/Note.md.tmp",
        "/v/.trash/Old.md",
        "/v/.hidden",
        "/v/lessons/4913",
    ],
)
def test_vault_filter_editor_and_hidden_files_ignored(path: str) -> None:
    assert not vault_filter(Change.modified, path)


@pytest.mark.parametrize("path", ["/v/lessons/Note.md", "/v/img/chart.png", "/v/index.md"])
def test_vault_filter_notes_and_attachments_kept(path: str) -> None:
    assert vault_filter(Change.added, path)


def test_classify_temp_file_then_rename_yields_only_the_note(tmp_path: Path) -> None:
    vault, theme = tmp_path / "vault", tmp_path / "theme"
    changes = {
        (Change.added, str(vault / "lessons" / "Note.md.tmp")),
        (Change.deleted, str(vault / "lessons" / "Note.md.tmp")),
        (Change.added, str(vault / "lessons" / "Note.md")),
    }
    batch = classify(changes, vault, theme)
    assert batch.vault == {vault.resolve() / "lessons" / "Note.md"}
    assert not batch.theme


def test_classify_ignores_the_site_written_inside_the_vault(tmp_path: Path) -> None:
    vault, theme = tmp_path / "vault", tmp_path / "theme"
    changes = {
        (Change.added, str(vault / "site" / "a" / "index.html")),
        (Change.modified, str(vault / "site" / "content-index.json")),
        (Change.modified, str(vault / "A.md")),
    }
    batch = classify(changes, vault, theme, skip=[vault / "site"])
    assert batch.vault == {vault.resolve() / "A.md"}


def test_classify_theme_file_marks_theme_changed(tmp_path: Path) -> None:
    vault, theme = tmp_path / "vault", tmp_path / "theme"
    batch = classify({(Change.modified, str(theme / "templates" / "note.html"))}, vault, theme)
    assert batch.theme and not batch.vault


def test_run_watch_loop_scripted_batches_skip_ignored_only_batches(tmp_path: Path) -> None:
    vault, theme = tmp_path / "vault", tmp_path / "theme"
    script = [
        {(Change.modified, str(vault / ".obsidian" / "app.json"))},
        {(Change.deleted, str(vault / "A.md")), (Change.added, str(vault / "A.md"))},
        {(Change.modified, str(vault / "B.md")), (Change.modified, str(vault / "C.md"))},
    ]
    seen: list[Batch] = []
    handled = run_watch_loop(script, vault, seen.append, theme=theme)
    assert handled == 2
    assert [sorted(p.name for p in b.vault) for b in seen] == [["A.md"], ["B.md", "C.md"]]
