"""The dev loop's builder: apply file changes, rebuild only what they touch, write what differs.

Every rebuild produces the same bytes a full :func:`generator.build.build` would (the
equivalence test holds it to that); it is only faster because it reuses per-note work:
parsed notes (by content digest), resolved links and body HTML (while nothing they read has
changed, see :mod:`generator.dev.recording` and :mod:`generator.dev.resolver`) and rendered
pages (while their inputs are equal, see :mod:`generator.dev.pages`). Search follows a moment
later (:mod:`generator.dev.searcher`).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.attachments import published_attachments, unpublished_attachments
from generator.build import cache_path, collector_paused
from generator.course import Course, build_course
from generator.dev.pages import PageStore
from generator.dev.problems import SortedDiagnostics
from generator.dev.resolver import Change, IncrementalResolver
from generator.dev.searcher import BackgroundSearch
from generator.dev.writer import write_files
from generator.diagnostics import Diagnostic
from generator.load import _read, _skipped, load_vault, vault_problems
from generator.model import Note, ResolvedVault, Vault, normalise_path
from generator.options import BuildOptions, written_folders
from generator.outfolder import check_output_folder
from generator.parse import ParseCache, ParsedNote, parse_notes
from generator.render import output_path, search_document
from generator.search import SEARCH_DIR, build_search_index
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


class IncrementalBuilder:
    """Holds the vault and the site in memory and keeps ``options.out`` equal to a full build.

    ``background_search``: index a moment after the pages (the dev server); otherwise index
    before ``rebuild`` returns. ``auto_search=False`` leaves it to :meth:`update_search`.
    """

    def __init__(self, options: BuildOptions, *, background_search: bool = True,
                 auto_search: bool = True) -> None:
        self.options = options
        self.background_search = background_search
        self.auto_search = auto_search
        self.vault: Vault | None = None
        self.load_problems: dict[str, list[Diagnostic]] = {}
        self.parsed: dict[str, ParsedNote] = {}
        self.cache = ParseCache(cache_path(options))
        self.problems = SortedDiagnostics()  # every diagnostic, as a full build sorts them
        self.resolver = IncrementalResolver(options, self.problems)
        self.pages = PageStore()
        self.resolved: ResolvedVault | None = None
        self.course: Course | None = None
        self.files: dict[str, bytes] = {}
        self.diagnostics: list[Diagnostic] = []
        self._diagnostics_from: list[Diagnostic] | None = None  # what diagnostics copies
        self._search_files: dict[str, bytes] = {}
        self._search_shards: dict[str, dict[str, bytes]] = {}  # reused by unchanged shards
        self._documents: dict[str, tuple[Note, str]] = {}
        self._attachments: dict[str, bytes] | None = None  # output path -> bytes
        self._attachments_of: set[str] | None = None  # the published attachments it is of
        self._published: set[str] = set()  # attachments a published page links to or shows
        self._linkable: dict[str, str] | None = None  # resolved.attachments, when last looked
        self._lock = threading.RLock()  # one writer of ``options.out`` at a time
        self._generation = 0
        self.search = BackgroundSearch(self.update_search)

    # -- entry points ----------------------------------------------------------------------

    def full_build(self) -> Rebuild:
        """Load everything, build the whole site (search included) and write it."""
        with collector_paused():
            return self._full_build()

    def _full_build(self) -> Rebuild:
        started = time.perf_counter()
        check_output_folder(self.options.out, self.options.vault)
        mark_site(self.options.out)
        self._load()
        self.parsed = parse_notes(self.vault.notes if self.vault else [], self.cache)
        self.cache.save({p.digest for p in self.parsed.values()})
        self.problems = SortedDiagnostics()
        self._linkable = None  # the new diagnostics hold no attachment.unpublished yet
        self.resolver = IncrementalResolver(self.options, self.problems)
        self.pages = PageStore()
        with self._lock:
            files, pages = self._assemble(None)
            self._search_files = self._search_index()
            files = self._with_search(files)
            existing = self._existing_outputs()
            written = write_changed(self.options.out, files, remove=existing - set(files))
            self.files = files
        self._take_diagnostics()
        return Rebuild(
            changed=["(everything)"], written=written, pages=pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=[],
        )

    def rebuild(self, paths: set[Path], *, theme_changed: bool = False) -> Rebuild:
        """Apply changed files (absolute or vault-relative paths) and write what differs."""
        started = time.perf_counter()
        changed, rescanned = self._apply(paths)
        if theme_changed:
            changed.append("(theme)")
        before = self.diagnostics
        with self._lock:
            files, pages = self._assemble(None if rescanned or theme_changed else set(changed))
            files = self._with_search(files)
            remove = self.files.keys() - files.keys()
            written = write_files(self.options.out, self._differing(files), remove=remove)
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
            changed=changed, written=written, pages=pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=_new(before, self.diagnostics),
        )

    def wait_for_search(self, timeout: float = 60.0) -> None:
        """Block until the search index matches the pages (tests and the benchmark use it)."""
        self.search.wait(timeout)

    def close(self) -> None:
        self.search.close()
        if self.vault is not None:
            self.cache.save({p.digest for p in self.parsed.values()})

    def _take_diagnostics(self) -> None:
        """``self.diagnostics``: a new list only when the diagnostics changed."""
        final = self.resolved.diagnostics if self.resolved else []
        if final is not self._diagnostics_from:
            self._diagnostics_from, self.diagnostics = final, list(final)

    # -- applying changes ------------------------------------------------------------------

    def _load(self) -> None:
        vault, problems = load_vault(self.options.vault, skip=written_folders(self.options))
        self.vault = vault
        self._attachments = None
        self.load_problems = defaultdict(list)
        for problem in problems:
            self.load_problems[problem.file].append(problem)

    def _apply(self, paths: set[Path]) -> tuple[list[str], bool]:
        """Read the changed files; return their vault paths and whether the vault was rescanned."""
        assert self.vault is not None, "full_build() first"
        root = Path(self.vault.root)
        rels: set[str] = set()
        rescan = False
        for path in paths:
            absolute = path if path.is_absolute() else root / path
            try:
                rel = normalise_path(absolute.resolve().relative_to(root).as_posix()) if (
                    absolute.exists()) else normalise_path(
                    absolute.relative_to(root).as_posix())
            except ValueError:
                continue  # the theme or something outside the vault
            if not _vault_file(rel) or (rel not in self.vault.files and not absolute.exists()):
                continue  # not a vault file, or an editor's temp file already gone
            if absolute.is_dir() or any(p.startswith(rel + "/") for p in self.vault.files):
                rescan = True
            rels.add(rel)
        if rescan:
            self._load()
            self.parsed = parse_notes(self.vault.notes, self.cache)
            return sorted(rels), True
        changed_notes = []
        added = False
        for rel in sorted(rels):
            self.load_problems.pop(rel, None)
            absolute = root / rel
            problems: list[Diagnostic] = []
            found = _read(root, absolute, rel, problems) if absolute.is_file() else None
            if problems:
                self.load_problems[rel] = problems
            if found is None:
                self.vault.files.pop(rel, None)
                self.parsed.pop(rel, None)
            else:
                added = added or rel not in self.vault.files
                self.vault.files[rel] = found
                if found.is_note:
                    changed_notes.append(found)
            if found is None or not found.is_note:
                self._attachments = None
        if added:
            self.vault.files = dict(sorted(self.vault.files.items()))
        self.load_problems.pop("", None)  # the vault's own, once more
        if whole := vault_problems(self.vault):
            self.load_problems[""] = whole
        self.parsed.update(parse_notes(changed_notes, self.cache))
        return sorted(rels), False

    # -- resolve and render ----------------------------------------------------------------

    def _assemble(self, changed: set[str] | None) -> tuple[dict[str, bytes], int]:
        """The whole site in memory, as :func:`generator.build.assemble` makes it."""
        assert self.vault is not None
        resolved, change = self.resolver.resolve(self.vault, self.parsed, changed)
        course = self.course
        if course is None or change.full or change.shown or change.tags:
            course, _ = build_course(resolved)
        # The resolver put its diagnostics into self.problems; as build.assemble does, add
        # the load problems and the course's, sort, cap. The list is the same object while
        # the diagnostics are unchanged (_take_diagnostics tells so by identity).
        self.problems.replace_group("load", self.load_problems)
        self.problems.replace("course", "", course.diagnostics)
        published = published_attachments(resolved)
        if published != self._published or resolved.attachments is not self._linkable:
            self._published, self._linkable = published, resolved.attachments
            self.problems.replace(
                "attachments", "", unpublished_attachments(resolved, published)
            )
        resolved.diagnostics = self.problems.capped()
        files, pages = self.pages.assemble(resolved, course, change)
        self.resolved, self.course = resolved, course
        return files, pages

    def _with_search(self, files: dict[str, bytes]) -> dict[str, bytes]:
        # Vault.attachments looks at every file of the vault: only when they or the ones the
        # site copies (those a published page links to or shows) changed.
        copied = self._published
        if self._attachments is None or copied is not self._attachments_of:
            self._attachments = {
                a.path: a.data for a in self.vault.attachments if a.path in copied
            } if self.vault else {}
            self._attachments_of = copied
        return {**self._attachments, **files, **self._search_files}

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

    def _documents_now(self) -> dict[str, str]:
        """Every page's search document, reusing those of unchanged notes."""
        if self.resolved is None:
            return {}
        documents: dict[str, tuple[Note, str]] = {}
        for path, note in self.resolved.notes.items():
            known = self._documents.get(path)
            documents[path] = known if known is not None and known[0] is note else (
                note, search_document(note))
        self._documents = documents
        return {output_path(note): text for note, text in documents.values()}

    def _search_index(self) -> dict[str, bytes]:
        return build_search_index(self._documents_now(), reuse=self._search_shards)

    def update_search(self) -> list[str]:
        """Index the current pages and write the search files that changed."""
        with self._lock:
            generation = self._generation
            documents = self._documents_now()
        index = build_search_index(documents, reuse=self._search_shards)
        with self._lock:
            if generation != self._generation:
                return []  # pages changed meanwhile; the next round indexes them
            stale = set(self._search_files) - set(index)
            self._search_files = index
            files = {k: v for k, v in self.files.items() if not k.startswith(SEARCH_DIR)}
            self.files = self._with_search(files)
            return write_changed(self.options.out, dict(index), remove=stale - set(self.files))


def _new(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of ``after`` not in ``before`` (the same list: nothing changed)."""
    if after is before:
        return []
    known = set(before)
    return [d for d in after if d not in known]


def _vault_file(rel: str) -> bool:
    """The files load_vault reads: no dot-folders, dot-files, editor backups."""
    parts = rel.split("/")
    if any(_skipped(part) for part in parts[:-1]):
        return False
    name = parts[-1]
    return bool(name) and not name.startswith(".") and not name.endswith("~")


__all__ = ["Change", "IncrementalBuilder", "Rebuild"]
