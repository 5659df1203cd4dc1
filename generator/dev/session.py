"""The author's loop around the one engine: run it for each batch of saved files, write the
files whose bytes changed, and index for search a moment later.

All the stage logic is the engine's (:mod:`generator.engine`); what is here is only what a
long-running session adds: writing in place rather than swapping a whole site in, keeping
the previous files to compare with, and search in the background.
"""

from __future__ import annotations

import gc
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from generator.build import cache_path, collector_paused
from generator.dev.searcher import BackgroundSearch
from generator.dev.writer import write_files
from generator.diagnostics import Diagnostic
from generator.engine.core import Engine
from generator.markdown.code import highlight_code
from generator.model import ResolvedVault
from generator.options import BuildOptions
from generator.outfolder import check_output_folder
from generator.parse import ParseCache, markdown
from generator.search import SEARCH_DIR
from generator.write import mark_site, write_changed


@dataclass
class Rebuild:
    """What one rebuild did: the terminal line and the live-reload event are made from it."""

    changed: list[str]  # vault paths that changed on disk
    written: list[str]  # output paths written or removed
    pages: int  # note pages rendered again
    seconds: float
    diagnostics: list[Diagnostic]
    new_diagnostics: list[Diagnostic]
    error: str | None = None

    def summary(self) -> str:
        what = ", ".join(self.changed[:3]) + (f" (+{len(self.changed) - 3})" if
                                              len(self.changed) > 3 else "")
        line = (f"{what or 'nothing'} changed: {len(self.written)} file"
                f"{'s' * (len(self.written) != 1)} written ({self.pages} page"
                f"{'s' * (self.pages != 1)} rendered) in {self.seconds * 1000:.0f} ms")
        if self.error:
            return f"{line}; build failed, still serving the last good site: {self.error}"
        if self.new_diagnostics:
            line += f"; {len(self.new_diagnostics)} new diagnostic" + (
                "s" * (len(self.new_diagnostics) != 1))
        return line


