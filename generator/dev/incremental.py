"""The dev loop's builder: apply file changes, rebuild only what they touch, write what differs.

Every rebuild produces the same bytes a full :func:`generator.build.build` would (the
equivalence test holds it to that); it is only faster because it reuses per-note work:
parsed notes (by content digest), resolved links and body HTML (while nothing they read has
changed, see :mod:`generator.dev.recording`) and rendered pages (while their inputs are equal).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, cache_path
from generator.course import Course, build_course
from generator.dev.recording import NoteRecord, RecordingHooks, note_snapshot, recording_context
from generator.diagnostics import Diagnostic, sort_diagnostics
from generator.frontmatter import string_list
from generator.linkindex import LinkIndex
from generator.load import _read, _skipped, load_vault
from generator.model import Backlink, Note, ResolvedVault, Vault, normalise_path
from generator.parse import ParseCache, ParsedNote, parse_notes
from generator.render import output_path, render_site, search_documents
from generator.resolve import (
    NoteInfo,
    _first_paragraph,
    _note_infos,
    _note_tags,
    _number,
    _resolve_fact,
    course_config,
    find_home,
)
from generator.search import SEARCH_DIR, build_search_index
from generator.theme import load_theme
from generator.urls import file_url
from generator.write import check_output_folder, write_changed


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


@dataclass
class _State:
    """Everything the previous rebuild computed that the next one may reuse."""

    infos: dict[str, NoteInfo] = field(default_factory=dict)
    index_key: Any = None
    index: LinkIndex | None = None
    config_key: Any = None
    records: dict[str, NoteRecord] = field(default_factory=dict)
    page_keys: dict[str, Any] = field(default_factory=dict)  # note path -> inputs of its page
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # note -> (out, bytes)
    theme: object | None = None


class IncrementalBuilder:
    """Holds the vault and the site in memory and keeps ``options.out`` equal to a full build."""

    def __init__(self, options: BuildOptions, *, background_search: bool = True) -> None:
        self.options = options
        self.background_search = background_search
        self.vault: Vault | None = None
        self.load_problems: dict[str, list[Diagnostic]] = {}
        self.parsed: dict[str, ParsedNote] = {}
        self.cache = ParseCache(cache_path(options))
        self.state = _State()
        self.resolved: ResolvedVault | None = None
        self.course: Course | None = None
        self.files: dict[str, bytes] = {}
        self.diagnostics: list[Diagnostic] = []
        self._search_files: dict[str, bytes] = {}
        self._lock = threading.RLock()  # one writer of ``options.out`` at a time
        self._generation = 0
        self._search_thread: threading.Thread | None = None
        self._search_wanted = threading.Event()
        self._search_idle = threading.Event()
        self._search_idle.set()
        self._closing = False

    # -- entry points ----------------------------------------------------------------------

    def full_build(self) -> Rebuild:
        """Load everything, build the whole site (search included) and write it."""
        started = time.perf_counter()
        check_output_folder(self.options.out)
        vault, problems = load_vault(self.options.vault)
        self.vault = vault
        self.load_problems = defaultdict(list)
        for problem in problems:
            self.load_problems[problem.file].append(problem)
        self.parsed = parse_notes(vault.notes, self.cache, workers=self.options.workers)
        self.cache.save({p.digest for p in self.parsed.values()})
        self.state = _State()
        with self._lock:
            files, pages = self._assemble()
            self._search_files = self._search_index()
            files = self._with_search(files)
            existing = self._existing_outputs()
            written = write_changed(self.options.out, files, remove=existing - set(files))
            self.files = files
        self.diagnostics = list(self.resolved.diagnostics if self.resolved else [])
        return Rebuild(
            changed=["(everything)"], written=written, pages=pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=[],
        )

    def rebuild(self, paths: set[Path], *, theme_changed: bool = False) -> Rebuild:
        """Apply changed files (absolute or vault-relative paths) and write what differs."""
        started = time.perf_counter()
        changed = self._apply(paths)
        if theme_changed:
            changed.append("(theme)")
        before = set(self.diagnostics)
        with self._lock:
            files, pages = self._assemble()
            files = self._with_search(files)
            remove = set(self.files) - set(files)
            written = write_changed(self.options.out, self._differing(files), remove=remove)
            self.files = files
            self._generation += 1
        self.diagnostics = list(self.resolved.diagnostics if self.resolved else [])
        if self.background_search:
            self._request_search()
        else:
            self.update_search()
        return Rebuild(
            changed=changed, written=written, pages=pages,
            seconds=time.perf_counter() - started, diagnostics=self.diagnostics,
            new_diagnostics=[d for d in self.diagnostics if d not in before],
        )

    def wait_for_search(self, timeout: float = 60.0) -> None:
        """Block until the search index matches the pages (tests and the benchmark use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._search_wanted.is_set() and self._search_idle.wait(0.05):
                if not self._search_wanted.is_set():
                    return
        raise TimeoutError("the search index did not catch up in time")

    def close(self) -> None:
        self._closing = True
        self._search_wanted.set()
        if self._search_thread is not None:
            self._search_thread.join(timeout=30)
        if self.vault is not None:
            self.cache.save({p.digest for p in self.parsed.values()})

    # -- applying changes ------------------------------------------------------------------

    def _apply(self, paths: set[Path]) -> list[str]:
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
            return self._rescan(sorted(rels))
        changed_notes = []
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
                self.vault.files[rel] = found
                if found.is_note:
                    changed_notes.append(found)
        self.vault.files = dict(sorted(self.vault.files.items()))
        self.parsed.update(parse_notes(changed_notes, self.cache, workers=1))
        return sorted(rels)

    def _rescan(self, rels: list[str]) -> list[str]:
        vault, problems = load_vault(self.options.vault)
        self.vault = vault
        self.load_problems = defaultdict(list)
        for problem in problems:
            self.load_problems[problem.file].append(problem)
        self.parsed = parse_notes(vault.notes, self.cache, workers=1)
        return rels

    # -- resolve, reusing what nothing touched ---------------------------------------------

    def _resolve(self) -> ResolvedVault:
        """What :func:`generator.resolve.resolve_vault` returns, re-rendering few bodies."""
        assert self.vault is not None
        vault, parsed, state, options = self.vault, self.parsed, self.state, self.options
        diagnostics: list[Diagnostic] = []
        for item in parsed.values():
            diagnostics.extend(item.diagnostics)
        home = find_home(vault)
        overrides = {"base_url": options.base_url, "api_base": options.api_base}
        config = course_config(parsed.get(home) if home else None, vault, overrides)
        infos = _note_infos(vault, parsed, home, diagnostics)
        published = {p: info for p, info in infos.items() if info.published}
        attachments = {f.path: file_url(f.path) for f in vault.attachments}
        aliases = {p: string_list(i.parsed.frontmatter.get("aliases")) for p, i in
                   published.items()}
        unpublished = [p for p, info in infos.items() if not info.published]
        index_key = (tuple(published), tuple(attachments),
                     tuple((p, tuple(a)) for p, a in aliases.items()), tuple(unpublished))
        index_changed = index_key != state.index_key or state.index is None
        if index_changed:
            index = LinkIndex(notes=list(published), attachments=list(attachments),
                              aliases=aliases, unpublished=unpublished)
        else:
            assert state.index is not None
            index = state.index
        project_root = options.project_root or Path(vault.root).parent
        config_key = (config, str(project_root), vault.root)
        everything = config_key != state.config_key
        changed_link = _changed(state.infos, infos, note_snapshot)
        changed_full = changed_link | _changed(
            state.infos, infos, lambda i: i.parsed.digest if i is not None else None)

        notes: dict[str, Note] = {}
        backlinks: dict[str, list[Backlink]] = defaultdict(list)
        tags: dict[str, set[str]] = defaultdict(set)
        tag_names: dict[str, str] = {}
        records: dict[str, NoteRecord] = {}
        for path, info in published.items():
            record = state.records.get(path)
            if everything or record is None or not _still_valid(
                record, info, index, index_changed, changed_link, changed_full
            ):
                record = _resolve_note(path, info, index, published, attachments,
                                       project_root, Path(vault.root))
            records[path] = record
            diagnostics.extend(record.diagnostics)
            for link, fact in zip(record.links, info.parsed.links, strict=True):
                if link.resolved and link.resolved in published and link.resolved != path:
                    backlinks[link.resolved].append(Backlink(path, link.line, fact.context))
            note_tags = _note_tags(info.parsed)
            for tag in note_tags:
                tags[tag.casefold()].add(path)
                tag_names.setdefault(tag.casefold(), tag)
            fm = info.parsed.frontmatter
            notes[path] = Note(
                path=path,
                title=info.title,
                slug=info.slug,
                url=info.url,
                frontmatter=fm,
                aliases=string_list(fm.get("aliases")),
                tags=note_tags,
                headings=info.parsed.headings,
                links=record.links,
                html=record.html,
                text=info.parsed.text,
                description=str(fm.get("description") or _first_paragraph(info.parsed.text)),
                exercises=list(record.exercises),
                cssclasses=string_list(fm.get("cssclasses")),
                order=_number(fm.get("order")),
                kind="home" if path == home else "note",
            )
        for target in backlinks:
            backlinks[target] = sorted(set(backlinks[target]), key=lambda b: (b.source, b.line))
        state.infos, state.index_key, state.index = infos, index_key, index
        state.config_key, state.records = config_key, records
        return ResolvedVault(
            config=config,
            notes=notes,
            attachments=attachments,
            backlinks=dict(backlinks),
            tags={tag: sorted(paths) for tag, paths in sorted(tags.items())},
            tag_names=tag_names,
            diagnostics=sort_diagnostics(diagnostics),
            home=home if home in notes else None,
        )

    # -- render, reusing pages whose inputs are equal --------------------------------------

    def _assemble(self) -> tuple[dict[str, bytes], int]:
        """The whole site in memory, as :func:`generator.build.assemble` makes it."""
        assert self.vault is not None
        resolved = self._resolve()
        course, course_problems = build_course(resolved)
        load_problems = [d for items in self.load_problems.values() for d in items]
        resolved.diagnostics = sort_diagnostics(
            [*load_problems, *resolved.diagnostics, *course_problems]
        )
        state = self.state
        theme = load_theme()
        if theme is not state.theme:
            state.page_keys, state.pages, state.theme = {}, {}, theme
        shared = _shared_page_inputs(resolved, course)
        keys: dict[str, Any] = {}
        todo: set[str] = set()
        for path, note in resolved.notes.items():
            keys[path] = (shared, _page_inputs(resolved, course, note))
            if state.page_keys.get(path) != keys[path] or path not in state.pages:
                todo.add(path)
        outputs = {path: output_path(note) for path, note in resolved.notes.items()}
        rendered = render_site(resolved, course, only={outputs[p] for p in todo}, search=False)
        pages = {p: (outputs[p], rendered[outputs[p]]) if p in todo else state.pages[p]
                 for p in sorted(resolved.notes)}
        state.page_keys, state.pages = keys, pages
        files: dict[str, bytes] = {}
        page_outputs = {out for out, _ in pages.values()}
        for name, data in rendered.items():
            if name in theme.asset_files:
                files[name] = data
        for out, data in pages.values():
            files[out] = data
        for name, data in rendered.items():
            if name not in theme.asset_files and name not in page_outputs:
                files[name] = data
        self.resolved, self.course = resolved, course
        return files, len(todo)

    def _with_search(self, files: dict[str, bytes]) -> dict[str, bytes]:
        files = {**files, **self._search_files}
        for attachment in self.vault.attachments if self.vault else []:
            files[attachment.path] = attachment.data
        return files

    def _differing(self, files: dict[str, bytes]) -> dict[str, bytes]:
        """Files whose bytes differ from what was written last (others are on disk already)."""
        return {name: data for name, data in files.items() if self.files.get(name) is not data
                and self.files.get(name) != data}

    def _existing_outputs(self) -> set[str]:
        out = self.options.out
        if not out.is_dir():
            return set()
        found: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(out):
            rel_dir = Path(dirpath).relative_to(out)
            if rel_dir == Path("."):
                filenames = [f for f in filenames if not f.startswith(".")]
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                found.add((rel_dir / name).as_posix())
        return found

    # -- search, a moment after the pages --------------------------------------------------

    def _search_index(self) -> dict[str, bytes]:
        assert self.resolved is not None
        return build_search_index(search_documents(self.resolved))

    def update_search(self) -> list[str]:
        """Index the current pages and write the search files that changed."""
        with self._lock:
            generation = self._generation
            documents = search_documents(self.resolved) if self.resolved else {}
        index = build_search_index(documents)
        with self._lock:
            if generation != self._generation:
                return []  # pages changed meanwhile; the next round indexes them
            stale = set(self._search_files) - set(index)
            self._search_files = index
            files = {k: v for k, v in self.files.items() if not k.startswith(SEARCH_DIR)}
            self.files = self._with_search(files)
            changed = {k: v for k, v in index.items()}
            return write_changed(self.options.out, changed, remove=stale - set(self.files))

    def _request_search(self) -> None:
        self._search_idle.clear()
        self._search_wanted.set()
        if self._search_thread is None or not self._search_thread.is_alive():
            self._search_thread = threading.Thread(
                target=self._search_loop, name="coursegen-search", daemon=True
            )
            self._search_thread.start()

    def _search_loop(self) -> None:
        while not self._closing:
            if not self._search_wanted.wait(0.5):
                continue
            self._search_wanted.clear()
            if self._closing:
                break
            try:
                self.update_search()
            except Exception as exc:  # search is a convenience; never take the loop down
                print(f"search index not updated: {exc}", flush=True)
            if not self._search_wanted.is_set():
                self._search_idle.set()
        self._search_idle.set()


def _vault_file(rel: str) -> bool:
    """The files load_vault reads: no dot-folders, dot-files, editor backups."""
    parts = rel.split("/")
    if any(_skipped(part) for part in parts[:-1]):
        return False
    name = parts[-1]
    return bool(name) and not name.startswith(".") and not name.endswith("~")


def _changed(before: dict[str, NoteInfo], after: dict[str, NoteInfo], key: Any) -> set[str]:
    changed = set()
    for path in before.keys() | after.keys():
        if key(before.get(path)) != key(after.get(path)):
            changed.add(path)
    return changed


def _still_valid(
    record: NoteRecord,
    info: NoteInfo,
    index: LinkIndex,
    index_changed: bool,
    changed_link: set[str],
    changed_full: set[str],
) -> bool:
    if record.volatile or record.digest != info.parsed.digest:
        return False
    if not record.link_deps.isdisjoint(changed_link) or not record.full_deps.isdisjoint(
        changed_full
    ):
        return False
    if index_changed:
        for (target, source, options), answer in record.queries.items():
            if index.resolve(target, source, **dict(options)) != answer:
                return False
    return True


def _resolve_note(
    path: str,
    info: NoteInfo,
    index: LinkIndex,
    published: dict[str, NoteInfo],
    attachments: dict[str, str],
    project_root: Path,
    vault_root: Path,
) -> NoteRecord:
    record = NoteRecord(digest=info.parsed.digest, links=[], html="", exercises=[],
                        diagnostics=[])
    context, rec_index, rec_notes = recording_context(
        index, published, attachments, project_root, vault_root, record
    )
    record.links = [
        _resolve_fact(fact, path, rec_index, rec_notes, record.diagnostics)
        for fact in info.parsed.links
    ]
    record.link_deps.add(path)
    record.full_deps.add(path)
    hooks = RecordingHooks(context, page_path=path)
    hooks.record = record
    record.html = hooks.render_note(path)
    record.exercises = hooks.exercise_ids
    return record


def _shared_page_inputs(vault: ResolvedVault, course: Course) -> Any:
    """Inputs every note page shows: course title, sidebar, api base."""
    sidebar = tuple(
        (chapter.number, chapter.title, tuple(
            (lesson.index, lesson.label, lesson.path, vault.notes[lesson.path].title,
             vault.notes[lesson.path].url, tuple(vault.notes[lesson.path].exercises))
            for lesson in chapter.lessons
        ))
        for chapter in course.chapters
    )
    return (course.title, course.home, vault.config, sidebar)


def _page_inputs(vault: ResolvedVault, course: Course, note: Note) -> Any:
    """Everything the page of ``note`` shows besides the shared inputs."""

    def shown(path: str | None) -> Any:
        if path is None or path not in vault.notes:
            return None
        other = vault.notes[path]
        lesson = course.lesson(path)
        return (path, other.title, other.url, lesson)

    lesson = course.lesson(note.path)
    chapter = course.chapter(lesson.chapter) if lesson else None
    prev_lesson = course.previous(note.path)
    next_lesson = course.next(note.path)
    backlinks = tuple(
        (b, shown(b.source)) for b in vault.backlinks.get(note.path, [])
    )
    tags = tuple((t, vault.tag_names.get(t.lower())) for t in note.tags)
    exercises: Any = None
    if note.path == course.home:
        exercises = tuple(
            tuple(vault.notes[item.path].exercises) for item in course.lessons
        )
    return (
        note, lesson, (chapter.number, chapter.title) if chapter else None,
        shown(prev_lesson.path if prev_lesson else None),
        shown(next_lesson.path if next_lesson else None),
        len(course.lessons), backlinks, tags, exercises,
    )
