"""The graph page in a real browser: zoom, pan, drag, neighbours on hover, a click opens the
note, lessons coloured by chapter and by the reader's progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Locator, Page, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.browsing import served_site  # noqa: E402

pytestmark = pytest.mark.browser

VAULT = {
    "index.md": "# Graph course\n\n## 1. Start\n\n- [[Alpha]]\n- [[Beta]]\n\n"
                "## 2. Later\n\n- [[Gamma]]\n",
    "Alpha.md": "# Alpha\n\nSee [[Beta]] and [[Concept]].\n\n```exercise\nid: alpha-one\n"
                "title: Add\ntask: Make it 12.\nstart: GET /api/calculate?x=1\ncheck:\n"
                "  status: 200\n```\n",
    "Beta.md": "# Beta\n\nBack to [[Alpha]].\n",
    "Gamma.md": "# Gamma\n\nAbout [[Concept]].\n",
    "Concept.md": "# Concept\n\nA concept.\n",
    "Loner.md": "# Loner\n\nNo links.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = {f"vault/{rel}": text for rel, text in VAULT.items()}
    with served_site(tmp_path_factory.mktemp("graph"), files) as url:
        yield url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site + "/graph/")
    expect(page.locator(".graph-full")).to_have_attribute("data-settled", "")
    yield page
    context.close()
    assert errors == []


def zoom(page: Page) -> float:
    return float(page.locator(".graph-full").get_attribute("data-zoom") or "nan")


def node(page: Page, slug: str) -> Locator:
    return page.locator(f".graph-full .graph-node[data-slug='{slug}']")


def test_graph_zooms_with_buttons_and_wheel_and_pans(page: Page, artifacts_dir: Path) -> None:
    page.screenshot(path=str(artifacts_dir / "graph-interactive.png"))
    start = zoom(page)
    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator(".graph-full")).not_to_have_attribute("data-zoom", f"{start:.2f}")
    page.wait_for_function(f"+document.querySelector('.graph-full').dataset.zoom >= {start * 1.49}")
    zoomed = zoom(page)
    box = page.locator(".graph-full svg").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.wheel(0, 400)  # scroll down: zoom out
    page.wait_for_function(f"+document.querySelector('.graph-full').dataset.zoom < {zoomed}")
    before = page.locator(".graph-viewport").get_attribute("transform")
    page.mouse.move(box["x"] + 15, box["y"] + box["height"] - 15)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + box["height"] - 60, steps=5)
    page.mouse.up()
    assert page.locator(".graph-viewport").get_attribute("transform") != before


def test_graph_hover_lights_up_the_neighbours(page: Page) -> None:
    node(page, "alpha").hover()
    near = sorted(page.locator(".graph-full .graph-node.near").evaluate_all(
        "nodes => nodes.map(n => n.dataset.slug)"))
    assert near == ["alpha", "beta", "concept", "index"]
    assert "graph-focus" in (page.locator(".graph-full svg").get_attribute("class") or "")


def test_graph_click_opens_the_note(page: Page, site: str) -> None:
    node(page, "gamma").locator("circle").click()
    page.wait_for_url(site + "/gamma/")
    expect(page.locator("h1")).to_have_text("Gamma")


def test_graph_drag_moves_a_note_without_opening_it(page: Page, site: str) -> None:
    circle = node(page, "loner").locator("circle")
    before = (circle.get_attribute("cx"), circle.get_attribute("cy"))
    box = circle.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + 60, steps=6)
    page.mouse.up()
    assert (circle.get_attribute("cx"), circle.get_attribute("cy")) != before
    assert page.url == site + "/graph/"


def test_graph_lessons_coloured_by_chapter_and_progress(page: Page) -> None:
    expect(node(page, "alpha")).to_have_class("graph-node lesson chapter-1 todo")
    expect(node(page, "beta")).to_have_class("graph-node lesson chapter-1")
    expect(node(page, "gamma")).to_have_class("graph-node lesson chapter-2")
    expect(node(page, "concept")).to_have_class("graph-node concept")
    expect(page.locator(".graph-legend")).to_contain_text("Later")
    page.evaluate("localStorage.setItem('coursegen:progress', "
                  "JSON.stringify({'alpha-one': {passed: true}}))")
    page.reload()
    expect(node(page, "alpha")).to_have_class("graph-node lesson chapter-1 done")
