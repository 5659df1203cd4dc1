"""Pagefind's own search over our index in chromium: results, excerpts and heading sub-results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import require_binary, static_server
from site_fixture import build_course_site  # before generator: fixes its import

from generator.exports import search_documents
from generator.search import build_search_index

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

# Runs in the page: search with Pagefind's API, merging the extra shards as site.js does.
SEARCH = """async ([root, query]) => {
  window.loaded = window.loaded || {};
  if (!window.loaded[root]) {
    window.loaded[root] = (async () => {
      const pf = await import(root + "pagefind/pagefind.js");
      await pf.options({ baseUrl: root });
      const shards = await (await fetch(root + "pagefind/shards.json")).json();
      for (const folder of shards) {
        await pf.mergeIndex(root + "pagefind/" + folder, { baseUrl: root });
      }
      return pf;
    })();
  }
  const found = await (await window.loaded[root]).search(query);
  const data = await Promise.all(found.results.map((r) => r.data()));
  return data.map((d) => ({
    url: d.url, title: d.meta.title, excerpt: d.excerpt,
    subs: d.sub_results.map((s) => [s.url, s.title]),
  }));
}"""


EMBED_VAULT = {
    "index.md": "# Home\n\n## One\n\n- [[Lesson]]\n",
    "Lesson.md": "# Lesson\n\nIts own word: wombatword.\n\n![[Source#Part]]\n",
    "Source.md": "# Source\n\n## Part\n\nOnly here: quokkaword.\n",
}


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture course built by the pipeline at /one/, and re-indexed in two shards at /two/;
    a small vault with embeds at /embeds/."""
    base = tmp_path_factory.mktemp("search-browser")
    site = build_course_site(base / "vault")
    sharded = {k: v for k, v in site.files.items() if not k.startswith("pagefind/")}
    sharded.update(build_search_index(search_documents(site.resolved), shards=2))
    embeds = build_course_site(base / "embeds-vault", EMBED_VAULT)
    for folder, files in (("one", site.files), ("two", sharded), ("embeds", embeds.files)):
        for rel, data in files.items():
            target = base / "www" / folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    with static_server(base / "www") as url:
        yield url


@pytest.fixture(scope="module")
def page(www: str) -> Iterator[Page]:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.goto(www + "/one/index.html")
        yield tab
        browser.close()


def search(page: Page, root: str, query: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(SEARCH, [root, query])
    return result


@pytest.mark.parametrize("folder", ["one", "two"])
def test_search_word_from_a_code_block_leads_to_its_heading(page: Page, folder: str) -> None:
    results = search(page, f"/{folder}/", "weather")
    lesson = next(r for r in results if r["url"] == f"/{folder}/lessons/why-fastapi/")
    assert lesson["title"] == "Why FastAPI"
    assert [f"/{folder}/lessons/why-fastapi/#benchmarks", "Benchmarks"] in lesson["subs"]


@pytest.mark.parametrize("folder", ["one", "two"])
def test_search_word_inside_a_link_finds_the_section_with_an_excerpt(
    page: Page,
    folder: str,
) -> None:
    results = search(page, f"/{folder}/", "starlette")
    assert [r["url"] for r in results] == [f"/{folder}/lessons/why-fastapi/"]
    assert results[0]["subs"] == [[f"/{folder}/lessons/why-fastapi/#speed", "Speed"]]
    assert "Async and <mark>Starlette" in results[0]["excerpt"]


@pytest.mark.parametrize("folder", ["one", "two"])
def test_search_word_in_inline_code_finds_the_page(page: Page, folder: str) -> None:
    results = search(page, f"/{folder}/", "zebraword")
    assert [(r["url"], r["title"]) for r in results] == [(f"/{folder}/lessons/setup/", "Setup")]


def test_embedded_text_is_found_in_the_note_it_comes_from_only(page: Page) -> None:
    # As in Obsidian's search: the embed shows the text, the source note holds it.
    results = search(page, "/embeds/", "quokkaword")
    assert [r["url"] for r in results] == ["/embeds/source/"]
    assert [r["url"] for r in search(page, "/embeds/", "wombatword")] == ["/embeds/lesson/"]
