"""Golden fixtures: one ``tests/generator/fixtures/<plugin>.md`` per syntax, rendered in full."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from generator.markdown.factory import create_markdown
from generator.markdown.hooks import LinkTarget, PlainHooks

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLUGINS = [
    "wikilinks",
    "embeds",
    "callouts",
    "tags",
    "comments",
    "htmlcomments",
    "blockrefs",
    "tasks",
    "headings",
    "code",
    "math",
    "highlights",
    "footnotes",
    "frontmatter",
    "markdown",
]


class FixtureHooks(PlainHooks):
    """Plain hooks, except that notes named ``Unwritten…`` do not exist yet."""

    def link(self, target: str, fragment: str, line: int) -> LinkTarget:
        if target.lower().startswith("unwritten"):
            return LinkTarget(href=None, reason="no such note")
        return super().link(target, fragment, line)


CASES = [
    pytest.param(plugin, line, source, expected, id=f"{plugin}-{line}-{title}")
    for plugin in PLUGINS
    for line, title, source, expected in read_fixture_file(FIXTURES / f"{plugin}.md")
]


@pytest.mark.parametrize(("plugin", "line", "source", "expected"), CASES)
def test_fixture_renders_as_golden_html(plugin: str, line: int, source: str, expected: str) -> None:
    md = create_markdown()
    assert md.render(source, {"hooks": FixtureHooks()}) == expected


def test_fixture_files_each_cover_their_plugin() -> None:
    for plugin in PLUGINS:
        assert len(read_fixture_file(FIXTURES / f"{plugin}.md")) >= 2, plugin
