"""The engine's resolve stage: every link resolved and every published note's body rendered,
redoing only the notes a change can reach.

Two paths. The *fast* one is taken when only existing, non-home notes changed and none of them
changed what the link index or page addresses depend on (published, aliases, slug): it touches
the changed notes and the notes that recorded reading them, and patches backlinks and tags.
Everything else (new, deleted or renamed notes, attachments, the home note) takes the *full*
path, which still reuses every recorded body whose inputs are unchanged (a build from the
saved state always takes it). From an empty state, the full path renders every body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.addresses import NoteInfo, note_infos, note_title, site_attachments
from generator.config import config_problems, course_config, find_home
from generator.diagnostics import Diagnostic
from generator.engine.bookkeeping import (
    ResolveState,
    add_incoming,
    add_users,
    base_slug,
    changed_infos,
    collect_note_tags,
    contribution_of,
    is_published_note,
    move_incoming,
    page_note,
    remove_users,
    shown_elsewhere,
    sorted_backlinks,
    still_valid,
    tag_lists,
)
from generator.engine.problems import SortedDiagnostics
from generator.engine.recording import NoteRecord, note_snapshot, render_records, resolve_note
from generator.frontmatter import string_list
from generator.linkindex import LinkIndex
from generator.model import CourseConfig, ResolvedVault, Vault
from generator.options import BuildOptions
from generator.parse import ParsedNote
from generator.rendercontext import RenderContext
from generator.vaultwide import api_schema_problems, exercise_id_problems


@dataclass
class Change:
    """What one resolve changed, for the page layer to decide what to render again."""

    full: bool  # anything may have changed: compare every page's inputs
    notes: set[str] = field(default_factory=set)  # Note objects replaced (or removed)
    shown: set[str] = field(default_factory=set)  # notes whose title, url or anchors changed
    backlinks: set[str] = field(default_factory=set)  # targets whose backlinks changed
    outgoing: set[str] = field(default_factory=set)  # old and new link targets of ``shown``
    tags: bool = False  # the tag lists or their display names changed


class IncrementalResolver:
    """Keeps a :class:`ResolveState` and turns parsed notes into a :class:`ResolvedVault`."""

    def __init__(self, options: BuildOptions, diagnostics: SortedDiagnostics) -> None:
        self.options = options
        self.state = ResolveState()
        # Resolve-stage diagnostics go into the builder's set, as parts of the groups
        # "parse" and "links" (by note path) and "notes"; the ResolvedVault returned holds
        # none: the builder adds load problems and course diagnostics, then caps and sorts.
        self.diagnostics = diagnostics

    def resolve(
        self,
        vault: Vault,
        parsed: dict[str, ParsedNote],
        changed: set[str] | None,
        *,
        render: RecordRenderer | None = None,
    ) -> tuple[ResolvedVault, Change]:
        """Resolve after ``changed`` vault paths were applied (None: anything may differ).
        ``render`` renders the bodies to make again (on worker processes, say); by default
        here, one after another."""
        if changed is not None and self.state.resolved is not None:
            fast = self._fast(vault, parsed, changed)
            if fast is not None:
                return fast
        return self._full(vault, parsed, render)

    # -- full path -------------------------------------------------------------------------

    def _full(
        self, vault: Vault, parsed: dict[str, ParsedNote], render: RecordRenderer | None
    ) -> tuple[ResolvedVault, Change]:
        state, options = self.state, self.options
        before_infos, before_records = state.infos, state.records
        home = find_home(vault)
        overrides = {"base_url": options.base_url, "api_base": options.api_base}
        config = course_config(parsed.get(home) if home else None, vault, overrides)
        info_diagnostics: list[Diagnostic] = config_problems(home, parsed)
        infos = note_infos(vault, parsed, home, info_diagnostics)
        published = {p: info for p, info in infos.items() if info.published}
        attachments = site_attachments(vault, infos, info_diagnostics)
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
        changed_link = changed_infos(state.infos, infos, note_snapshot)
        changed_full = changed_link | changed_infos(
            state.infos, infos, lambda i: i.parsed.digest if i is not None else None)

        base = render_context(index, published, attachments, project_root, vault, config)
        records: dict[str, NoteRecord] = {}
        todo: list[str] = []
        for path, info in published.items():
            record = state.records.get(path)
            if everything or record is None or not still_valid(
                record, info, index, index_changed, changed_link, changed_full
            ):
                todo.append(path)
            else:
                records[path] = record
        records.update((render or render_records)(base, todo) if todo else {})
        records = {path: records[path] for path in published}  # in the vault's order
        change = Change(full=True)
        if before_records and not everything and not index_changed and home == state.home:
            change = narrow_change(before_infos, before_records, published, records, home)
        state.home = home
        state.infos, state.index_key, state.index = infos, index_key, index
        state.config_key, state.records = config_key, records
        state.published = published
        state.volatile = {p for p, r in records.items() if r.volatile}
        state.info_diagnostics = info_diagnostics
        state.base_slugs = {p: base_slug(p, info, home) for p, info in infos.items()}
        state.link_users, state.full_users = defaultdict(set), defaultdict(set)
        state.contributions, state.incoming = {}, defaultdict(dict)
        for path, record in records.items():
            add_users(state, path, record)
            contribution = contribution_of(path, record, published[path], published)
            state.contributions[path] = contribution
            add_incoming(state, path, contribution)
        state.note_tags = {p: collect_note_tags(info.parsed) for p, info in published.items()}
        notes = {path: page_note(path, info, records[path], state.note_tags[path], home)
                 for path, info in published.items()}
        backlinks = {target: sorted_backlinks(sources)
                     for target, sources in state.incoming.items() if sources}
        tags, tag_names = tag_lists(state.note_tags)
        resolved = ResolvedVault(
            config=config,
            notes=notes,
            attachments=attachments,
            backlinks=backlinks,
            tags=tags,
            tag_names=tag_names,
            diagnostics=[],
            home=home if home in notes else None,
            tryit_notes={p for p, note in notes.items() if note.tryits},
        )
        self.diagnostics.replace_group("parse", {p: item.diagnostics for p, item in
                                                 parsed.items()})
        self.diagnostics.replace("notes", "", info_diagnostics)
        self.diagnostics.replace_group("links", {p: records[p].diagnostics for p in published})
        self._vaultwide(vault, resolved)
        state.resolved = resolved
        return resolved, change

    def _vaultwide(self, vault: Vault, resolved: ResolvedVault, *, exercises: bool = True,
                   api: bool = True) -> None:
        """The checks that span every note, from the records as they are now (after a save,
        only those whose inputs it changed: ``exercises``, the exercise ids; ``api``, whether
        a page shows a panel)."""
        if exercises:
            records = self.state.records.values()
            sites = [site for record in records for site in record.exercise_sites]
            self.diagnostics.replace("vaultwide", "exercises", exercise_id_problems(sites))
        if api:
            project_root = self.options.project_root or Path(vault.root).parent
            self.diagnostics.replace("vaultwide", "api", api_schema_problems(
                vault, resolved.home, resolved.config, resolved.notes.values(), project_root))

    # -- fast path -------------------------------------------------------------------------

    def _fast(
        self, vault: Vault, parsed: dict[str, ParsedNote], changed: set[str]
    ) -> tuple[ResolvedVault, Change] | None:
        state = self.state
        before = state.resolved
        assert before is not None and state.index is not None
        home = find_home(vault)
        if home is None or home != before.home or home in changed:
            return None
        new_infos: dict[str, NoteInfo] = {}
        for path in changed:
            old = state.infos.get(path)
            item = parsed.get(path)
            source = vault.files.get(path)
            if old is None or item is None or source is None or not source.is_note:
                return None  # created, deleted, unreadable or not a note: the full path
            fm = item.frontmatter
            info = NoteInfo(path, note_title(source, fm), old.slug, old.url, item, old.published)
            if (base_slug(path, info, home) != state.base_slugs.get(path)
                    or is_published_note(item) != old.published
                    or string_list(fm.get("aliases"))
                    != string_list(old.parsed.frontmatter.get("aliases"))):
                return None
            new_infos[path] = info
        infos = dict(state.infos)
        infos.update(new_infos)
        published = dict(state.published)  # which notes are published cannot change here
        published.update((p, info) for p, info in new_infos.items() if info.published)
        change = Change(full=False)
        # Bodies that link to a note show its address and anchors; pages also show its title
        # (in backlinks, the sidebar, previous and next).
        moved = {p for p in changed if note_snapshot(state.infos[p]) != note_snapshot(infos[p])}
        change.shown = moved | {p for p in changed if shown_elsewhere(state.infos[p])
                                != shown_elsewhere(infos[p])}
        redo = {p for p in changed if p in published}
        for path in moved:
            redo |= state.link_users.get(path, set())
        for path in changed:
            redo |= state.full_users.get(path, set())
        redo |= state.volatile
        project_root = self.options.project_root or Path(vault.root).parent
        base = render_context(state.index, published, before.attachments, project_root, vault,
                              before.config)
        records = dict(state.records)
        exercises_changed = False
        for path in sorted(redo):
            if path not in published:
                continue
            old_record = records.get(path)
            record = resolve_note(path, base)
            records[path] = record
            exercises_changed = exercises_changed or bool(record.exercise_sites) or bool(
                old_record is not None and old_record.exercise_sites)
            if old_record is not None:
                remove_users(state, path, old_record)
            if path in change.shown:  # its old link targets show its old title
                change.outgoing |= {target for target, _ in state.contributions.get(path, [])}
            add_users(state, path, record)
            contribution = contribution_of(path, record, published[path], published)
            known = state.contributions.get(path, [])
            if contribution != known:
                change.backlinks |= move_incoming(state, path, known, contribution)
                state.contributions[path] = contribution
            if path in change.shown:  # and its new ones its new title
                change.outgoing |= {target for target, _ in contribution}
        state.infos, state.records, state.published = infos, records, published
        for path in redo & published.keys():
            if records[path].volatile:
                state.volatile.add(path)
            else:
                state.volatile.discard(path)
        notes = dict(before.notes)
        tryit_notes = set(before.tryit_notes if before.tryit_notes is not None else (
            p for p, note in notes.items() if note.tryits))
        tags_changed = False
        for path in redo | set(changed):
            if path not in published:
                continue
            tags = collect_note_tags(published[path].parsed)
            if tags != state.note_tags.get(path):
                state.note_tags[path] = tags
                tags_changed = True
            notes[path] = page_note(path, published[path], records[path], tags, home)
            if notes[path].tryits:
                tryit_notes.add(path)
            else:
                tryit_notes.discard(path)
            change.notes.add(path)
        backlinks = dict(before.backlinks)
        for target in change.backlinks:
            sources = state.incoming.get(target)
            if sources:
                backlinks[target] = sorted_backlinks(sources)
            else:
                backlinks.pop(target, None)
        tag_map, tag_names = before.tags, before.tag_names
        if tags_changed:
            tag_map, tag_names = tag_lists(state.note_tags)
            change.tags = True
        resolved = ResolvedVault(
            config=before.config,
            notes=notes,
            attachments=before.attachments,
            backlinks=backlinks,
            tags=tag_map,
            tag_names=tag_names,
            diagnostics=[],
            home=before.home,
            tryit_notes=tryit_notes,
        )
        for path in changed:
            self.diagnostics.replace("parse", path, parsed[path].diagnostics)
        for path in redo & published.keys():
            self.diagnostics.replace("links", path, records[path].diagnostics)
        panels_before = bool(before.tryit_notes) if before.tryit_notes is not None else any(
            note.tryits for note in before.notes.values())
        # The schema named by ``openapi:`` is a file that may change between saves; the demo
        # API's own schema does not.
        self._vaultwide(vault, resolved, exercises=exercises_changed,
                        api=bool(before.config.openapi) or panels_before != bool(tryit_notes))
        state.resolved = resolved
        return resolved, change


RecordRenderer = Callable[[RenderContext, list[str]], dict[str, NoteRecord]]


def narrow_change(
    before_infos: dict[str, NoteInfo],
    before_records: dict[str, NoteRecord],
    published: dict[str, NoteInfo],
    records: dict[str, NoteRecord],
    home: str | None,
) -> Change:
    """What a full resolve changed, when the notes, their addresses and the home note are the
    ones the state was left with (a build after editing notes): the notes whose body was
    rendered again or whose parse differs, and what their pages reach. Without it, a build
    from the saved state compared the inputs of every page, a third of a one-edit build.
    A changed home note (the outline of the course) changes everything."""
    change = Change(full=False)
    for path, info in published.items():
        old = before_infos.get(path)
        record, old_record = records[path], before_records.get(path)
        if old is None or old_record is None:
            return Change(full=True)
        if record is old_record and _note_facts(old) == _note_facts(info):
            continue  # the same Note as the last run made
        if path == home:
            return Change(full=True)
        change.notes.add(path)
        title_moved = (shown_elsewhere(old) != shown_elsewhere(info)
                       or note_snapshot(old) != note_snapshot(info))
        if title_moved:
            change.shown.add(path)
        new = contribution_of(path, record, info, published)
        known = contribution_of(path, old_record, old, published)
        if new != known or title_moved:
            targets = {target for target, _ in known} | {target for target, _ in new}
            change.backlinks |= targets
            if title_moved:
                change.outgoing |= targets
        if collect_note_tags(old.parsed) != collect_note_tags(info.parsed):
            change.tags = True
    return change


def _note_facts(info: NoteInfo) -> tuple[str, str, str, bool, str]:
    """What a page's Note takes from the note's info, besides its record and the home note."""
    return (info.title, info.slug, info.url, info.published, info.parsed.digest)


def render_context(
    index: LinkIndex,
    published: dict[str, NoteInfo],
    attachments: dict[str, str],
    project_root: Path,
    vault: Vault,
    config: CourseConfig,
) -> RenderContext:
    """The vault-wide lookups every body is rendered with."""
    return RenderContext(
        index=index,
        notes=published,
        attachments=attachments,
        project_root=project_root,
        vault_root=Path(vault.root),
        diagnostics=[],
        api_base=config.api_base,
        openapi=config.openapi,
        source_url=config.source_url,
        line_breaks=config.line_breaks,
    )
