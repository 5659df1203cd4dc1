"""What a build is asked to do, in a module light enough for ``coursegen`` to read first."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic

DEFAULT_CACHE_DIR = Path(".coursegen-cache")
# (what the build is doing, the part of the whole build done so far: 0.0 to 1.0)
Progress = Callable[[str, float], None]


@dataclass
class BuildOptions:
    vault: Path = Path("notes")
    out: Path = Path("site")
    base_url: str | None = None
    api_base: str | None = None
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    project_root: Path | None = None  # where {{#include}} paths start; default: the vault's parent
    workers: int | None = None  # processes for parsing and note bodies; default: every core
    progress: Progress | None = None  # told what the build is doing and how far it got


@dataclass
class UpToDate:
    """A build that found nothing to do: ``options.out`` already holds what it would write."""

    pages: int
    notes: int
    diagnostics: list[Diagnostic]
    timings: dict[str, float] = field(default_factory=dict)


def written_folders(options: BuildOptions) -> list[Path]:
    """The folders a build writes: never read as part of the vault, even when inside it."""
    return [options.out] if options.cache_dir is None else [options.out, options.cache_dir]


def manifest_path(options: BuildOptions) -> Path | None:
    """Where the manifest of the site built from ``options.vault`` into ``options.out`` lives."""
    if options.cache_dir is None:
        return None
    where = f"{options.vault.resolve()}\0{options.out.resolve()}"
    key = hashlib.blake2b(where.encode(), digest_size=8).hexdigest()
    return options.cache_dir / f"site-{key}.pickle"


def settings(options: BuildOptions) -> tuple[str | None, ...]:
    """The options that change what is written (the manifest's inputs include them)."""
    root = options.project_root.resolve() if options.project_root else None
    return (options.base_url, options.api_base, str(root) if root else None)