class LiveSite:
    """Keeps ``options.out`` equal to a cold build of the vault, one batch of saves at a time.

    ``background_search``: index a moment after the pages (the dev server); otherwise index
    before ``rebuild`` returns. ``auto_search=False`` leaves it to :meth:`update_search`.
    """

    def __init__(self, options: BuildOptions, *, background_search: bool = True,
                 auto_search: bool = True) -> None:
        self.options = options
        self.background_search = background_search
        self.auto_search = auto_search
        self.cache = ParseCache(cache_path(options))
        self.engine = Engine(options, self.cache)
        self.files: dict[str, bytes] = {}
        self.diagnostics: list[Diagnostic] = []
        self._diagnostics_from: list[Diagnostic] | None = None  # what diagnostics copies
        self._lock = threading.RLock()  # one writer of ``options.out`` at a time
        self._generation = 0
        self.search = BackgroundSearch(self.update_search)

    @property
    def resolved(self) -> ResolvedVault | None:
        return self.engine.resolved

    # -- entry points ----------------------------------------------------------------------

    def full_build(self) -> Rebuild:
        """Read the whole vault, build the whole site (search included) and write it."""
        with collector_paused():
            return self._full_build()

    def _full_build(self) -> Rebuild:
        started = time.perf_counter()
        check_output_folder(self.options.out, self.options.vault)
        mark_site(self.options.out)
        self.engine = Engine(self.options, self.cache)
        # Big vaults are parsed and rendered on worker processes, and this process waits for
        # them: meanwhile it readies itself for the first save, so that one costs what the
        # later ones do.
        warming = threading.Thread(target=warm_up, args=(self.options.vault,), daemon=True)
        warming.start()
        with self._lock:
            result = self.engine.run(None, search=True)
            self.cache.save({p.digest for p in result.parsed.values()})
            existing = self._existing_outputs()
            written = write_changed(self.options.out, result.files,
                                    remove=existing - set(result.files))
            self.files = result.files
        self._take_diagnostics()
        warming.join()
        # The vault and the site stay in memory for the session: millions of objects that live
        # as long as it does. Left to the cyclic collector, every full pass walks them all
        # (0.8 s at 10,000 notes, landing on some save); frozen, it looks only at what later
        # saves make.
        gc.collect()
        gc.freeze()
        return Rebuild(
            changed=result.changed, written=written, pages=result.pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=[],
        )

    def rebuild(self, paths: set[Path], *, theme_changed: bool = False) -> Rebuild:
        """Take in changed files (absolute or vault-relative paths) and write what differs."""
        started = time.perf_counter()
        before = self.diagnostics
        with self._lock:
            result = self.engine.run(paths, search=False, theme_changed=theme_changed)
            files = result.files
            if result.touched is None:
                differing = self._differing(files)
                remove = self.files.keys() - files.keys()
            else:  # only these can differ: comparing every file took 70 ms at 10,000 notes
                differing = self._differing({name: files[name] for name in result.touched
                                             if name in files})
                remove = set()
            written = write_files(self.options.out, differing, remove=remove)
            self.files = files
            self._generation += 1
        self._take_diagnostics()
        if not self.auto_search:
            pass
        elif self.background_search:
            self.search.request()
        else:
            self.update_search()
        return Rebuild(
            changed=result.changed, written=written, pages=result.pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=_new(before, self.diagnostics),
        )

    def wait_for_search(self, timeout: float = 60.0) -> None:
        """Block until the search index matches the pages (tests and the benchmark use it)."""
        self.search.wait(timeout)

    def close(self) -> None:
        self.search.close()
        if self.engine.vault is not None:
            self.cache.save({p.digest for p in self.engine.parsed.values()})

    def _take_diagnostics(self) -> None:
        """``self.diagnostics``: a new list only when the diagnostics changed."""
        final = self.engine.diagnostics
        if final is not self._diagnostics_from:
            self._diagnostics_from, self.diagnostics = final, list(final)

    def _differing(self, files: dict[str, bytes]) -> dict[str, bytes]:
        """Files whose bytes differ from what was written last (others are on disk already)."""
        last = self.files
        return {name: data for name, data in files.items()
                if (known := last.get(name)) is not data and known != data}

    def _existing_outputs(self) -> set[str]:
        """The files of a site in ``out`` from before: what the first write may remove. A site
        has no dot-files or dot-folders (the vault's are not read), so none is ever listed:
        a .gitignore, the marker, a .git stay."""
        out = self.options.out
        if not out.is_dir():
            return set()
        found: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(out):
            rel_dir = Path(dirpath).relative_to(out)
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if not name.startswith("."):
                    found.add((rel_dir / name).as_posix())
        return found

    # -- search, a moment after the pages --------------------------------------------------

    def update_search(self) -> list[str]:
        """Index the current pages and write the search files that changed."""
        with self._lock:
            generation = self._generation
            documents = self.engine.search_documents()
            before = dict(self.engine.search_files)
        from generator.search import build_search_index

        index = build_search_index(documents, reuse=self.engine.search_shards)
        with self._lock:
            if generation != self._generation:
                return []  # pages changed meanwhile; the next round indexes them
            self.engine.search_files = index
            stale = set(before) - set(index)
            files = {k: v for k, v in self.files.items() if not k.startswith(SEARCH_DIR)}
            self.files = {**files, **index}
            return write_changed(self.options.out, dict(index), remove=stale - set(self.files))


FENCE_LANGUAGE = re.compile(rb"^ {0,3}(?:```+|~~~+)[ \t]*([\w+#.-]+)", re.MULTILINE)


def warm_up(vault: Path) -> None:
    """Build the Markdown parser and compile the highlighters of the languages the vault's
    code uses: the first time each happens in a process it takes up to half a second
    (Pygments compiles a lexer's patterns), which the first save would otherwise pay."""
    markdown().render("# Warm\n\nA [[link]] and `code`.\n")
    languages: set[str] = set()
    try:
        notes = sorted(vault.rglob("*.md"))
    except OSError:  # an unreadable folder: the build says so; this is only a head start
        notes = []
    for note in notes:
        try:
            data = note.read_bytes()
        except OSError:
            continue
        languages.update(m.decode("ascii", "replace").lower()
                         for m in FENCE_LANGUAGE.findall(data))
    for language in sorted(languages):
        highlight_code("x = 1\n", language)


def _new(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of ``after`` not in ``before`` (the same list: nothing changed)."""
    if after is before:
        return []
    known = set(before)
    return [d for d in after if d not in known]
