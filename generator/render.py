"""Pages: every page of the site from the resolved vault and the course, and what each page
is made from (its inputs), so the engine renders again only those whose inputs changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup

from generator.course import Course, Lesson, tag_output_dir, tag_url
from generator.exports import content_index, search_documents, sitemap, strip_title
from generator.model import Note, ResolvedVault
from generator.search import build_search_index
from generator.theme import Theme, load_theme
from generator.urls import depth, output_path, relative

WORDS_PER_MINUTE = 200
_TAG = re.compile(r"<[^>]+>")
_FIRST_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>\s*", re.DOTALL)
_ANCHOR_START = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_OUTLINE_ITEM = re.compile(
    r'(<li[^>]*>\s*(?:<p>)?)(<a class="internal" href="([^"#]*)(?:#[^"]*)?")'
)
_EXTERNAL_HREF = re.compile(r"""\bhref\s*=\s*["']https?://""", re.IGNORECASE)
_HEADER_LABELS = ("Links: ", "Ref: ", "Tags: ", "Rel: ")


@dataclass(frozen=True)
class PageLink:
    title: str
    href: str
    label: str = ""  # lesson number, "2.3"


def render_site(
    vault: ResolvedVault,
    course: Course,
    *,
    only: set[str] | None = None,
    search: bool | None = None,
) -> dict[str, bytes]:
    """Every output file of a resolved vault (relative POSIX path -> bytes), rendered from
    nothing, except attachments: what the engine's page store keeps up to date by parts.

    With ``only``, note pages are rendered only for those output paths; the site-wide
    files (assets, indexes, tag pages, content-index.json) are always rendered.
    ``search`` (default: on unless ``only``) adds the Pagefind index under ``pagefind/``.
    """
    site = _Site(vault, course, load_theme())
    files: dict[str, bytes] = dict(site.theme.asset_files)
    for note in sorted(vault.notes.values(), key=lambda n: n.path):
        path = output_path(note)
        if only is None or path in only:
            files[path] = site.note_page(note).encode("utf-8")
    files.update(site.index_pages())
    files["content-index.json"] = content_index(vault, course)
    if vault.config.base_url:
        files["sitemap.xml"] = sitemap(vault, course)
    if search if search is not None else only is None:
        files.update(build_search_index(search_documents(vault)))
    return files


def render_pages(
    vault: ResolvedVault,
    course: Course,
    *,
    notes: Collection[str] = (),
    generated: Collection[str] = (),
    theme: Theme | None = None,
) -> dict[str, bytes]:
    """Only some pages: the pages of the vault paths ``notes`` and the generated pages (from
    :func:`generated_pages`) named in ``generated``; the dev loop renders what changed.
    ``theme``: the theme as the caller loaded it (looking at its files again costs a few ms)."""
    site = _Site(vault, course, theme or load_theme())
    files: dict[str, bytes] = {}
    for path in sorted(notes):
        note = vault.notes[path]
        files[output_path(note)] = site.note_page(note).encode("utf-8")
    if generated:
        files.update(site.index_pages(set(generated)))
    return files


def generated_pages(
    vault: ResolvedVault, course: Course, theme: Theme | None = None
) -> list[str]:
    """Output paths of the pages made from the course rather than from one note."""
    return list(_Site(vault, course, theme or load_theme()).index_plan())


