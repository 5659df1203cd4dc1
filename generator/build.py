"""One full build, top to bottom: load → parse → resolve → course → render → write."""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.attachments import published_attachments, unpublished_attachments
from generator.course import Course, build_course
from generator.diagnostics import Diagnostic, cap_repeats, count, sort_diagnostics
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
from generator.parse import ParseCache, ParsedNote, parse_notes
from generator.render import render_site, search_documents
from generator.resolve import resolve_vault
from generator.search import build_search_index
from generator.workers import note_workers, render_bodies
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
    write_early: Callable[[dict[str, bytes]], None] | None = None,
) -> BuildResult:
    """Everything a build does except writing: the site as ``{path: bytes}`` in memory.

    ``loaded`` is the vault as :func:`load_vault` returned it, when the caller loaded it.
    ``write_early`` is given every file but the search index's while Pagefind still works.
    """
    with collector_paused():
        return _assemble(options, cache, loaded, write_early)


def _assemble(
    options: BuildOptions,
    cache: ParseCache | None,
    loaded: tuple[Vault, list[Diagnostic]] | None,
    write_early: Callable[[dict[str, bytes]], None] | None = None,
) -> BuildResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if loaded is None:
        loaded = load_vault(options.vault, skip=written_folders(options))
        timings["load"] = time.perf_counter() - started
    vault, load_problems = loaded
    tell = options.progress or _silent
    tell(f"Parsing {len(vault.notes)} notes", 0.02)

    mark = time.perf_counter()
    cache = cache if cache is not None else ParseCache(cache_path(options))
    overrides = {"base_url": options.base_url, "api_base": options.api_base}
    project_root = options.project_root or Path(vault.root).parent
    with note_workers(vault.notes, options.workers) as workers:
        parsed = parse_notes(vault.notes, cache, parse_many=workers.parse if workers else None)
        timings["parse"] = time.perf_counter() - mark
        tell("Resolving links, rendering note bodies", 0.3)
        mark = time.perf_counter()
        resolved = resolve_vault(
            vault,
            parsed,
            project_root=project_root,
            overrides=overrides,
            cache=cache,
            render=workers.render if workers else render_bodies,
        )
    timings["resolve"] = time.perf_counter() - mark

    mark = time.perf_counter()
    course, course_problems = build_course(resolved)
    published = published_attachments(resolved)
    resolved.diagnostics = cap_repeats(
        sort_diagnostics(
            [
                *load_problems,
                *resolved.diagnostics,
                *course_problems,
                *unpublished_attachments(resolved, published),
            ]
        )
    )
    # Pagefind indexes in its own process: let it work while the pages are rendered here.
    with ThreadPoolExecutor(max_workers=1) as background:
        search = background.submit(_search_index, resolved, cache)
        pages_before = dict(cache.pages)
        tell(f"Rendering {len(resolved.notes)} pages", 0.55)
        files = render_site(
            resolved,
            course,
            search=False,
            page_cache=cache.pages,
            on_page=lambda done, total: tell(
                f"Rendering {total} pages", 0.55 + 0.3 * done / max(total, 1)
            ),
        )
        cache.dirty = cache.dirty or cache.pages != pages_before
        for attachment in vault.attachments:
            if attachment.path in published:  # only what a published page links to or shows
                files.setdefault(attachment.path, attachment.data)
        timings["render"] = time.perf_counter() - mark
        if write_early is not None:
            writing = time.perf_counter()
            tell(f"Writing {len(files)} files", 0.85)
            write_early(files)
            timings["write (beside search)"] = time.perf_counter() - writing
        tell("Indexing for search", 0.9)
        files.update(search.result())
    timings["search (beside render)"] = time.perf_counter() - mark
    cache.save({p.digest for p in parsed.values()})

    return BuildResult(vault, parsed, resolved, course, files, resolved.diagnostics, timings)


def _search_index(resolved: ResolvedVault, cache: ParseCache) -> dict[str, bytes]:
    """Pagefind's files for the site; shards whose pages did not change since the last build
    are reused (an edit to one note re-indexes one shard)."""
    before = set(cache.search)
    files = build_search_index(search_documents(resolved), reuse=cache.search)
    if set(cache.search) != before:
        cache.dirty = True
    return files


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
        # The pages are written while Pagefind indexes them; the index follows.
        result = assemble(options, loaded=loaded, write_early=staging.write)
        result.timings = {"load": loading, **result.timings}
        where = manifest_path(options)
        if where is not None:
            forget(where)
        mark = time.perf_counter()
        rest = {k: v for k, v in result.files.items() if k not in staging.written}
        (options.progress or _silent)(f"Writing {len(rest)} files", 0.95)
        staging.write(rest)
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
