"""The search box in a real browser: sections under each page, lesson numbers and chapters,
more results on demand, the closest titles when nothing matches."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.browsing import served_site  # noqa: E402

pytestmark = pytest.mark.browser

FILLER = "\n\n".join(f"Line {n} about something else entirely." for n in range(30))

VAULT = {
    "index.md": "# Search course\n\n## 1. Getting started\n\n- [[Intro]]\n\n"
                "## 2. Talking to services\n\n- [[Basics]]\n- [[Resilient clients]]\n",
    "Intro.md": "# Intro\n\nWelcome.\n",
    "Basics.md": "# Basics\n\nNothing here.\n",
    "Resilient clients.md": "# Resilient clients\n\nCalls fail.\n\n"
                            f"## Timeouts\n\nSet them.\n\n{FILLER}\n\n"
                            "## Retries\n\nRetry with exponential backoff and jitter.\n",
    **{f"concepts/Quokka {n}.md": f"# Quokka {n}\n\nA quokka note, number {n}.\n"
       for n in range(11)},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = {f"vault/{rel}": text for rel, text in VAULT.items()}
    with served_site(tmp_path_factory.mktemp("search-ui"), files) as url:
        yield url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site + "/intro/")
    yield page
    context.close()
    assert errors == []


def test_search_section_result_lands_on_its_heading(page: Page, site: str,
                                                    artifacts_dir: Path) -> None:
    page.locator("#search-input").fill("backoff")
    result = page.locator(".search-result").first
    expect(result.locator(".search-result-number")).to_have_text("2.2")
    expect(result).to_contain_text("Resilient clients")
    expect(result.locator(".search-result-chapter")).to_have_text("Talking to services")
    section = page.locator(".search-sub").first
    expect(section.locator(".search-sub-title")).to_have_text("Retries")
    expect(section.locator("mark")).to_have_text("backoff")
    page.screenshot(path=str(artifacts_dir / "search-sections.png"))
    section.click()
    page.wait_for_url(site + "/resilient-clients/#retries")
    heading = page.locator("h2#retries")
    expect(heading).to_be_in_viewport()


def test_search_section_by_keyboard(page: Page, site: str) -> None:
    page.keyboard.press("/")
    page.keyboard.type("backoff")
    expect(page.locator(".search-sub")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".search-sub")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/resilient-clients/#retries")


def test_search_shows_more_results_on_demand(page: Page) -> None:
    page.locator("#search-input").fill("quokka")
    expect(page.locator(".search-result")).to_have_count(8)
    more = page.locator(".search-more")
    expect(more).to_have_text("Show 3 more of 3 results")
    more.click()
    expect(page.locator(".search-result")).to_have_count(11)
    expect(page.locator(".search-more")).to_have_count(0)
    expect(page.locator("#search-results")).to_be_visible()


def test_search_nothing_found_suggests_the_closest_titles(page: Page, site: str) -> None:
    page.locator("#search-input").fill("reslient")
    expect(page.locator(".search-empty")).to_have_text("No results for “reslient”")
    suggestion = page.locator(".search-suggestion").first
    expect(suggestion).to_have_text("2.2 Resilient clients")
    suggestion.click()
    page.wait_for_url(site + "/resilient-clients/")