class _Site:
    """Shared state for one render: the theme, lookups and the cached sidebar."""

    def __init__(self, vault: ResolvedVault, course: Course, theme: Theme) -> None:
        self.vault = vault
        self.course = course
        self.theme = theme
        self.config = vault.config
        self.all_exercises = [
            ex for lesson in course.lessons for ex in vault.notes[lesson.path].exercises
        ]
        self._sidebars: dict[str, str] = {}
        self._card_parts: dict[str, tuple[str, str, str]] = {}
        self._root_links: dict[str, tuple[Callable[[str], Markup], Callable[[str], Markup]]] = {}
        # The API address control and the try-it scripts, on every page of a site with try-its.
        self.tryits = has_tryits(vault)

    # -- shared pieces -------------------------------------------------------------------

    def sidebar(self, root: str, current: Lesson | None) -> Markup:
        html = self._sidebars.get(root)
        if html is None:
            html = self.theme.render(
                "sidebar.html",
                course=self.course,
                notes=self.vault.notes,
                href=lambda to: (root + to) or "./",
            )
            self._sidebars[root] = html
        if current is not None:
            key = f'data-lesson-key="{current.index}"'
            html = html.replace(key, f'aria-current="page" {key}', 1)
        return Markup(html)

    def page(self, template: str, url: str, *, prefix: str | None = None, **context: Any) -> str:
        """Render one page at ``url``; ``prefix`` overrides the relative way back to the root."""
        root = "../" * depth(url) if prefix is None else prefix
        href, asset = self._links(root)
        return self.theme.render(
            template,
            config=self.config,
            course=self.course,
            root=root or "./",
            url=url,
            href=href,
            asset=asset,
            sidebar=self.sidebar(root, context.get("lesson")),
            tryits=self.tryits,
            **context,
        )

    def _links(self, root: str) -> tuple[Callable[[str], Markup], Callable[[str], Markup]]:
        """The templates' ``href`` and ``asset`` for pages ``root`` away from the site root;
        every page at one depth asks for the same few links, so each is escaped only once."""
        links = self._root_links.get(root)
        if links is None:
            hrefs: dict[str, Markup] = {}
            assets: dict[str, Markup] = {}

            def href(to: str) -> Markup:
                found = hrefs.get(to)
                if found is None:
                    found = hrefs[to] = Markup.escape((root + to) or "./")
                return found

            def asset(name: str) -> Markup:
                found = assets.get(name)
                if found is None:
                    found = assets[name] = Markup.escape(root + self.theme.asset_url(name))
                return found

            links = self._root_links[root] = (href, asset)
        return links

    def note_link(self, path: str, from_url: str) -> PageLink:
        note = self.vault.notes[path]
        lesson = self.course.lesson(path)
        return PageLink(note.title, relative(from_url, note.url), lesson.label if lesson else "")

    def cards(self, paths: list[str], from_url: str, *, numbered: bool) -> Markup:
        """The ``li.card`` items of a list of notes (concepts, tag pages), each note's link,
        lesson number (when ``numbered``) and description. Built here rather than in a
        template loop: the lists run to hundreds of notes and are rendered on every title edit.
        """
        root = "../" * depth(from_url)
        parts = self._card_parts
        items = []
        for path in paths:
            known = parts.get(path)
            if known is None:
                known = parts[path] = self._card_part(path)
            url, number, rest = known
            href = (root + url) or "./"  # "../" needs no escaping
            items.append(
                f'    <li class="card"><a class="internal" href="{href}">'
                f"{number if numbered else ''}{rest}"
            )
        return Markup("".join(items))

    def _card_part(self, path: str) -> tuple[str, str, str]:
        """One note's card pieces: its escaped URL, number badge, and title onwards."""
        note = self.vault.notes[path]
        lesson = self.course.lesson(path)
        number = f'<span class="number">{_text(lesson.label)} </span>' if lesson else ""
        about = f"<p>{_text(note.description)}</p>" if note.description else ""
        return _text(note.url), number, f"{_text(note.title)}</a>\n{about}    </li>\n"

    # -- note pages ----------------------------------------------------------------------

    def note_page(self, note: Note) -> str:
        course, url = self.course, note.url
        lesson = course.lesson(note.path)
        chapter = course.chapter(lesson.chapter) if lesson else None
        is_home = note.path == course.home
        crumbs = [] if is_home else [PageLink(course.title, relative(url, ""))]
        if chapter is not None:
            crumbs.append(PageLink(f"{chapter.number}. {chapter.title}", ""))
        elif not is_home:
            crumbs.append(PageLink("Concepts", relative(url, "concepts/")))
        prev_lesson = course.previous(note.path)
        next_lesson = course.next(note.path)
        backlinks = self.backlinks(note)
        return self.page(
            "note.html",
            url,
            note=note,
            title=note.title,
            description=note.description,
            kind="home" if is_home else ("lesson" if lesson else "concept"),
            lesson=lesson,
            chapter=chapter,
            crumbs=crumbs,
            toc=[h for h in note.headings if h.level in (2, 3)],
            minutes=reading_minutes(note.text),
            body=Markup(self.body(note, is_home)),
            backlinks=backlinks,
            backlink_items=backlink_items(backlinks),
            tags=[
                PageLink("#" + self.vault.tag_names.get(t.lower(), t), relative(url, tag_url(t)))
                for t in note.tags
            ],
            prev=self.note_link(prev_lesson.path, url) if prev_lesson else None,
            next=self.note_link(next_lesson.path, url) if next_lesson else None,
            exercises=self.all_exercises if is_home else note.exercises,
            slug=note.slug,
            searchable=True,
        )

    def body(self, note: Note, is_home: bool) -> str:
        html = mark_external_links(strip_title(note.html, note.title))
        if is_home:
            html = self.number_outline(html)
        return html

    def number_outline(self, html: str) -> str:
        """Show each lesson's number beside its link in the home note's outline lists."""
        labels = {self.vault.notes[lesson.path].url: lesson.label for lesson in self.course.lessons}

        def number(match: re.Match[str]) -> str:
            label = labels.get(unescape(match.group(3)))
            if label is None:
                return match.group(0)
            return f'{match.group(1)}<span class="lesson-number">{label}</span> {match.group(2)}'

        return _OUTLINE_ITEM.sub(number, html)

    def backlinks(self, note: Note) -> list[tuple[PageLink, list[str]]]:
        grouped: dict[str, list[str]] = {}
        for backlink in self.vault.backlinks.get(note.path, []):
            if backlink.source == note.path or backlink.source not in self.vault.notes:
                continue
            contexts = grouped.setdefault(backlink.source, [])
            context = backlink.context
            if context and context not in contexts and _quotable(context):
                contexts.append(context)

        def order(path: str) -> tuple[int, str, str]:
            lesson = self.course.lesson(path)
            index = lesson.index if lesson else len(self.course.lessons)
            return index, self.vault.notes[path].title.casefold(), path

        for path, contexts in grouped.items():
            description = self.vault.notes[path].description
            if not contexts and description and _quotable(description):
                # Linked only from its header lines ("Rel: [[…]]"): what it is about instead.
                contexts.append(description)
        ordered = sorted(grouped, key=order)
        return [(self.note_link(path, note.url), grouped[path]) for path in ordered]

    # -- generated pages -----------------------------------------------------------------

    def index_pages(self, only: set[str] | None = None) -> dict[str, bytes]:
        """The generated pages (all of them, or the output paths in ``only``)."""
        return {
            out: make().encode("utf-8")
            for out, make in self.index_plan().items()
            if only is None or out in only
        }

    def index_plan(self) -> dict[str, Callable[[], str]]:
        """Each generated page's output path and how to render it, in output order."""
        plan: dict[str, Callable[[], str]] = {}
        vault, course = self.vault, self.course
        plan["concepts/index.html"] = self.concepts_page
        plan["tags/index.html"] = self.tags_page
        for key in sorted(course.tags):
            out = tag_output_dir(key) + "index.html"
            if out not in plan:  # two spellings of one tag slug: the first wins
                plan[out] = lambda key=key: self.tag_page(key)  # type: ignore[misc]
        plan["graph/index.html"] = lambda: self.page(
            "graph.html",
            "graph/",
            title="Graph",
            crumbs=[PageLink(course.title, relative("graph/", ""))],
        )
        plan["404.html"] = self.not_found_page
        if not any(note.url == "" for note in vault.notes.values()):
            plan["index.html"] = lambda: self.page(
                "home.html",
                "",
                title=course.title,
                crumbs=[],
                notes=course.concepts,
                cards=self.cards(course.concepts, "", numbered=False),
            )
        return plan

    def concepts_page(self) -> str:
        course, url = self.course, "concepts/"
        return self.page(
            "concepts.html",
            url,
            title="Concepts",
            crumbs=[PageLink(course.title, relative(url, ""))],
            concepts=course.concepts,
            cards=self.cards(course.concepts, url, numbered=False),
        )

    def tags_page(self) -> str:
        course, url = self.course, "tags/"
        return self.page(
            "tags.html",
            url,
            title="Tags",
            crumbs=[PageLink(course.title, relative(url, ""))],
            tags=course.tags,
            roots=course.root_tags,
            tag_href=lambda key: relative("tags/", tag_url(key)),
        )

    def tag_page(self, key: str) -> str:
        course = self.course
        node = course.tags[key]
        url = tag_url(key)
        crumbs = [
            PageLink(course.title, relative(url, "")),
            PageLink("Tags", relative(url, "tags/")),
        ]
        parts = key.split("/")
        for i in range(1, len(parts)):
            parent = course.tags["/".join(parts[:i])]
            crumbs.append(PageLink("#" + parent.name, relative(url, tag_url(parent.key))))
        return self.page(
            "tag.html",
            url,
            title="#" + node.name,
            crumbs=crumbs,
            node=node,
            tags=course.tags,
            notes=node.notes,
            cards=self.cards(node.notes, url, numbered=True),
            tag_href=lambda k, u=url: relative(u, tag_url(k)),
        )

    def not_found_page(self) -> str:
        """The page a server sends for any missing path, at any depth.

        With a known base URL its links are absolute paths. Without one they are written
        for the site root and the page finds that root in the address it is shown at: the
        folders before the first one the site has (``/course/lessons/gone/`` → ``/course/``),
        else the server's root.
        """
        if self.config.base_url:
            prefix = urlsplit(self.config.base_url).path.rstrip("/") + "/"
            return self.page("404.html", "", prefix=prefix, title="Page not found", crumbs=[])
        folders = set(note_folders(self.vault))
        folders |= {path.split("/", 1)[0] for path in self.index_plan() if "/" in path}
        folders |= {"assets", "pagefind"}
        return self.page(
            "404.html",
            "",
            prefix="",
            title="Page not found",
            crumbs=[],
            site_folders=sorted(unquote(f) for f in folders if f),
        )


