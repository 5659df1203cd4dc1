"""Token contract: the meta fields and lines the parse and resolve stages read."""

from __future__ import annotations

from typing import Any

from markdown_it.token import Token

from generator.markdown.embeds import parse_embed_options
from generator.markdown.factory import create_markdown
from generator.markdown.hooks import LinkTarget, PlainHooks
from generator.markdown.wikilinks import split_link


def inline_children(source: str, env: dict[str, Any] | None = None) -> list[Token]:
    tokens = create_markdown().parse(source, env if env is not None else {})
    return [child for token in tokens if token.children for child in token.children]


def of_type(source: str, kind: str) -> list[Token]:
    return [child for child in inline_children(source) if child.type == kind]


class RecordingHooks(PlainHooks):
    """Plain hooks that remember what the render rules asked."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str, int]] = []
        self.embeds: list[tuple[str, str, str | None, int]] = []
        self.fences: list[tuple[str, str, int]] = []

    def link(self, target: str, fragment: str, line: int) -> LinkTarget:
        self.links.append((target, fragment, line))
        return super().link(target, fragment, line)

    def embed(self, target: str, fragment: str, options: str | None, line: int) -> str:
        self.embeds.append((target, fragment, options, line))
        return "<figure>embedded</figure>"

    def fence(self, info: str, content: str, line: int) -> str | None:
        self.fences.append((info, content, line))
        return '<div class="tryit"></div>\n' if info == "tryit" else None


def test_wikilink_meta_full_form_has_every_contract_field() -> None:
    (link,) = of_type("see [[ folder/Note #H1# H2 | the *note* ]]\n", "wikilink")
    assert link.meta["target"] == "folder/Note"
    assert link.meta["fragment"] == "H1#H2"
    assert link.meta["alias"] == "the *note*"
    assert link.meta["raw"] == "[[ folder/Note #H1# H2 | the *note* ]]"
    assert link.meta["line_offset"] == 0
    assert [child.type for child in link.children or []] == ["text", "em_open", "text", "em_close"]


def test_wikilink_without_alias_has_no_children() -> None:
    (link,) = of_type("[[#^block-1]]\n", "wikilink")
    assert link.meta["target"] == ""
    assert link.meta["fragment"] == "^block-1"
    assert link.meta["alias"] is None
    assert link.children == []


def test_wikilink_line_offset_counts_newlines_in_the_block() -> None:
    source = "# Title\n\nfirst [[A]]\nsecond\nthird [[B]] and [[C]]\n"
    tokens = create_markdown().parse(source, {})
    paragraph = next(t for t in tokens if t.type == "inline" and "[[A]]" in t.content)
    links = [c for c in paragraph.children or [] if c.type == "wikilink"]
    assert [link.meta["line_offset"] for link in links] == [0, 2, 2]
    assert paragraph.map is not None
    assert [paragraph.map[0] + 1 + link.meta["line_offset"] for link in links] == [3, 5, 5]
    assert [link.meta["line"] for link in links] == [3, 5, 5]


def test_callout_body_links_keep_their_source_lines() -> None:
    source = "text\n\n> [!note] About [[Title link]]\n> body\n> more [[Body link]]\n"
    lines = {c.meta["target"]: c.meta["line"] for c in of_type(source, "wikilink")}
    assert lines == {"Title link": 3, "Body link": 5}


def test_table_cell_link_has_its_row_line() -> None:
    source = "| a |\n| - |\n| x |\n| [[Row\\|alias]] |\n"
    (link,) = of_type(source, "wikilink")
    assert (link.meta["target"], link.meta["alias"], link.meta["line"]) == ("Row", "alias", 4)


def test_embed_meta_holds_target_fragment_and_options() -> None:
    (embed,) = of_type("intro\n![[img.png|300x200]]\n", "embed")
    assert embed.meta == {
        "target": "img.png",
        "fragment": "",
        "options": "300x200",
        "raw": "![[img.png|300x200]]",
        "line_offset": 1,
        "line": 2,
    }
    (section,) = of_type("![[Note#Heading]]\n", "embed")
    assert (section.meta["target"], section.meta["fragment"], section.meta["options"]) == (
        "Note",
        "Heading",
        None,
    )


def test_parse_embed_options_reads_sizes_and_alt_text() -> None:
    assert parse_embed_options("300") == (300, None, None)
    assert parse_embed_options("300x200") == (300, 200, None)
    assert parse_embed_options("a cat") == (None, None, "a cat")
    assert parse_embed_options(None) == (None, None, None)


def test_split_link_drops_the_backslash_of_an_escaped_pipe() -> None:
    assert split_link("Note\\|alias") == ("Note", "", "alias")
    assert split_link("Note#H1#H2") == ("Note", "H1#H2", None)


def test_tag_meta_keeps_author_case() -> None:
    (tag,) = of_type("line one\nwith #Nested/Tag\n", "tag")
    assert tag.meta == {"tag": "Nested/Tag", "line_offset": 1, "line": 2}


def test_callout_tokens_carry_type_title_and_fold() -> None:
    tokens = create_markdown().parse("> [!FAQ]- Why *so*?\n> body\n", {})
    opening = next(t for t in tokens if t.type == "callout_open")
    assert opening.meta == {"type": "question", "title": "Why *so*?", "fold": "-"}
    assert sum(t.type == "callout_close" for t in tokens) == 1
    untitled = next(t for t in create_markdown().parse("> [!tldr]\n", {}) if t.meta)
    assert untitled.meta == {"type": "abstract", "title": "Tldr", "fold": ""}


def test_block_ids_are_meta_on_the_opening_token() -> None:
    tokens = create_markdown().parse("Para ^p1\n\n- item ^i1\n", {})
    owners = {t.type: t.meta["block_id"] for t in tokens if "block_id" in t.meta}
    assert owners == {"paragraph_open": "p1", "list_item_open": "i1"}


def test_heading_tokens_carry_unique_ids_and_text() -> None:
    tokens = create_markdown().parse("# Setup\n## Set up!\n# Setup\n", {})
    headings = [(t.meta["heading_id"], t.meta["heading_text"]) for t in tokens if t.meta]
    assert headings == [("setup", "Setup"), ("set-up", "Set up!"), ("setup-1", "Setup")]


def test_task_status_is_meta_on_the_list_item() -> None:
    tokens = create_markdown().parse("- [/] half\n- plain\n", {})
    items = [t.meta.get("task") for t in tokens if t.type == "list_item_open"]
    assert items == ["/", None]


def test_render_rules_pass_source_lines_to_hooks() -> None:
    hooks = RecordingHooks()
    source = "# T\n\n[[A#B]]\n\n![[pic.png|100]]\n\n```tryit\nGET /api\n```\n"
    html = create_markdown().render(source, {"hooks": hooks})
    assert hooks.links == [("A", "B", 3)]
    assert hooks.embeds == [("pic.png", "", "100", 5)]
    assert hooks.fences == [("tryit", "GET /api\n", 7)]
    assert '<div class="tryit"></div>' in html
    assert "<figure>embedded</figure>" in html
    assert "<p><figure>" not in html


def test_render_without_hooks_uses_plain_hooks() -> None:
    html = create_markdown().render("[[Note]] #tag\n")
    assert 'href="Note"' in html
    assert 'href="tags/tag/"' in html


def test_links_inside_comments_and_code_produce_no_tokens() -> None:
    source = "`[[A]]` %%[[B]] #c%%\n\n```\n[[D]]\n```\n\n%%\n[[E]]\n%%\n"
    kinds = {c.type for c in inline_children(source)}
    assert not kinds & {"wikilink", "tag", "embed"}
