"""Watching the vault and the theme: which file events count, and how bursts are grouped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, watch

from generator.theme import THEME_DIR

# watchfiles yields a batch once no event arrived for STEP_MS, and at the latest after
# DEBOUNCE_MS of continuous events: a save (temp file + rename, or delete + create) lands
# as one batch, and a burst of saves as one rebuild.
DEBOUNCE_MS = 200
STEP_MS = 30

IGNORED_DIRS = {".obsidian", ".trash", ".git", "__pycache__", "node_modules"}
IGNORED_SUFFIXES = (".tmp", ".swp", ".swx", ".crdownload", ".part", "~")

ChangeSet = set[tuple[Change, str]]


def vault_filter(change: Change, path: str) -> bool:
    """True for events the dev loop rebuilds on; editor temp files and dot-files are not."""
    parts = Path(path).parts
    if any(part in IGNORED_DIRS or (part.startswith(".") and part not in (".", ".."))
           for part in parts[:-1]):
        return False
    name = parts[-1] if parts else ""
    if not name or name.startswith(".") or name.startswith("#") or name.endswith("#"):
        return False
    if name.startswith(".#") or name.endswith(IGNORED_SUFFIXES):
        return False
    if name.endswith((".pyc", ".pyo")) or name == "4913":  # vim's write test file
        return False
    return True


@dataclass
class Batch:
    """One debounced group of changes, split by what they touch."""

    vault: set[Path]
    theme: bool

    def __bool__(self) -> bool:
        return bool(self.vault) or self.theme


def classify(
    changes: ChangeSet, vault: Path, theme: Path = THEME_DIR, skip: Iterable[Path] = ()
) -> Batch:
    """Keep the events that matter and say whether the theme changed. Events inside the
    ``skip`` folders (the site and the cache, written inside the vault) do not count."""
    vault, theme = vault.resolve(), theme.resolve()
    skipped = [folder.resolve() for folder in skip]
    batch = Batch(vault=set(), theme=False)
    for change, raw in changes:
        if not vault_filter(change, raw):
            continue
        path = Path(raw)
        if any(path.is_relative_to(folder) for folder in skipped):
            continue
        if path.is_relative_to(theme):
            batch.theme = True
        elif path.is_relative_to(vault):
            batch.vault.add(path)
    return batch


def watch_changes(
    vault: Path, stop: threading.Event, *, theme: Path = THEME_DIR
) -> Iterator[ChangeSet]:
    """Real file events from watchfiles, debounced, until ``stop`` is set."""
    roots = [vault.resolve()]
    if theme.is_dir():
        roots.append(theme.resolve())
    yield from watch(
        *roots,
        watch_filter=vault_filter,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        raise_interrupt=False,
        rust_timeout=500,
        yield_on_timeout=False,
    )


def run_watch_loop(
    changes: Iterable[ChangeSet],
    vault: Path,
    on_batch: Callable[[Batch], None],
    *,
    theme: Path = THEME_DIR,
    skip: Iterable[Path] = (),
) -> int:
    """Feed each batch from ``changes`` to ``on_batch``; return how many batches ran.

    ``changes`` is watchfiles in the dev server and a scripted list in tests.
    """
    handled = 0
    for change_set in changes:
        batch = classify(change_set, vault, theme, skip)
        if batch:
            on_batch(batch)
            handled += 1
    return handled
