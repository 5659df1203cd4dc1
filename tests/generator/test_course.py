"""The outline in the home note becomes chapters, numbered lessons, prev/next and concepts."""

from __future__ import annotations

from generator.course import build_course, chapter_title, tag_url
from generator.model import CourseConfig, Heading, Link, Note, ResolvedVault


def _note(path: str, title: str, *, headings: list[Heading] | None = None,
          links: list[Link] | None = None, slug: str | None = None) -> Note:
    slug = slug if slug is not None else path[:-3].lower().replace(" ", "-")
    return Note(
        path=path, title=title, slug=slug, url=f"{slug}/" if slug else "", frontmatter={},
        aliases=[], tags=[], headings=headings or [], links=links or [], html="<p>x</p>",
        text="x", description="",
    )


def _lesson_link(target: str, line: int, resolved: str | None) -> Link:
    return Link(raw=f"[[{target}]]", target=target, fragment="", line=line, embed=False,
                resolved=resolved, in_list=True)


def _vault(notes: list[Note], tags: dict[str, list[str]] | None = None) -> ResolvedVault:
    return ResolvedVault(
        config=CourseConfig(title="Test course"),
        notes={n.path: n for n in notes},
        attachments={},
        backlinks={},
        tags=tags or {},
        tag_names={k: k for k in (tags or {})},
        diagnostics=[],
        home="index.md",
    )


def _outline_vault() -> ResolvedVault:
    home = _note(
        "index.md", "Home", slug="",
        headings=[Heading(2, "1. Why FastAPI", "why", 3), Heading(2, "Second steps", "second", 8)],
        links=[
            # prose before the first chapter, and an embed in a list: neither is a lesson
            Link("[[Intro]]", "Intro", "", 1, False, "intro.md", in_list=False),
            _lesson_link("Why", 4, "why.md"),
            _lesson_link("Setup", 5, "setup.md"),
            Link("![[Setup]]", "Setup", "", 6, True, "setup.md", in_list=True),
            _lesson_link("Missing", 9, None),
            _lesson_link("Verbs", 10, "verbs.md"),
        ],
    )
    return _vault([home, _note("why.md", "Why"), _note("setup.md", "Setup"),
                   _note("verbs.md", "Verbs"), _note("intro.md", "Intro"),
                   _note("Zeta.md", "zeta concept")])


def test_build_course_outline_numbers_lessons_in_order() -> None:
    course, _ = build_course(_outline_vault())
    chapters = [(c.number, c.title) for c in course.chapters]
    assert chapters == [(1, "Why FastAPI"), (2, "Second steps")]
    assert [(lesson.path, lesson.label) for lesson in course.lessons] == [
        ("why.md", "1.1"), ("setup.md", "1.2"), ("verbs.md", "2.1")]


def test_build_course_prev_next_walks_the_course() -> None:
    course, _ = build_course(_outline_vault())
    assert course.previous("why.md") is None
    assert course.next("why.md").path == "setup.md"  # type: ignore[union-attr]
    assert course.previous("verbs.md").path == "setup.md"  # type: ignore[union-attr]
    assert course.next("verbs.md") is None
    assert course.next("index.md").path == "why.md"  # type: ignore[union-attr]
    assert course.next("intro.md") is None


def test_build_course_unresolved_outline_link_is_error_with_line() -> None:
    _, diagnostics = build_course(_outline_vault())
    assert [(d.severity, d.code, d.file, d.line) for d in diagnostics] == [
        ("error", "course.outline-unresolved", "index.md", 9)]
    assert "[[Missing]]" in diagnostics[0].message


def test_build_course_notes_outside_outline_are_concepts_by_title() -> None:
    course, _ = build_course(_outline_vault())
    assert course.concepts == ["intro.md", "Zeta.md"]


def test_build_course_duplicate_lesson_keeps_first_and_warns() -> None:
    home = _note("index.md", "Home", slug="", headings=[Heading(2, "One", "one", 1)],
                 links=[_lesson_link("A", 2, "a.md"), _lesson_link("A", 3, "a.md")])
    course, diagnostics = build_course(_vault([home, _note("a.md", "A")]))
    assert [lesson.label for lesson in course.lessons] == ["1.1"]
    assert [d.code for d in diagnostics] == ["course.outline-duplicate"]


def test_build_course_without_home_has_no_lessons() -> None:
    vault = _vault([_note("a.md", "A")])
    vault.home = None
    course, diagnostics = build_course(vault)
    assert course.lessons == [] and course.concepts == ["a.md"] and diagnostics == []


def test_build_course_nested_tags_form_a_tree_with_implied_parents() -> None:
    vault = _vault([_note("a.md", "A"), _note("b.md", "B")],
                   tags={"lang/python": ["a.md"], "lang/python/async": ["b.md"], "web": ["b.md"]})
    course, _ = build_course(vault)
    assert [n.key for n in course.root_tags] == ["lang", "web"]
    assert course.tags["lang"].children == ["lang/python"]
    assert course.tags["lang"].notes == []
    assert course.tags["lang/python"].children == ["lang/python/async"]
    assert course.tags["lang/python"].notes == ["a.md"]


def test_chapter_title_leading_number_is_stripped() -> None:
    assert chapter_title("1. Why FastAPI") == "Why FastAPI"
    assert chapter_title("12) Deploy") == "Deploy"
    assert chapter_title("2 - Pydantic") == "Pydantic"
    assert chapter_title("HTTP 2 basics") == "HTTP 2 basics"
    assert chapter_title("404") == "404"


def test_tag_url_nested_tag_is_one_slug_per_segment() -> None:
    assert tag_url("Lang/Python_3") == "tags/lang/python-3/"
