"""Reading aids in a real browser: code block headers and copy buttons, heading anchors,
"On this page" following the reader."""

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

HOME = """\
---
title: Reading course
---
# Reading course

## 1. Basics

- [[Code]]
- [[Diagram]]
"""

DIAGRAM = """\
# Diagram

```mermaid
graph LR
  Browser --> nginx --> Gunicorn
```

```mermaid
graph LR
  this is -- not --> - valid [[
```
"""

FILLER = "\n\n".join(f"Paragraph {n} of this section, long enough to take room." for n in range(12))

CODE = f"""\
# Code

The app:

```python
{{{{#include app/main.py:calculate}}}}
```

```python title="settings.py"
DEBUG = True
```

```
plain text block
```

## First steps

{FILLER}

## Second steps

{FILLER}

## Third steps

{FILLER}
"""

APP = """\
import fastapi

api = fastapi.FastAPI()


@api.get("/api/calculate")
def calculate(x: int, y: int = 10) -> dict[str, int]:
    return {"value": x + y}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = {"app/main.py": APP, "vault/index.md": HOME, "vault/Code.md": CODE,
             "vault/Diagram.md": DIAGRAM}
    with served_site(tmp_path_factory.mktemp("reading"), files) as url:
        yield url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site + "/code/")
    page.wait_for_load_state("networkidle")
    # The diagram library is for pages that have a diagram.
    assert not [url for url in requested if "mermaid" in url]
    yield page
    context.close()
    assert errors == []


def clipboard(page: Page) -> str:
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text


def test_code_block_included_names_its_file_and_copy_puts_the_code_on_the_clipboard(
    page: Page, artifacts_dir: Path
) -> None:
    included = page.locator(".code-block").first
    expect(included.locator(".code-file")).to_have_text("app/main.py, lines 6\u20138")
    expect(included.locator(".code-lang")).to_have_text("Python")
    included.get_by_role("button", name="Copy app/main.py, lines 6\u20138").click()
    expect(included.locator(".code-copy")).to_have_text("Copied")
    assert clipboard(page) == (
        '@api.get("/api/calculate")\ndef calculate(x: int, y: int = 10) -> dict[str, int]:\n'
        '    return {"value": x + y}'
    )
    page.screenshot(path=str(artifacts_dir / "code-blocks.png"))


def test_code_block_with_title_and_plain_block_copy_too(page: Page) -> None:
    titled = page.locator(".code-block", has=page.locator(".code-file", has_text="settings.py"))
    titled.locator(".code-copy").click()
    expect(titled.locator(".code-copy")).to_have_text("Copied")
    assert clipboard(page) == "DEBUG = True"
    plain = page.locator(".code-block-bare")
    plain.hover()
    plain.get_by_role("button", name="Copy the code").click()
    assert clipboard(page) == "plain text block"


def test_heading_anchor_copies_a_link_to_its_section(page: Page, site: str) -> None:
    heading = page.locator("h2#second-steps")
    heading.hover()
    heading.get_by_role("link", name="Copy a link to “Second steps”").click()
    expect(page.locator(".copy-toast")).to_have_text("Link to this section copied")
    assert clipboard(page) == site + "/code/#second-steps"
    assert page.evaluate("location.hash") == "#second-steps"


def test_on_this_page_highlights_the_section_being_read(page: Page, artifacts_dir: Path) -> None:
    toc = page.locator(".toc-side")
    expect(toc.locator("a.active")).to_have_text("First steps")
    page.locator("h2#third-steps").evaluate("h => h.scrollIntoView({block: 'start'})")
    expect(toc.locator("a.active")).to_have_text("Third steps")
    expect(toc.locator("a[aria-current=location]")).to_have_count(1)
    page.locator("h2#second-steps").evaluate("h => h.scrollIntoView({block: 'start'})")
    expect(toc.locator("a.active")).to_have_text("Second steps")
    page.screenshot(path=str(artifacts_dir / "toc-follow.png"))


def test_mermaid_block_is_drawn_as_svg_and_redrawn_for_the_dark_theme(
    page: Page, site: str, artifacts_dir: Path
) -> None:
    page.goto(site + "/diagram/")
    diagram = page.locator("pre.mermaid").first
    expect(diagram.locator("svg")).to_be_visible()
    expect(diagram.locator("svg")).to_contain_text("Gunicorn")
    light = diagram.locator("svg").get_attribute("id")
    # A block mermaid cannot read keeps its source, with the reason under it.
    broken = page.locator("pre.mermaid").nth(1)
    expect(broken).to_contain_text("not --> - valid")
    expect(page.locator(".mermaid-error")).to_contain_text("This diagram could not be drawn")
    page.get_by_role("button", name="Dark theme").click()
    expect(diagram.locator("svg")).not_to_have_attribute("id", light or "")
    expect(diagram.locator("svg")).to_contain_text("Gunicorn")
    page.screenshot(path=str(artifacts_dir / "mermaid-dark.png"))
