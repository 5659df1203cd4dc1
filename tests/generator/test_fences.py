"""One rule decides which fences the build fills in; parse, render, check and the dev loop
all follow it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import BuildOptions, assemble
from generator.dev.session import LiveSite
from generator.fences import fence_kind
from tests.conftest import VaultFactory

CODE = "def hello() -> str:\n    return 'hello'\n"


@pytest.mark.parametrize(
    ("info", "content", "kind"),
    [
        ("tryit", "GET /api/health\n", "tryit"),
        ("Exercise", "id: e\n", "exercise"),
        ("python", "{{#include app.py}}\n", "include"),
        ("python", "# the greeting\n{{#include app.py:hello}}\n", "include"),
        ("python", "{{#include app.py\n", "include"),
        ("python", "print('{{#include app.py}}')\n", None),
        ("", "plain\n", None),
    ],
)
def test_fence_kind_follows_one_rule(info: str, content: str, kind: str | None) -> None:
    assert fence_kind(info, content) == kind


def test_fence_include_after_a_comment_line_is_filled_in(make_vault: VaultFactory) -> None:
    project = make_vault({
        "app.py": CODE,
        "notes/index.md": "# Home\n\n```python\n# the greeting\n{{#include app.py:hello}}\n```\n",
    })
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    html = result.files["index.html"].decode()
    assert "{{#include" not in html and "hello" in html
    assert result.diagnostics == []
    assert result.parsed["index.md"].special  # never called up to date: it reads app.py


def test_fence_malformed_include_is_an_error_on_its_line(make_vault: VaultFactory) -> None:
    project = make_vault({
        "app.py": CODE,
        "notes/index.md": "# Home\n\n```python\nx = 1\n{{#include app.py\n```\n",
    })
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    [problem] = result.diagnostics
    assert (problem.code, problem.file, problem.line) == ("include.invalid", "index.md", 5)


def test_fence_include_after_a_comment_follows_its_file_in_dev(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    project = make_vault({
        "app.py": CODE,
        "notes/index.md": "# Home\n\n```python\n# the greeting\n{{#include app.py:hello}}\n```\n",
        "notes/Other.md": "# Other\n",
    })
    out = tmp_path / "site"
    builder = LiveSite(BuildOptions(vault=project / "notes", out=out,
                                              cache_dir=None), auto_search=False)
    builder.full_build()
    (project / "app.py").write_text(CODE.replace("'hello'", "'howdy'"), "utf-8")
    (project / "notes" / "Other.md").write_text("# Other\n\nEdited.\n", "utf-8")
    builder.rebuild({project / "notes" / "Other.md"})
    assert "howdy" in (out / "index.html").read_text("utf-8")
    builder.close()