def note_folders(vault: ResolvedVault) -> tuple[str, ...]:
    """The top-level folders of the note pages (the 404 page finds the site's root by them)."""
    return tuple(sorted({note.url.split("/", 1)[0] for note in vault.notes.values()}))


def backlink_items(backlinks: list[tuple[PageLink, list[str]]]) -> Markup:
    """The ``li`` items of a note page's "Mentioned in" list: each linking note and the
    sentences around its links. Built here rather than in a template loop, which cost more
    than the rest of the page."""
    items = []
    for link, contexts in backlinks:
        number = f'<span class="number">{_text(link.label)} </span>' if link.label else ""
        quotes = "".join(
            f'<blockquote class="backlink-context">{_text(context)}</blockquote>'
            for context in contexts
        )
        items.append(
            f'      <li><a class="internal" href="{_text(link.href)}">{number}{_text(link.title)}'
            f"</a>\n{quotes}      </li>\n"
        )
    return Markup("".join(items))


def _quotable(context: str) -> bool:
    """A link from a "Links: … Ref: … Tags: …" header paragraph has no sentence worth quoting."""
    return sum(label in context for label in _HEADER_LABELS) < 2


def reading_minutes(text: str) -> int:
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))


def obsidian_url(vault_name: str, path: str) -> str:
    file = path[:-3] if path.lower().endswith(".md") else path
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(file, safe='')}"


