from __future__ import annotations

import pytest

from generator.frontmatter import read_frontmatter


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
                   for p, c in zip("abcd", "bcde", strict=True)),
         "more than 10,000 values once its &anchors and *aliases are expanded"),
        (f"a: {'[' * 60}1{']' * 60}\n", "lists or mappings nested more than 50 deep"),
        (f"a: &a {'x' * 300_000}\nb: [*a, *a, *a, *a]\n", "more than 1,000,000 characters"),
    ],
)
def test_read_frontmatter_past_a_yaml_limit_is_an_error_and_ignored(
    yaml_text: str, message: str
) -> None:
    result = read_frontmatter("note.md", f"---\ntitle: T\n{yaml_text}---\n# Body\n")
    [problem] = result.diagnostics
    assert (problem.code, problem.severity, problem.line) == ("frontmatter.invalid", "error", 2)
    assert message in problem.message and problem.message.endswith("and was ignored")
    assert result.data == {} and result.body_line > 2


def test_read_frontmatter_within_the_limits_keeps_aliases_and_dates() -> None:
    result = read_frontmatter(
        "note.md", "---\ntags: &t [a, b]\naliases: *t\ncreated: 2024-05-01\n---\n"
    )
    assert result.diagnostics == []
    assert result.data == {"tags": ["a", "b"], "aliases": ["a", "b"], "created": "2024-05-01"}
