"""The one pipeline: load → parse → resolve → course → pages, kept up to date by parts.

``coursegen build`` runs it once from the state a previous build saved, ``coursegen check``
runs it without writing, and ``coursegen dev`` runs it again for every batch of saved files.
Each stage reuses what is still valid: parsed notes by content digest, note bodies by the
reads recorded while rendering them (:mod:`generator.engine.recording`), pages by their
declared inputs (:mod:`generator.engine.pages`). Whatever was reused, the files are the ones
a run from an empty state makes (the equivalence tests hold it to that).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from generator.attachments import published_attachments, unpublished_attachments
from generator.course import Course, build_course
from generator.diagnostics import Diagnostic
from generator.engine.pages import PageStore
from generator.engine.problems import SortedDiagnostics
from generator.engine.resolver import Change, IncrementalResolver
from generator.engine.state import read_state, save_state
from generator.exports import search_document
from generator.load import load_vault, read_file, vault_file, vault_problems
from generator.model import Note, ResolvedVault, Vault, normalise_path
from generator.options import BuildOptions, written_folders
from generator.parse import ParseCache, ParsedNote, parse_notes
from generator.search import build_search_index
from generator.urls import output_path
from generator.workers import PARALLEL_THRESHOLD, NoteWorkers, default_workers

Progress = Callable[[str, float], None]


@dataclass
class Result:
    """What one run made: the site as ``{output path: bytes}`` and what it was made from."""

    vault: Vault
    parsed: dict[str, ParsedNote]
    resolved: ResolvedVault
    course: Course
    files: dict[str, bytes]  # pages, theme files, attachments (and the search index, if made)
    diagnostics: list[Diagnostic]
    changed: list[str]  # vault paths this run took in ("(everything)" for a whole load)
    pages: int  # note pages rendered by this run
    timings: dict[str, float] = field(default_factory=dict)
    # the files that may differ from the last run's, the others being the same bytes; None:
    # any file may, or files were added or removed
    touched: set[str] | None = None


class Engine:
    """Keeps a vault's site in memory, equal to a cold build after every :meth:`run`.

    ``state`` is what a previous engine of the same vault left (``coursegen build`` keeps it
    in ``.coursegen-cache/``); without one the first run does everything.
    """

    def __init__(self, options: BuildOptions, cache: ParseCache | None = None) -> None:
        self.options = options
        self.cache = cache if cache is not None else ParseCache(None)
        self.vault: Vault | None = None
        self.load_problems: dict[str, list[Diagnostic]] = {}
        self.parsed: dict[str, ParsedNote] = {}
        self.problems = SortedDiagnostics()  # every diagnostic, as a cold build sorts them
        self.resolver = IncrementalResolver(options, self.problems)
        self.pages = PageStore()
        self.resolved: ResolvedVault | None = None
        self.course: Course | None = None
        self.files: dict[str, bytes] = {}  # the last run's, search index included
        self.search_files: dict[str, bytes] = {}
        self.search_shards: dict[str, dict[str, bytes]] = {}  # reused by unchanged shards
        self._documents: dict[str, SearchDocument] = {}  # by note path
        self._published: set[str] = set()  # attachments a published page links to or shows
        self._linkable: dict[str, str] | None = None  # the resolved attachments it is of
        self._attachments: dict[str, bytes] | None = None  # output path -> bytes
        self._attachments_of: set[str] | None = None
        self._note_attachments: dict[str, list[str]] | None = None  # note path -> its own

    def restore(self, path: Path | None) -> None:
        """Start from the state an earlier engine of the same vault saved at ``path``."""
        stored = read_state(path, self.cache)
        if stored is not None:
            self.resolver.state = stored["resolver"]
            self.pages = stored["pages"]
            self.search_shards = stored["search"]
            self._documents = {path: SearchDocument(key, text, None)
                               for path, (key, text) in stored.get("documents", {}).items()}

    def save(self, path: Path | None) -> None:
        """Keep what the next engine of this vault can reuse at ``path``, and the parsed notes
        it names in the parse store."""
        self.cache.save({p.digest for p in self.parsed.values()})
        documents = {path: (doc.key, doc.text) for path, doc in self._documents.items()}
        save_state(path, self.resolver.state, self.pages, self.search_shards, documents)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.resolved.diagnostics if self.resolved is not None else []

    # -- the run ---------------------------------------------------------------------------

    def run(
        self,
        changed: set[Path] | None = None,
        *,
        search: bool = True,
        theme_changed: bool = False,
        loaded: tuple[Vault, list[Diagnostic]] | None = None,
        progress: Progress | None = None,
    ) -> Result:
        """Take in ``changed`` files (absolute or vault-relative; None: read the whole vault
        again) and bring the site up to date. ``search``: make the search index too, beside
        the pages; otherwise :meth:`search_index` makes it later. ``loaded``: the vault as
        :func:`load_vault` returned it, when the caller read it already."""
        tell = progress or _silent
        timings: dict[str, float] = {}
        started = time.perf_counter()
        workers: NoteWorkers | None = None
        try:
            if changed is None or self.vault is None:
                workers = self._load(tell, loaded)
                names = ["(everything)"]
                narrow: set[str] | None = None
            else:
                names, rescanned = self._apply(changed)
                narrow = None if rescanned or theme_changed else set(names)
            if theme_changed:
                names.append("(theme)")
            timings["load and parse"] = time.perf_counter() - started
            mark = time.perf_counter()
            tell("Resolving links, rendering note bodies", 0.3)
            render = workers.records if workers is not None else None
            resolved, change = self.resolver.resolve(self.vault_now, self.parsed, narrow,
                                                     render=render)
        finally:
            if workers is not None:
                workers.close()
        timings["resolve"] = time.perf_counter() - mark
        mark = time.perf_counter()
        course = self.course
        if course is None or change.full or change.shown or change.tags:
            course, _ = build_course(resolved)
        self.problems.replace_group("load", self.load_problems)
        self.problems.replace("course", "", course.diagnostics)
        published = self._published_attachments(resolved, change)
        if published != self._published or resolved.attachments is not self._linkable:
            self._published, self._linkable = published, resolved.attachments
            self.problems.replace("attachments", "", unpublished_attachments(resolved, published))
        resolved.diagnostics = self.problems.capped()
        self.resolved = resolved
        with ThreadPoolExecutor(max_workers=1) as background:
            # Pagefind indexes in its own process: it works while the pages are rendered here.
            index = background.submit(self.search_index) if search else None
            tell(f"Rendering {len(resolved.notes)} pages", 0.55)
            files, pages, touched = self.pages.assemble(resolved, course, change)
            timings["render"] = time.perf_counter() - mark
            if index is not None:
                tell("Indexing for search", 0.9)
                index.result()
        timings["pages and search"] = time.perf_counter() - mark
        self.course = course
        attachments_before = self._attachments
        self.files = {**self._copied_attachments(), **files, **self.search_files}
        if search or self._attachments is not attachments_before:
            touched = None
        timings["total"] = time.perf_counter() - started
        return Result(self.vault_now, self.parsed, resolved, course, self.files,
                      resolved.diagnostics, names, pages, timings, touched)

    @property
    def vault_now(self) -> Vault:
        assert self.vault is not None, "run() first"
        return self.vault

    def search_index(self) -> dict[str, bytes]:
        """Pagefind's files for the pages as they are now; shards whose pages are unchanged
        since the last index are reused (one edit re-indexes one shard)."""
        self.search_files = build_search_index(self.search_documents(),
                                               reuse=self.search_shards)
        return self.search_files

    def search_documents(self) -> dict[str, str]:
        """Every page's search document, reusing those of unchanged notes."""
        if self.resolved is None:
            return {}
        documents: dict[str, SearchDocument] = {}
        texts: dict[str, str] = {}
        for path, note in self.resolved.notes.items():
            known = self._documents.get(path)
            if known is not None and known.note is note:
                document = known
            else:
                key = document_key(note)
                document = (SearchDocument(key, known.text, note)
                            if known is not None and known.key == key
                            else SearchDocument(key, search_document(note), note))
            documents[path] = document
            texts[output_path(note)] = document.text
        self._documents = documents
        return texts

    # -- taking files in -------------------------------------------------------------------

    def _load(
        self, tell: Progress, loaded: tuple[Vault, list[Diagnostic]] | None = None
    ) -> NoteWorkers | None:
        """Read the whole vault and parse what the parse store does not hold; the workers
        that parsed (and keep the tokens to render the bodies), if any were worth it."""
        if loaded is None:
            loaded = load_vault(self.options.vault, skip=written_folders(self.options))
        vault, problems = loaded
        self.vault = vault
        self._attachments = None
        self.load_problems = defaultdict(list)
        for problem in problems:
            self.load_problems[problem.file].append(problem)
        notes = vault.notes
        tell(f"Parsing {len(notes)} notes", 0.02)
        count = self.options.workers if self.options.workers is not None else default_workers()
        workers = (NoteWorkers(count, notes)
                   if count > 1 and len(notes) >= PARALLEL_THRESHOLD else None)
        self.parsed = parse_notes(notes, self.cache,
                                  parse_many=workers.parse if workers is not None else None)
        return workers

    def _apply(self, paths: set[Path]) -> tuple[list[str], bool]:
        """Read the changed files; return their vault paths and whether the vault was read
        again whole (a folder appeared or went)."""
        vault = self.vault_now
        root = Path(vault.root)
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
            if not vault_file(rel) or (rel not in vault.files and not absolute.exists()):
                continue  # not a vault file, or an editor's temp file already gone
            # a folder (made, or gone with what it held): read the vault again
            if absolute.is_dir() or (
                rel not in vault.files and any(p.startswith(rel + "/") for p in vault.files)
            ):
                rescan = True
            rels.add(rel)
        if rescan:
            self._load(_silent)
            return sorted(rels), True
        changed_notes = []
        added = False
        for rel in sorted(rels):
            self.load_problems.pop(rel, None)
            absolute = root / rel
            problems: list[Diagnostic] = []
            found = read_file(root, absolute, rel, problems) if absolute.is_file() else None
            if problems:
                self.load_problems[rel] = problems
            if found is None:
                vault.files.pop(rel, None)
                self.parsed.pop(rel, None)
            else:
                added = added or rel not in vault.files
                vault.files[rel] = found
                if found.is_note:
                    changed_notes.append(found)
            if found is None or not found.is_note:
                self._attachments = None
        if added:
            vault.files = dict(sorted(vault.files.items()))
        self.load_problems.pop("", None)  # the vault's own, once more
        if whole := vault_problems(vault):
            self.load_problems[""] = whole
        self.parsed.update(parse_notes(changed_notes, self.cache))
        return sorted(rels), False

    def _published_attachments(self, resolved: ResolvedVault, change: Change) -> set[str]:
        """The attachments published pages link to or show, looked for again in every note
        only when a note's own changed."""
        if change.full or self._note_attachments is None:
            self._note_attachments = {p: n.attachments for p, n in resolved.notes.items()}
            return published_attachments(resolved)
        dirty = False
        for path in change.notes:
            note = resolved.notes.get(path)
            if note is None:
                dirty = dirty or self._note_attachments.pop(path, None) is not None
            elif self._note_attachments.get(path) != note.attachments:
                self._note_attachments[path] = note.attachments
                dirty = True
        return published_attachments(resolved) if dirty else self._published

    def _copied_attachments(self) -> dict[str, bytes]:
        """The attachments the site copies: those a published page links to or shows. Looking
        at every file of the vault only when they, or the vault's attachments, changed."""
        copied = self._published
        if self._attachments is None or copied is not self._attachments_of:
            vault = self.vault_now
            self._attachments = {a.path: a.data for a in vault.attachments if a.path in copied}
            self._attachments_of = copied
        return self._attachments


class SearchDocument(NamedTuple):
    """A note's search document, with what it was made from: the digest of the note's title
    and body (kept in the saved state) and, in this process, the note itself."""

    key: bytes
    text: str
    note: Note | None


def document_key(note: Note) -> bytes:
    """What a note's search document is made from (:func:`search_document` reads its title
    and body): a digest of the two, kept in the saved state instead of the whole note."""
    digest = hashlib.blake2b(note.title.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(note.html.encode())
    return digest.digest()


def _silent(label: str, done: float) -> None:
    pass
