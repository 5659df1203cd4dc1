"""The theme's Jinja filters: the header lines many vaults open a note with."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.theme import header_lines

HEADER = (
    '<p>Links: <a class="internal" href="../python/">PYTHON</a><br />\n'
    'Ref: <a class="external" href="https://docs.pydantic.dev">docs.pydantic.dev</a><br />\n'
    'Tags: <a class="tag" href="../../tags/python/">#python</a></p>\n'
    "<p>Data validation with type hints.<br />\nSecond line.</p>\n"
)


def test_header_lines_leading_label_paragraph_becomes_a_definition_list() -> None:
    html = HTMLParser(str(header_lines(HEADER)))
    assert [dt.text() for dt in html.css("dl.note-links dt")] == ["Links", "Ref", "Tags"]
    assert html.css_first("dl.note-links dd a.tag") is not None
    # the prose after it is untouched
    prose = html.css_first("p")
    assert prose is not None and prose.text().startswith("Data validation")


def test_header_lines_ordinary_first_paragraph_is_left_alone() -> None:
    prose = "<p>Note: this is a sentence.<br />\nand it goes on.</p>\n"
    assert str(header_lines(prose)) == prose
    heading_first = "<h2>Links: x</h2>\n<p>Links: a<br />\nRef: b</p>\n"
    assert str(header_lines(heading_first)) == heading_first


def test_without_header_lines_leaves_search_only_the_prose() -> None:
    from generator.theme import without_header_lines

    text = HTMLParser(without_header_lines(HEADER)).text()
    assert "Links:" not in text and "Tags:" not in text
    assert text.strip().startswith("Data validation")


def test_header_lines_with_strict_line_breaks_still_become_a_definition_list() -> None:
    # With strictLineBreaks the lines are joined by plain newlines, not <br>.
    strict = HEADER.replace("<br />\n", "\n")
    html = HTMLParser(str(header_lines(strict)))
    assert [dt.text() for dt in html.css("dl.note-links dt")] == ["Links", "Ref", "Tags"]
    prose = "<p>Note: this is a sentence\nthat was wrapped by hand.</p>\n"
    assert str(header_lines(prose)) == prose
