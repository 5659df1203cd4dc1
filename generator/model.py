"""The build's data: a loaded vault, its notes, and the resolved view the site is rendered from."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from generator.diagnostics import Diagnostic

NOTE_SUFFIX = ".md"


def normalise_path(path: str) -> str:
    """Vault paths are POSIX, NFC-normalised, relative."""
    return unicodedata.normalize("NFC", path.replace("\\", "/"))


@dataclass
class SourceFile:
    """A file read from the vault: a note (``.md``) or an attachment."""

    path: str  # vault-relative POSIX, NFC: "lessons/Pydantic.md"
    data: bytes
    mtime_ns: int = 0

    @property
    def is_note(self) -> bool:
        return self.path.lower().endswith(NOTE_SUFFIX)

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def folder(self) -> str:
        parent = str(PurePosixPath(self.path).parent)
        return "" if parent == "." else parent


@dataclass
class Vault:
    """Everything the load stage found: notes and attachments by vault path."""

    root: str  # absolute folder on disk
    name: str  # vault name as Obsidian shows it (the folder name)
    files: dict[str, SourceFile] = field(default_factory=dict)

    @property
    def notes(self) -> list[SourceFile]:
        return [f for f in self.files.values() if f.is_note]

    @property
    def attachments(self) -> list[SourceFile]:
        return [f for f in self.files.values() if not f.is_note]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    line: int


@dataclass(frozen=True)
class Link:
    """A link or embed written in a note, after resolution."""

    raw: str  # as written: "[[Pydantic#Models|models]]"
    target: str  # target text as written, before '#'
    fragment: str  # after the first '#': "Models", "H1#H2", "^block"
    line: int
    embed: bool
    resolved: str | None  # vault path of the note or attachment, None when unresolved
    anchor: str | None = None  # heading id or "^block" on the target page
    in_list: bool = False  # written inside a list item (the outline's lessons are)
    alias: str | None = None  # display text after '|'


@dataclass(frozen=True, order=True)
class Backlink:
    source: str  # vault path of the linking note
    line: int
    context: str  # the sentence around the link, plain text


# What every try-it and exercise panel's HTML carries (see generator.tryit.render).
TRYIT_MARK = ' data-tryit="'


@dataclass
class Note:
    """A published note, parsed and resolved, ready for the theme to render."""

    path: str
    title: str
    slug: str  # "index" for the home note, else "lessons/pydantic"
    url: str  # relative to the site root: "lessons/pydantic/" ("" for home)
    frontmatter: dict[str, Any]
    aliases: list[str]
    tags: list[str]
    headings: list[Heading]
    links: list[Link]
    html: str  # the rendered body; its hrefs are relative to this note's page
    text: str  # plain text of the body, for reading time and previews
    description: str
    exercises: list[str] = field(default_factory=list)  # exercise ids, in order
    cssclasses: list[str] = field(default_factory=list)
    order: float | None = None
    kind: Literal["home", "note"] = "note"
    tryits: bool = False  # the body shows a try-it or exercise panel (its own or embedded)
    # Vault paths of the attachments the body links to or shows, also through the notes it
    # embeds: only these are copied into the site.
    attachments: list[str] = field(default_factory=list)


@dataclass
class CourseConfig:
    """Course-wide settings, from the home note's frontmatter and the command line."""

    title: str = "Course"
    api_base: str = "http://127.0.0.1:8000"
    openapi: str | None = None  # a project file: another API's schema; None = demo_api in-process
    base_url: str | None = None  # absolute site URL, for sitemap.xml
    vault_name: str = "notes"
    line_breaks: bool = True  # a single newline is a line break (Obsidian's default)
    # where the project's files can be read online (https://github.com/org/repo/blob/main/):
    # an included block links to its file and lines there
    source_url: str | None = None


@dataclass
class ResolvedVault:
    """The whole vault after resolve: what the course and render stages work from."""

    config: CourseConfig
    notes: dict[str, Note]  # by vault path, published notes only
    # vault path -> url relative to the site root, of every attachment links may resolve to;
    # the site copies only those a page links to (see generator.attachments)
    attachments: dict[str, str]
    backlinks: dict[str, list[Backlink]]  # target vault path -> links into it
    tags: dict[str, list[str]]  # lowercased tag -> vault paths (sorted)
    tag_names: dict[str, str]  # lowercased tag -> display form (first seen)
    diagnostics: list[Diagnostic]
    home: str | None  # vault path of the home note ("index.md"), when there is one
    # the notes whose page shows a try-it or exercise panel, when the resolver counted them
    # (kept up to date by the engine: looking at every note after each save took 20 ms at
    # 10,000 notes)
    tryit_notes: set[str] | None = None

    def by_slug(self) -> dict[str, Note]:
        return {note.slug: note for note in self.notes.values()}
