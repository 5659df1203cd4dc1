"""The course stage: the home note's outline becomes chapters, numbered lessons and prev/next."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from generator.diagnostics import Diagnostic, error, warning
from generator.model import Note, ResolvedVault
from generator.slugs import slugify

# "1. Why FastAPI", "2) Setup", "3 - Pydantic", "4: HTML" -> the title without its number.
_LEADING_NUMBER = re.compile(r"^\s*(?:chapter\s+)?\d+(?:\.\d+)*\s*[.):\-–—]?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Lesson:
    """A note placed in the outline: chapter ``chapter``, lesson ``number`` within it."""

    path: str
    chapter: int
    number: int
    index: int  # position in the whole course, 0-based

    @property
    def label(self) -> str:
        return f"{self.chapter}.{self.number}"


@dataclass
class Chapter:
    number: int
    title: str
    line: int
    lessons: list[Lesson] = field(default_factory=list)


@dataclass
class TagNode:
    """One tag in the tag tree: its own notes and its child tags (lowercased keys)."""

    key: str  # "nested/tag"
    name: str  # display form: "Nested/Tag"
    notes: list[str] = field(default_factory=list)  # vault paths tagged with exactly this tag
    children: list[str] = field(default_factory=list)  # keys of direct child tags

    @property
    def leaf(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass
class Course:
    """The ordered course: what the sidebar, prev/next and the index pages show."""

    title: str
    home: str | None
    chapters: list[Chapter]
    lessons: list[Lesson]
    concepts: list[str]  # vault paths of published notes outside the outline, by title
    tags: dict[str, TagNode]  # every tag and every implied parent, by lowercased key
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_path = {lesson.path: lesson for lesson in self.lessons}

    def lesson(self, path: str) -> Lesson | None:
        return self._by_path.get(path)

    def previous(self, path: str) -> Lesson | None:
        lesson = self._by_path.get(path)
        if lesson is None or lesson.index == 0:
            return None
        return self.lessons[lesson.index - 1]

    def next(self, path: str) -> Lesson | None:
        lesson = self._by_path.get(path)
        if lesson is None:
            # The home page leads into the first lesson.
            return self.lessons[0] if path == self.home and self.lessons else None
        if lesson.index + 1 >= len(self.lessons):
            return None
        return self.lessons[lesson.index + 1]

    def chapter(self, number: int) -> Chapter:
        return self.chapters[number - 1]

    @property
    def root_tags(self) -> list[TagNode]:
        return [node for key, node in sorted(self.tags.items()) if "/" not in key]


def chapter_title(heading: str) -> str:
    """Strip a leading number the author wrote: chapters are numbered by position."""
    stripped = _LEADING_NUMBER.sub("", heading, count=1).strip()
    return stripped or heading.strip()


def tag_slug(tag: str) -> str:
    """``Nested/Tag`` -> ``nested/tag``: one slug per segment, as the markdown layer links it."""
    return "/".join(slugify(part) or "tag" for part in tag.split("/"))


def tag_url(tag: str) -> str:
    """URL of a tag's page relative to the site root: ``tags/nested/tag/``."""
    return "tags/" + quote(tag_slug(tag)) + "/"


def tag_output_dir(tag: str) -> str:
    """Folder of a tag's page in the output (unquoted: the file system holds the real name)."""
    return "tags/" + tag_slug(tag) + "/"


def build_course(vault: ResolvedVault) -> tuple[Course, list[Diagnostic]]:
    """Read the outline from the home note; everything else becomes a concept note."""
    diagnostics: list[Diagnostic] = []
    home = vault.notes.get(vault.home) if vault.home else None
    chapters: list[Chapter] = []
    lessons: list[Lesson] = []
    if home is not None:
        chapters, lessons = _read_outline(home, vault, diagnostics)
    in_outline = {lesson.path for lesson in lessons}
    concepts = sorted(
        (path for path in vault.notes if path != vault.home and path not in in_outline),
        key=lambda path: (vault.notes[path].title.casefold(), path),
    )
    course = Course(
        title=vault.config.title,
        home=vault.home if home is not None else None,
        chapters=chapters,
        lessons=lessons,
        concepts=concepts,
        tags=_tag_tree(vault, {lesson.path: i for i, lesson in enumerate(lessons)}),
        diagnostics=diagnostics,
    )
    return course, diagnostics


def _read_outline(
    home: Note, vault: ResolvedVault, diagnostics: list[Diagnostic]
) -> tuple[list[Chapter], list[Lesson]]:
    chapter_headings = sorted((h for h in home.headings if h.level == 2), key=lambda h: h.line)
    chapters = [
        Chapter(number=i, title=chapter_title(h.text), line=h.line)
        for i, h in enumerate(chapter_headings, start=1)
    ]
    lessons: list[Lesson] = []
    seen: dict[str, int] = {}
    links = sorted(
        (link for link in home.links if link.in_list and not link.embed),
        key=lambda link: link.line,
    )
    for link in links:
        chapter = _chapter_at(chapters, link.line)
        if chapter is None:
            continue  # lists before the first chapter heading are the author's prose
        if link.resolved is None or link.resolved not in vault.notes:
            diagnostics.append(
                error(
                    home.path,
                    link.line,
                    "course.outline-unresolved",
                    f"outline link {link.raw} matches no published note",
                    "write the note, fix the link, or remove it from the outline",
                )
            )
            continue
        if link.resolved == home.path:
            continue
        if link.resolved in seen:
            diagnostics.append(
                warning(
                    home.path,
                    link.line,
                    "course.outline-duplicate",
                    f"{link.raw} is already lesson {_label(lessons[seen[link.resolved]])}",
                    "a note can be one lesson only; the first place wins",
                )
            )
            continue
        lesson = Lesson(
            path=link.resolved,
            chapter=chapter.number,
            number=len(chapter.lessons) + 1,
            index=len(lessons),
        )
        seen[link.resolved] = lesson.index
        chapter.lessons.append(lesson)
        lessons.append(lesson)
    return chapters, lessons


def _label(lesson: Lesson) -> str:
    return lesson.label


def _chapter_at(chapters: list[Chapter], line: int) -> Chapter | None:
    found = None
    for chapter in chapters:
        if chapter.line <= line:
            found = chapter
        else:
            break
    return found


def _tag_tree(vault: ResolvedVault, lesson_order: dict[str, int]) -> dict[str, TagNode]:
    """Tags with their notes: lessons first in course order, then other notes by title."""
    nodes: dict[str, TagNode] = {}
    last = len(lesson_order)

    def order(path: str) -> tuple[int, str, str]:
        return (lesson_order.get(path, last), vault.notes[path].title.casefold(), path)


    def node_for(key: str) -> TagNode:
        if key not in nodes:
            shown = vault.tag_names.get(key, key)
            nodes[key] = TagNode(key=key, name=shown)
            if "/" in key:
                parent = node_for(key.rsplit("/", 1)[0])
                parent.children.append(key)
        return nodes[key]

    for key in sorted(vault.tags):
        node = node_for(key.lower())
        node.notes.extend(path for path in vault.tags[key] if path in vault.notes)
    for node in nodes.values():
        node.notes = sorted(set(node.notes), key=order)
        node.children = sorted(set(node.children))
    return nodes
