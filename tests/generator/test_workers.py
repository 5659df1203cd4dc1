"""Worker processes: a worker that dies costs speed, never the build or its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.bodies import PageHooks
from generator.load import load_vault
from generator.parse import LazyTokens, ParseCache, parse_notes
from generator.workers import NoteWorkers
from tests.conftest import VaultFactory
from tests.generator.resolving import resolve_vault


def _vault(make_vault: VaultFactory) -> Path:
    return make_vault(
        {
            f"Note {i}.md": f"# Note {i}\n\n## Two\n\nPart {i}.\n\n![[Note {(i + 1) % 200}#Two]]\n"
            for i in range(200)
        }
    )


def test_bodies_are_rendered_here_when_the_workers_died(make_vault: VaultFactory) -> None:
    vault, _ = load_vault(_vault(make_vault))
    expected = resolve_vault(vault, parse_notes(vault.notes, ParseCache(None)))
    pool = NoteWorkers(2, vault.notes)
    try:
        parsed = parse_notes(vault.notes, ParseCache(None), parse_many=pool.parse)
        for worker in pool._workers:  # killed between parsing and rendering
            worker.process.kill()
            worker.process.join()
        resolved = resolve_vault(vault, parsed, render=pool.records)
    finally:
        pool.close()
    assert {p: n.html for p, n in resolved.notes.items()} == {
        p: n.html for p, n in expected.notes.items()
    }
    assert "Part 8." in resolved.notes["Note 7.md"].html


def test_a_worker_that_dies_while_parsing_has_its_share_parsed_here(
    make_vault: VaultFactory,
) -> None:
    vault, _ = load_vault(_vault(make_vault))
    pool = NoteWorkers(2, vault.notes)
    try:
        workers = pool._started()
        workers[1].process.kill()
        workers[1].process.join()
        parsed = parse_notes(vault.notes, ParseCache(None), parse_many=pool.parse)
        resolved = resolve_vault(vault, parsed, render=pool.records)
    finally:
        pool.close()
    assert len(parsed) == 200
    serial = resolve_vault(vault, parse_notes(vault.notes, ParseCache(None)))
    assert resolved.notes["Note 150.md"].html == serial.notes["Note 150.md"].html


def test_the_main_process_never_holds_tokens_when_workers_render(
    make_vault: VaultFactory,
) -> None:
    vault, _ = load_vault(_vault(make_vault))
    pool = NoteWorkers(2, vault.notes)
    try:
        parsed = parse_notes(vault.notes, ParseCache(None), parse_many=pool.parse)
        resolved = resolve_vault(vault, parsed, render=pool.records)
    finally:
        pool.close()
    # Tokens are made and kept by the workers; here they would be parsed a second time.
    assert all(isinstance(p.tokens, LazyTokens) and not p.tokens.loaded for p in parsed.values())
    assert "Part 8." in resolved.notes["Note 7.md"].html


def test_a_bug_in_a_worker_is_reported_not_hidden(
    make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = load_vault(_vault(make_vault))

    def broken(self: PageHooks, path: str) -> str:
        raise ValueError("plugin bug")

    monkeypatch.setattr(PageHooks, "render_note", broken)  # the workers fork with the bug
    pool = NoteWorkers(2, vault.notes)
    try:
        parsed = parse_notes(vault.notes, ParseCache(None), parse_many=pool.parse)
        with pytest.raises(RuntimeError, match="plugin bug"):
            resolve_vault(vault, parsed, render=pool.records)
    finally:
        pool.close()
