"""``coursegen dev``'s problem overlay in the browser: every problem on every page, with the
paths ``coursegen check`` prints; it folds, closes, and comes back for a new problem."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from watchfiles import Change

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import VaultFactory, require_binary  # noqa: E402
from e2e.test_tryit_browser import CHROMIUM_ARGS  # noqa: E402

from generator.dev.server import DevSession  # noqa: E402
from tests.generator.dev.test_server import free_port  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def session(make_vault: VaultFactory, tmp_path: Path) -> Iterator[DevSession]:
    vault = make_vault({
        "index.md": "# Course\n\n## 1. Start\n\n- [[Lesson]]\n- [[Other]]\n- [[Third]]\n",
        "Lesson.md": "# Lesson\n\nSee [[Nowhere]].\n",
        "Other.md": "# Other\n\nAll fine.\n",
        "Third.md": "# Third\n\nAll fine.\n",
    })
    dev = DevSession(vault, tmp_path / "site", free_port(), None)
    dev.builder.background_search = False
    dev.start()
    yield dev
    dev.stop()


def save(session: DevSession, name: str, text: str) -> None:
    note = session.vault / name
    note.write_text(text, encoding="utf-8")
    session.watch([{(Change.modified, str(note))}])


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(url)
    return page


def test_overlay_problem_of_another_page_shown_foldable_closable_back_when_new(
    browser: Browser, session: DevSession
) -> None:
    page = open_page(browser, f"http://127.0.0.1:{session.port}/other/")
    overlay = page.locator("#coursegen-overlay")
    # The broken link is in Lesson.md, not on this page; named as `coursegen check` names it.
    expect(overlay).to_contain_text(f"{session.vault.as_posix()}/Lesson.md:3: ")
    expect(overlay).to_contain_text("1 problem in the vault")

    fold = overlay.locator(".coursegen-overlay-fold")
    fold.click()
    expect(overlay.locator(".coursegen-overlay-list")).to_be_hidden()
    fold.click()
    expect(overlay.locator(".coursegen-overlay-list")).to_be_visible()

    overlay.get_by_role("button", name="Close").click()
    expect(overlay).to_have_count(0)
    page.reload()  # the same problems: it stays closed
    page.wait_for_load_state("load")
    expect(overlay).to_have_count(0)

    save(session, "Third.md", "# Third\n\nSee [[Elsewhere]].\n")
    expect(overlay).to_contain_text(f"{session.vault.as_posix()}/Third.md:3: ")
    expect(overlay).to_contain_text("2 problems in the vault")
    page.context.close()


def test_overlay_goes_away_when_every_problem_is_fixed(
    browser: Browser, session: DevSession
) -> None:
    page = open_page(browser, f"http://127.0.0.1:{session.port}/lesson/")
    overlay = page.locator("#coursegen-overlay")
    expect(overlay).to_contain_text("(1 on this page)")
    save(session, "Lesson.md", "# Lesson\n\nSee [[Other]].\n")
    expect(overlay).to_have_count(0)
    page.context.close()


def test_dev_page_links_to_its_note_in_obsidian(browser: Browser, session: DevSession) -> None:
    page = open_page(browser, f"http://127.0.0.1:{session.port}/other/")
    link = page.get_by_role("link", name="Open in Obsidian")
    expect(link).to_have_attribute(
        "href", f"obsidian://open?vault={session.vault.name}&file=Other"
    )
    page.context.close()