def mark_external_links(html: str) -> str:
    """External links open safely and carry a marker class for the little arrow."""

    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not _EXTERNAL_HREF.search(tag):
            return tag
        if " rel=" not in tag:
            tag = tag[:2] + ' rel="noopener noreferrer"' + tag[2:]
        if ' class="' in tag:
            return tag.replace(' class="', ' class="external ', 1)
        return tag[:2] + ' class="external"' + tag[2:]

    return _ANCHOR_START.sub(mark, html)


def _text(text: str) -> str:
    """``text`` escaped for HTML exactly as Jinja's autoescape does, for plain strings."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def shared_page_inputs(vault: ResolvedVault, course: Course) -> Any:
    """Inputs every page shows: course title, sidebar, api base."""
    sidebar = tuple(
        (
            chapter.number,
            chapter.title,
            tuple(
                (
                    lesson.index,
                    lesson.label,
                    lesson.path,
                    vault.notes[lesson.path].title,
                    vault.notes[lesson.path].url,
                    tuple(vault.notes[lesson.path].exercises),
                )
                for lesson in chapter.lessons
            ),
        )
        for chapter in course.chapters
    )
    return (course.title, course.home, vault.config, sidebar, has_tryits(vault))


def has_tryits(vault: ResolvedVault) -> bool:
    """Whether a page shows a try-it or exercise panel: then every page has the API control."""
    if vault.tryit_notes is not None:
        return bool(vault.tryit_notes)
    return any(note.tryits for note in vault.notes.values())


def page_inputs(vault: ResolvedVault, course: Course, note: Note) -> Any:
    """Everything the page of ``note`` shows besides the shared inputs."""

    def shown(path: str | None) -> Any:
        if path is None or path not in vault.notes:
            return None
        other = vault.notes[path]
        lesson = course.lesson(path)
        return (path, other.title, other.url, lesson, other.description)

    lesson = course.lesson(note.path)
    chapter = course.chapter(lesson.chapter) if lesson else None
    prev_lesson = course.previous(note.path)
    next_lesson = course.next(note.path)
    backlinks = tuple((b, shown(b.source)) for b in vault.backlinks.get(note.path, []))
    tags = tuple((t, vault.tag_names.get(t.lower())) for t in note.tags)
    exercises: Any = None
    if note.path == course.home:
        exercises = tuple(tuple(vault.notes[item.path].exercises) for item in course.lessons)
    return (
        note,
        lesson,
        (chapter.number, chapter.title) if chapter else None,
        shown(prev_lesson.path if prev_lesson else None),
        shown(next_lesson.path if next_lesson else None),
        len(course.lessons),
        backlinks,
        tags,
        exercises,
    )
