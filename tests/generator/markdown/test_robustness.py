"""Bad input never raises: garbage, unclosed syntax, huge and deeply nested notes."""

from __future__ import annotations

import random

import pytest

from generator.markdown import factory
from generator.markdown.factory import MAX_NESTING, create_markdown

FRAGMENTS = [
    "[[", "]]", "![[", "|", "\\|", "#", "#tag", "^", "^id", "^[", "[^1]", "[^1]: x", "%%", "==",
    "~~", "$", "$$", "> ", "> [!note]", "[!", "- [x] ", "1. ", "\n", "\n\n", "`", "```", "---\n",
    "| a |", "| - |", "a", " ", "é", "😀", "<div>", "</div>", "*", "_", "(", ")", "]",
]  # fmt: skip


@pytest.mark.parametrize(
    "source",
    [
        "[[",
        "![[",
        "%%",
        "[[]]",
        "![[]]",
        "[[|]]",
        "[[#]]",
        "[[^]]",
        "> [!",
        "> [!]",
        "- [",
        "==",
        "$$",
        "$",
        "^",
        "#",
        "\x00\ufffd\u202e",
        "---\n",
        "---\ntitle: [\n",
    ],
)
def test_markdown_unclosed_syntax_does_not_raise(source: str) -> None:
    html = create_markdown().render(source)
    assert isinstance(html, str)


def test_markdown_random_obsidian_fragments_do_not_raise() -> None:
    md = create_markdown()
    rnd = random.Random(20240607)
    for _ in range(300):
        source = "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 80)))
        md.render(source, {})


def test_markdown_random_bytes_decoded_do_not_raise() -> None:
    md = create_markdown()
    rnd = random.Random(7)
    for _ in range(50):
        data = bytes(rnd.randrange(256) for _ in range(400))
        md.render(data.decode("utf-8", errors="replace"), {})


def test_markdown_ten_thousand_links_in_one_paragraph_all_parse() -> None:
    source = " ".join(f"[[Note {i}|alias {i}]]" for i in range(10_000)) + "\n"
    tokens = create_markdown().parse(source, {})
    (paragraph,) = [t for t in tokens if t.type == "inline"]
    links = [c for c in paragraph.children or [] if c.type == "wikilink"]
    assert len(links) == 10_000
    assert links[-1].meta["target"] == "Note 9999"


def test_markdown_thousands_of_unclosed_brackets_render_as_text() -> None:
    html = create_markdown().render("[[ " * 1_000 + "\n")
    assert html.count("[[") == 1_000


def test_markdown_thousand_nested_quotes_does_not_recurse_too_deep() -> None:
    html = create_markdown().render("> " * 1_000 + "deep\n")
    assert html.count("<blockquote>") <= MAX_NESTING


def test_markdown_thousand_nested_lists_does_not_recurse_too_deep() -> None:
    source = "".join("  " * i + "- item\n" for i in range(1_000))
    html = create_markdown().render(source)
    assert "<li>" in html


def test_markdown_nested_callouts_hundreds_deep_do_not_raise() -> None:
    source = "".join("> " * i + "[!note] t\n" for i in range(1, 300))
    html = create_markdown().render(source)
    assert 'data-callout="note"' in html


def test_markdown_broken_latex_renders_source_not_error() -> None:
    html = create_markdown().render("$\\begin{matrix}$ and $$\\left($$\n")
    assert 'class="math-error"' in html


def test_markdown_instances_are_independent_per_document() -> None:
    md = create_markdown()
    first = md.render("# A\n# A\n")
    second = md.render("# A\n")
    assert 'id="a-1"' in first
    assert 'id="a-1"' not in second


@pytest.mark.parametrize("opener", ["[[", "![[", "[[a|", "^[", "- ["])
def test_markdown_thousands_of_unclosed_brackets_stay_text(opener: str) -> None:
    # Each "[" used to be read on to the end of the paragraph: minutes for a few hundred KB.
    html = create_markdown().render(opener * 20_000 + " [real](https://example.org)")
    assert html.count("[") >= 20_000
    assert ">real</a>" not in html  # past the paragraph's allowance, the last "[" is text too


def test_markdown_links_after_a_few_stray_brackets_still_work() -> None:
    html = create_markdown().render("[1] [2] [[3] " * 50 + "[real](https://example.org)")
    assert '<a href="https://example.org">real</a>' in html


def test_markdown_the_bracket_allowance_is_per_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "MAX_LABEL_SCAN", 1_000)
    text = "[" * 300 + " [a](https://a.example)\n\n[b](https://b.example)"
    html = create_markdown().render(text)
    assert ">a</a>" not in html
    assert '<a href="https://b.example">b</a>' in html
