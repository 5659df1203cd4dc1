"""``coursegen build``: the engine run from the state the last build saved, then the new site
swapped in whole, then the state saved for the next build."""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.course import Course
from generator.diagnostics import Diagnostic, count
from generator.engine.core import Engine
from generator.engine.state import state_path
from generator.load import load_vault
from generator.manifest import forget, inputs_digest, write_manifest
from generator.model import ResolvedVault, Vault
from generator.options import (
    DEFAULT_CACHE_DIR,
    BuildOptions,
    UpToDate,
    manifest_path,
    settings,
    written_folders,
)
from generator.outfolder import check_output_folder
from generator.parse import ParseCache, ParsedNote
from generator.write import Staging

# The options live in a light module that ``coursegen build`` reads before the pipeline is
# imported; they belong to this module's interface all the same.
__all__ = [
    "DEFAULT_CACHE_DIR",
    "BuildOptions",
    "BuildResult",
    "UpToDate",
    "assemble",
    "build",
    "build_loaded",
]


@dataclass
class BuildResult:
    vault: Vault
    parsed: dict[str, ParsedNote]
    resolved: ResolvedVault
    course: Course
    files: dict[str, bytes]
    diagnostics: list[Diagnostic]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))

    @property
    def notes(self) -> int:
        return len(self.parsed)

    @property
    def errors(self) -> int:
        return count(self.diagnostics)[0]

    @property
    def warnings(self) -> int:
        return count(self.diagnostics)[1]


def cache_path(options: BuildOptions) -> Path | None:
    if options.cache_dir is None:
        return None
    key = hashlib.blake2b(str(options.vault.resolve()).encode(), digest_size=8).hexdigest()
    return options.cache_dir / f"parsed-{key}.pickle"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while a build makes millions of objects.

    Tokens, pages and diagnostics live until the build ends and hold no cycles, so the
    collector finds nothing, yet each full pass walks every live object: with it running,
    parsing 10,000 notes took three times as long as parsing 1,000 notes ten times.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def assemble(
    options: BuildOptions,
    cache: ParseCache | None = None,
    *,
    loaded: tuple[Vault, list[Diagnostic]] | None = None,
) -> BuildResult:
    """Everything a build does except writing: the site as ``{path: bytes}`` in memory, made
    by the engine (:mod:`generator.engine`) from the state the last build of this vault left in
    ``.coursegen-cache/``, which it then replaces.

    ``loaded`` is the vault as :func:`load_vault` returned it, when the caller loaded it.
    """
    cache = cache if cache is not None else ParseCache(cache_path(options))
    engine = Engine(options, cache)
    where = state_path(options)
    with collector_paused():  # the saved state alone is millions of objects
        mark = time.perf_counter()
        engine.restore(where)
        restored = time.perf_counter() - mark
        result = engine.run(None, loaded=loaded, progress=options.progress)
        result.timings = {"restore state": restored, **result.timings}
        mark = time.perf_counter()
        engine.save(where)
        result.timings["save state"] = time.perf_counter() - mark
    return BuildResult(result.vault, result.parsed, result.resolved, result.course,
                       result.files, result.diagnostics, result.timings)


def build(options: BuildOptions) -> BuildResult:
    """One full build of ``options.vault`` into ``options.out``, swapped in whole."""
    check_output_folder(options.out, options.vault)
    started = time.perf_counter()
    loaded = load_vault(options.vault, skip=written_folders(options))
    return build_loaded(options, loaded, started)


def build_loaded(
    options: BuildOptions,
    loaded: tuple[Vault, list[Diagnostic]],
    started: float,
    inputs: str | None = None,
) -> BuildResult:
    """Build and write; ``inputs`` is the vault's digest when the caller already made it."""
    loading = time.perf_counter() - started
    with Staging(options.out) as staging:
        result = assemble(options, loaded=loaded)
        result.timings = {"load": loading, **result.timings}
        where = manifest_path(options)
        if where is not None:
            forget(where)
        mark = time.perf_counter()
        (options.progress or _silent)(f"Writing {len(result.files)} files", 0.95)
        staging.write(result.files)
        staging.swap()
        result.timings["write"] = time.perf_counter() - mark
    # Try-its, exercises and includes read files outside the vault: never call such a site
    # up to date.
    if where is not None and not any(p.special for p in result.parsed.values()):
        write_manifest(
            where,
            inputs or inputs_digest(result.vault, settings(options)),
            options.out,
            list(result.files),
            pages=result.pages,
            notes=result.notes,
            diagnostics=result.diagnostics,
        )
    result.timings["total"] = time.perf_counter() - started
    return result


def _silent(label: str, done: float) -> None:
    pass
