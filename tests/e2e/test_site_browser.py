"""The built course site in a real browser (Debian chromium), served from a sub-path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "generator"))
from conftest import QuietHandler, require_binary, static_server  # noqa: E402
from site_fixture import COURSE_VAULT  # noqa: E402

from generator.search import build_search_index  # noqa: E402

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _SiteHandler(QuietHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # As nginx's `error_page 404 /course/404.html`: the site's own page, at any depth.
        page = Path(self.directory) / "course" / "404.html"
        if code != 404 or not self.path.startswith("/course/") or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the fixture course with the real CLI into www/course/ and serve www/."""
    base = tmp_path_factory.mktemp("browser")
    vault = base / "vault"
    for rel, text in COURSE_VAULT.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
    www = base / "www"
    www.mkdir()
    build = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "coursegen"), "build", str(vault), "-o", str(www / "course")],
        capture_output=True, text=True, cwd=base, check=False,
    )
    assert (www / "course" / "index.html").is_file(), build.stdout + build.stderr
    # The same site with its search index split in two shards, as big sites get.
    sharded = www / "sharded"
    shutil.copytree(www / "course", sharded)
    shutil.rmtree(sharded / "pagefind")
    pages = {p.relative_to(sharded).as_posix(): p.read_bytes() for p in sharded.rglob("*.html")}
    for rel, data in build_search_index(pages, shards=2).items():
        (sharded / rel).parent.mkdir(parents=True, exist_ok=True)
        (sharded / rel).write_bytes(data)
    with static_server(www, _SiteHandler) as url:
        yield url + "/course/"


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Browser]:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="light", reduced_motion="reduce")
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    # Only the site itself must load; the try-it panels may probe an API that is not running.
    tab.on("requestfailed", lambda request: errors.append(f"failed: {request.url}")
           if request.url.startswith(site_url) else None)
    yield tab
    context.close()
    assert errors == []


def test_site_search_finds_word_and_lands_on_lesson(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.keyboard.press("/")
    page.keyboard.type("zebraword")
    result = page.locator(".search-result").first
    expect(result).to_contain_text("Setup")
    expect(result.locator("mark")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/course/lessons/setup/")
    expect(page.locator("h1")).to_have_text("Setup")


def test_site_search_merges_sharded_index(page: Page, site_url: str) -> None:
    page.goto(site_url.replace("/course/", "/sharded/") + "concepts/")
    page.locator("#search-input").fill("zebraword")
    result = page.locator(".search-result").first
    expect(result).to_contain_text("Setup")  # Setup's page is in the second shard
    result.click()
    page.wait_for_url("**/sharded/lessons/setup/")
    page.locator("#search-input").fill("blocking")
    expect(page.locator(".search-result").first).to_contain_text("Async")  # first shard


def test_site_dark_mode_toggle_persists_after_reload(page: Page, site_url: str) -> None:
    page.goto(site_url + "lessons/setup/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")
    page.locator(".theme-toggle").click()
    expect(html).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"


def test_site_code_example_with_unlexable_text_shows_no_error_box(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + "lessons/pydantic-models/")
    ellipsis = page.locator(".highlight .err", has_text="...")
    expect(ellipsis).to_have_count(1)
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        looks = ellipsis.evaluate(
            """e => { const s = getComputedStyle(e), p = getComputedStyle(e.parentElement);
                      return [s.borderTopStyle, s.color === p.color]; }"""
        )
        assert looks == ["none", True], theme


def test_site_hover_preview_shows_first_paragraph(page: Page, site_url: str) -> None:
    page.goto(site_url + "lessons/why-fastapi/")
    page.locator('.note-body a.internal', has_text="Pydantic models").hover()
    preview = page.locator(".preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Models describe data.")
    page.mouse.move(5, 5)
    expect(preview).to_be_hidden()


def test_site_prev_next_walks_the_whole_course(page: Page, site_url: str) -> None:
    page.goto(site_url)
    titles = []
    while page.locator(".pager-next").count():
        page.locator(".pager-next").click()
        titles.append(page.locator("h1").inner_text())
    assert titles == ["Why FastAPI", "Setup", "Pydantic models"]
    page.locator(".pager-prev").click()
    expect(page.locator("h1")).to_have_text("Setup")


def test_site_local_graph_draws_links_of_the_note(page: Page, site_url: str) -> None:
    page.goto(site_url + "lessons/why-fastapi/")
    nodes = page.locator(".local-graph .graph-node")
    expect(nodes.first).to_be_attached()
    names = sorted(nodes.locator("title").all_text_contents())
    assert names == ["Async", "Pydantic models", "Setup", "Weather course", "Why FastAPI"]


def test_site_progress_ticks_lessons_from_local_storage(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.evaluate("""() => {
        document.querySelector('.lesson').setAttribute('data-exercises', 'a b');
        const progress = {a: {passed: true}, b: {passed: true}};
        localStorage.setItem('coursegen:progress', JSON.stringify(progress));
        document.dispatchEvent(new Event('coursegen:progress'));
    }""")
    expect(page.locator(".lesson").first).to_have_class("lesson done")


def test_site_narrow_screen_menu_opens_sidebar_without_horizontal_scroll(
    page: Page, site_url: str, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site_url + "lessons/why-fastapi/")
    sidebar_link = page.locator("#sidebar a", has_text="Setup")
    expect(sidebar_link).to_be_hidden()
    button = page.locator(".menu-button")
    expect(button).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=str(artifacts_dir / "site-lesson-375.png"), full_page=True)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(sidebar_link).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "site-menu-375.png"))
    page.keyboard.press("Escape")
    expect(sidebar_link).to_be_hidden()
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert overflow == 0


def test_site_screenshots_wide_light_and_dark(
    page: Page, site_url: str, artifacts_dir: Path
) -> None:
    page.goto(site_url + "lessons/why-fastapi/")
    expect(page.locator(".local-graph svg")).to_be_attached()
    page.screenshot(path=str(artifacts_dir / "site-lesson-1280.png"), full_page=True)
    page.locator(".theme-toggle").click()
    page.screenshot(path=str(artifacts_dir / "site-lesson-1280-dark.png"), full_page=True)
    page.goto(site_url + "graph/")
    expect(page.locator(".graph-full svg")).to_be_attached()
    page.screenshot(path=str(artifacts_dir / "site-graph-1280.png"))
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert overflow == 0


def test_site_404_page_deep_below_the_site_is_styled_and_links_home(
    page: Page, site_url: str
) -> None:
    response = page.goto(site_url + "lessons/no/such/page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    # The theme's stylesheet applied (the header is laid out by it), links lead to the root.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") in (
        "flex", "grid")
    outline = page.get_by_role("link", name="course outline")
    assert outline.evaluate("a => a.href") == site_url
    page.locator("#search-input").fill("zebraword")
    page.locator(".search-result").first.click()
    page.wait_for_url("**/course/lessons/setup/")
