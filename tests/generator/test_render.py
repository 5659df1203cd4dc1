"""The rendered pages, read back with an HTML parser: what a student sees on each page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from site_fixture import build_course_site  # before generator: fixes its import

from generator.build import BuildOptions, BuildResult, assemble
from generator.course import build_course
from generator.model import CourseConfig, Heading, Link, Note, ResolvedVault
from generator.render import mark_external_links, obsidian_url, render_site
from tests.conftest import VaultFactory


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_course_site(tmp_path_factory.mktemp("course") / "vault")


def page(site: BuildResult, path: str) -> HTMLParser:
    return HTMLParser(site.files[path].decode("utf-8"))


def texts(tree: HTMLParser, selector: str) -> list[str]:
    return [" ".join(node.text().split()) for node in tree.css(selector)]


def test_render_sidebar_lists_chapters_and_numbered_lessons_in_order(site: BuildResult) -> None:
    tree = page(site, "index.html")
    assert texts(tree, ".chapter-title") == ["1. Getting started", "2. Going further"]
    assert texts(tree, ".lesson a") == ["1.1 Why FastAPI", "1.2 Setup", "2.1 Pydantic models"]


def test_render_home_outline_shows_lesson_numbers(site: BuildResult) -> None:
    tree = page(site, "index.html")
    assert texts(tree, ".note-body li") == ["1.1 Why FastAPI", "1.2 Setup", "2.1 Models",
                                            "Not written lesson"]
    assert texts(tree, ".note-body li span.unresolved") == ["Not written lesson"]


def test_render_lesson_page_marks_current_lesson_and_shows_its_number(site: BuildResult) -> None:
    tree = page(site, "lessons/setup/index.html")
    current = tree.css('.sidebar [aria-current="page"]')
    assert [" ".join(n.text().split()) for n in current] == ["1.2 Setup"]
    assert "Lesson 1.2" in tree.css_first(".lesson-label").text()
    assert texts(tree, ".breadcrumb li") == ["Weather course", "1. Getting started"]


def test_render_prev_next_follow_the_course_across_chapters(site: BuildResult) -> None:
    tree = page(site, "lessons/setup/index.html")
    assert tree.css_first(".pager-prev").attributes["href"] == "../../lessons/why-fastapi/"
    assert tree.css_first(".pager-next").attributes["href"] == "../../lessons/pydantic-models/"
    assert "2.1 Pydantic models" in tree.css_first(".pager-next").text()
    last = page(site, "lessons/pydantic-models/index.html")
    assert last.css_first(".pager-next") is None
    home = page(site, "index.html")
    assert home.css_first(".pager-next").attributes["href"] == "lessons/why-fastapi/"


def test_render_backlinks_show_linking_note_and_sentence(site: BuildResult) -> None:
    tree = page(site, "lessons/why-fastapi/index.html")
    items = tree.css(".backlinks li")
    sources = [" ".join(li.css_first("a").text().split()) for li in items]
    assert sources[0] == "1.2 Setup"  # lessons first, in course order
    assert "Weather course" in sources
    assert "Back to Why FastAPI for the reasons." in texts(tree, ".backlink-context")


def test_render_note_without_backlinks_says_so(site: BuildResult) -> None:
    tree = page(site, "concepts/orphan/index.html")
    assert tree.css(".backlinks li") == []
    assert tree.css_first(".backlinks .empty").text() == "No other note links here yet."


def test_render_unresolved_link_is_a_styled_span_not_a_link(site: BuildResult) -> None:
    tree = page(site, "lessons/why-fastapi/index.html")
    span = tree.css_first(".note-body span.unresolved")
    assert span is not None and span.text() == "Nowhere yet"
    assert span.attributes["title"] == "not written yet"
    css = next(v for k, v in site.files.items() if re.fullmatch(r"assets/site\.\w+\.css", k))
    assert b".unresolved {" in css


def test_render_external_links_get_rel_and_marker(site: BuildResult) -> None:
    tree = page(site, "lessons/why-fastapi/index.html")
    link = tree.css_first('.note-body a[href^="https://"]')
    assert link.attributes["rel"] == "noopener noreferrer"
    assert "external" in (link.attributes["class"] or "").split()
    internal = tree.css_first(".note-body a.internal")
    assert "rel" not in internal.attributes


def test_render_toc_lists_h2_and_h3(site: BuildResult) -> None:
    tree = page(site, "lessons/why-fastapi/index.html")
    assert texts(tree, ".toc-side li") == ["Speed", "Benchmarks"]
    assert [n.attributes["href"] for n in tree.css(".toc-side a")] == ["#speed", "#benchmarks"]


def test_render_page_has_landmarks_skip_link_and_reading_time(site: BuildResult) -> None:
    tree = page(site, "lessons/why-fastapi/index.html")
    for selector in ("header", "nav#sidebar", "main#content", "aside", "footer"):
        assert tree.css_first(selector) is not None, selector
    assert tree.css_first("a.skip-link").attributes["href"] == "#content"
    assert tree.css_first(".reading-time").text() == "1 min read"
    assert tree.css_first("h1.note-title").text() == "Why FastAPI"
    assert len(tree.css(".note-body h1")) == 0  # the repeated "# Why FastAPI" is dropped


def test_render_tags_pages_list_notes_and_nested_children(site: BuildResult) -> None:
    tree = page(site, "tags/lang/index.html")
    assert texts(tree, ".tag-children a") == ["#lang/python"]
    python = page(site, "tags/lang/python/index.html")
    assert texts(python, ".tag-children a") == ["#lang/python/typing"]
    assert texts(python, ".card-list a") == ["1.1 Why FastAPI", "Async"]  # lessons first
    index = page(site, "tags/index.html")
    assert "#lang/python/typing" in texts(index, ".tag-tree a")
    lesson = page(site, "lessons/why-fastapi/index.html")
    assert [a.attributes["href"] for a in lesson.css(".note-tags a")] == [
        "../../tags/course/", "../../tags/lang/python/"]


def test_render_concepts_index_lists_notes_outside_outline(site: BuildResult) -> None:
    tree = page(site, "concepts/index.html")
    assert texts(tree, ".card-list > li > a") == ["Async", "Intro", "Orphan"]
    assert "Coroutines and the event loop." in texts(tree, ".card p")
    assert page(site, "concepts/async/index.html").css_first(".lesson-label").text() == "Concept"


def test_render_content_index_matches_output_contract(site: BuildResult) -> None:
    data = json.loads(site.files["content-index.json"])
    assert data["version"] == 1
    why = data["notes"]["lessons/why-fastapi"]
    assert set(why) == {"title", "source", "url", "tags", "aliases", "links", "backlinks",
                        "headings", "lesson"}
    assert why["source"] == "lessons/Why FastAPI.md"
    assert why["url"] == "lessons/why-fastapi/"
    assert why["lesson"] == {"chapter": 1, "number": 1}
    assert why["links"] == ["lessons/pydantic-models", "concepts/async"]
    assert sorted(why["backlinks"]) == ["index", "lessons/setup"]
    assert {"level": 2, "text": "Speed", "id": "speed"} in why["headings"]
    assert data["notes"]["concepts/async"]["lesson"] is None
    # public: the notes only; the outline problem this course has is for `check` to report
    assert set(data) == {"version", "notes"}
    assert "course.outline-unresolved" in {d.code for d in site.diagnostics}


def test_render_search_box_and_index_are_built(site: BuildResult) -> None:
    assert "pagefind/pagefind.js" in site.files
    assert any(name.startswith("pagefind/index/") for name in site.files)
    tree = page(site, "lessons/setup/index.html")
    search = tree.css_first("#search-input")
    assert search.attributes["data-pagefind"] == "../../pagefind/pagefind.js"
    assert tree.css_first("[data-pagefind-body]") is not None


def test_render_assets_are_content_hashed_and_referenced_relatively(site: BuildResult) -> None:
    tree = page(site, "lessons/setup/index.html")
    css = [n.attributes["href"] for n in tree.css('link[rel="stylesheet"]')]
    assert css and all(h.startswith("../../assets/") for h in css)  # type: ignore[union-attr]
    for href in css:
        assert href is not None and href.removeprefix("../../") in site.files


def test_render_site_without_tryits_has_no_api_control_and_loads_no_tryit_script(
    site: BuildResult,
) -> None:
    for name in ("index.html", "lessons/setup/index.html", "tags/index.html"):
        tree = page(site, name)
        assert tree.css_first(".api-control") is None
        sources = [n.attributes.get("src") or "" for n in tree.css("script[src]")]
        styles = [n.attributes.get("href") or "" for n in tree.css('link[rel="stylesheet"]')]
        assert sources and not any("tryit" in src for src in sources)
        assert not any("tryit" in href for href in styles)


def test_render_one_tryit_puts_the_api_control_on_every_page(make_vault: VaultFactory) -> None:
    vault = make_vault({
        "index.md": "---\ntitle: Course\napi_base: http://127.0.0.1:9000\n---\n## One\n\n"
                    "- [[Lesson]]\n",
        "Lesson.md": "# Lesson\n\n```tryit\nGET /api/health\n```\n",
        "Other.md": "# Other\n\nEmbeds the lesson: ![[Lesson]] #topic\n",
        "Plain.md": "# Plain\n\nNo panel here.\n",
    })
    result = assemble(BuildOptions(vault=vault, cache_dir=None))
    for name in ("index.html", "lesson/index.html", "other/index.html", "plain/index.html",
                 "tags/topic/index.html", "concepts/index.html"):
        tree = HTMLParser(result.files[name].decode())
        assert tree.css_first(".api-control").attributes["data-api-base"] == (
            "http://127.0.0.1:9000"), name
        assert any("tryit" in (n.attributes.get("src") or "") for n in tree.css("script[src]"))
    notes = result.resolved.notes
    assert [p for p in sorted(notes) if notes[p].tryits] == ["Lesson.md", "Other.md"]


def test_render_open_in_obsidian_link_encodes_vault_and_path() -> None:
    assert obsidian_url("My notes", "lessons/Why FastAPI.md") == (
        "obsidian://open?vault=My%20notes&file=lessons%2FWhy%20FastAPI")


def test_mark_external_links_keeps_existing_class_and_skips_internal() -> None:
    html = '<a class="x" href="http://a.example/">a</a> <a href="../b/">b</a>'
    assert mark_external_links(html) == (
        '<a rel="noopener noreferrer" class="external x" href="http://a.example/">a</a>'
        ' <a href="../b/">b</a>')


def _hand_vault(base_url: str | None = None) -> ResolvedVault:
    def note(path: str, title: str, slug: str, exercises: list[str]) -> Note:
        return Note(path=path, title=title, slug=slug, url=f"{slug}/" if slug else "",
                    frontmatter={}, aliases=[], tags=[], headings=[], links=[],
                    html="<p>Body text here.</p>", text="Body text here.", description="",
                    exercises=exercises)

    home = note("index.md", "Home", "", [])
    home.headings = [Heading(2, "One", "one", 1)]
    home.links = [Link("[[A]]", "A", "", 2, False, "a.md", in_list=True),
                  Link("[[B]]", "B", "", 3, False, "b.md", in_list=True)]
    return ResolvedVault(
        config=CourseConfig(title="Hand", base_url=base_url), notes={
            "index.md": home, "a.md": note("a.md", "A", "a", ["ex-1", "ex-2"]),
            "b.md": note("b.md", "B", "b", [])},
        attachments={}, backlinks={}, tags={}, tag_names={}, diagnostics=[], home="index.md")


def test_render_site_exercise_ids_feed_sidebar_and_home_progress() -> None:
    vault = _hand_vault()
    course, _ = build_course(vault)
    files = render_site(vault, course, search=False)
    home = HTMLParser(files["index.html"].decode())
    assert [li.attributes["data-exercises"] for li in home.css(".lesson")] == ["ex-1 ex-2", ""]
    summary = home.css_first(".progress-summary")
    assert summary.attributes["data-exercises"] == "ex-1 ex-2"
    assert summary.text() == "0/2 exercises"


def test_render_site_is_deterministic() -> None:
    vault = _hand_vault()
    course, _ = build_course(vault)
    assert render_site(vault, course, search=False) == render_site(vault, course, search=False)


def test_render_site_only_renders_requested_pages_and_site_files() -> None:
    vault = _hand_vault()
    course, _ = build_course(vault)
    files = render_site(vault, course, only={"a/index.html"})
    assert "a/index.html" in files and "b/index.html" not in files and "index.html" not in files
    assert "content-index.json" in files and "concepts/index.html" in files
    assert not any(name.startswith("pagefind/") for name in files)


def test_render_site_sitemap_only_with_base_url(tmp_path: Path) -> None:
    vault = _hand_vault()
    course, _ = build_course(vault)
    assert "sitemap.xml" not in render_site(vault, course, search=False)
    vault = _hand_vault("https://course.example/sub")
    files = render_site(vault, course, search=False)
    sitemap = files["sitemap.xml"].decode()
    assert "<loc>https://course.example/sub/a/</loc>" in sitemap
    assert "<loc>https://course.example/sub/</loc>" in sitemap
    not_found = HTMLParser(files["404.html"].decode())
    assert not_found.css_first(".site-title").attributes["href"] == "/sub/"


def _theme_colours(css: str, selector: str) -> dict[str, str]:
    block = css[css.index(selector + " {"):]
    block = block[: block.index("}")]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("selector", [":root", ':root[data-theme="dark"]'])
def test_theme_colours_text_pairs_meet_aa_contrast(site: BuildResult, selector: str) -> None:
    css = next(v for k, v in site.files.items() if re.fullmatch(r"assets/site\.\w+\.css", k))
    colours = _theme_colours(css.decode(), selector)
    pairs = [("text", "bg"), ("muted", "bg"), ("muted", "bg-soft"), ("link", "bg"),
             ("link", "bg-soft"), ("text", "bg-soft"), ("unresolved", "bg"), ("done", "bg"),
             ("current-text", "current-bg"), ("current-text", "accent-soft"), ("accent", "bg")]
    pairs += [(f"c-{kind}", "bg-soft") for kind in
              ("note", "tip", "success", "question", "warning", "danger", "example", "quote")]
    low = {f"{fg} on {bg}": round(_contrast(colours[fg], colours[bg]), 2) for fg, bg in pairs
           if _contrast(colours[fg], colours[bg]) < 4.5}
    assert low == {}


def test_render_vault_without_outline_has_a_sidebar_of_links_only(make_vault: VaultFactory) -> None:
    vault = make_vault({"index.md": "# Garden\n\nWelcome.\n", "Note.md": "# Note\n"})
    result = assemble(BuildOptions(vault=vault, cache_dir=None))
    sidebar = HTMLParser(result.files["note/index.html"].decode()).css_first("#sidebar")
    assert sidebar.css_first(".chapters") is None
    assert [a.text() for a in sidebar.css("a")] == ["Concepts", "Tags", "Graph"]


def test_render_backlink_from_header_lines_shows_the_linking_notes_description(
    make_vault: VaultFactory,
) -> None:
    vault = make_vault({
        "index.md": "# Home\n",
        "Pydantic.md": "# Pydantic\n",
        "Nested.md": "---\ndescription: Models inside models.\n---\n"
                     "Links: [[Home]]\nRel: [[Pydantic]]\n\n# Nested\n\nNo mention below.\n",
        "Bare.md": "---\n---\nLinks: [[Home]]\nRel: [[Pydantic]]\n\n# Bare\n",
    })
    result = assemble(BuildOptions(vault=vault, cache_dir=None))
    tree = HTMLParser(result.files["pydantic/index.html"].decode())
    items = {" ".join(li.css_first("a").text().split()): texts(li, ".backlink-context")
             for li in tree.css(".backlinks li")}
    assert items == {"Nested": ["Models inside models."], "Bare": []}


def test_render_block_embed_header_names_the_note_not_the_block_id(
    make_vault: VaultFactory,
) -> None:
    vault = make_vault({
        "index.md": "# Home\n\n![[Verbs#^safe-verbs]]\n\n![[Verbs#Methods]]\n",
        "Verbs.md": "# Verbs\n\n## Methods\n\nGET changes nothing. ^safe-verbs\n",
    })
    result = assemble(BuildOptions(vault=vault, cache_dir=None))
    tree = HTMLParser(result.files["index.html"].decode())
    assert texts(tree, ".embed-title") == ["Verbs", "Verbs › Methods"]
