from __future__ import annotations

from pathlib import Path

import pytest

from generator.include import (
    IncludeError,
    expand_includes,
    locate_include,
    parse_spec,
    read_include,
)
from tests.conftest import VaultFactory

SOURCE = """import fastapi

# ANCHOR: setup
api = fastapi.FastAPI()
# ANCHOR_END: setup


@api.get("/api/calculate")
def calculate(x: int, y: int = 10) -> dict[str, int]:
    return {"value": x + y}


class Report:
    def total(self) -> int:
        return 1
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_include_function_by_name_keeps_its_decorator(project: Path) -> None:
    text = read_include(project, parse_spec("app/main.py:calculate"))
    assert text.startswith('@api.get("/api/calculate")')
    assert text.rstrip().endswith('return {"value": x + y}')


def test_include_method_by_dotted_name_is_dedented(project: Path) -> None:
    assert read_include(project, parse_spec("app/main.py:Report.total")).startswith("def total")


def test_include_named_region_and_line_range(project: Path) -> None:
    assert read_include(project, parse_spec("app/main.py:setup")) == "api = fastapi.FastAPI()"
    assert read_include(project, parse_spec("app/main.py:1:1")) == "import fastapi"


def test_include_whole_file_drops_anchor_markers(project: Path) -> None:
    text = read_include(project, parse_spec("app/main.py"))
    assert "ANCHOR" not in text and "def calculate" in text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("app/nope.py", "does not exist"),
        ("app/main.py:nothing", "no region"),
        ("app/main.py:50:60", "outside"),
        ("../outside.py", "outside the project"),
        (".venv/lib/x.py", "outside the project"),
    ],
)
def test_include_problems_name_what_is_wrong(project: Path, spec: str, message: str) -> None:
    with pytest.raises(IncludeError, match=message):
        read_include(project, parse_spec(spec))


def test_expand_includes_reports_missing_anchor_as_error_with_line(project: Path) -> None:
    content = "# before\n{{#include app/main.py:missing}}\n"
    text, problems = expand_includes(content, project, "lesson.md", 10)
    assert "# before" in text
    assert len(problems) == 1
    assert problems[0].severity == "error" and problems[0].line == 12
    assert problems[0].code == "include.missing"


def test_render_include_fence_is_a_highlighted_code_block(make_vault: VaultFactory) -> None:
    from generator.build import BuildOptions, assemble

    project = make_vault(
        {
            "app/main.py": SOURCE,
            "notes/index.md": "# Home\n\n```python\n{{#include app/main.py:calculate}}\n```\n",
        }
    )
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    html = result.resolved.notes["index.md"].html
    assert '<pre class="highlight"><code class="language-python">' in html
    assert "calculate" in html and "{{#include" not in html
    assert result.diagnostics == []


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ("app/main.py:calculate", "app/main.py, lines 8\u201310"),
        ("app/main.py:setup", "app/main.py, line 4"),
        ("app/main.py:1:1", "app/main.py, line 1"),
        ("app/main.py:Report.total", "app/main.py, lines 14\u201315"),
        ("app/main.py", "app/main.py"),
    ],
)
def test_include_knows_the_lines_it_shows(project: Path, spec: str, where: str) -> None:
    assert locate_include(project, parse_spec(spec)).where(parse_spec(spec).path) == where


def test_render_include_block_names_its_file_and_lines(make_vault: VaultFactory) -> None:
    from generator.build import BuildOptions, assemble

    project = make_vault(
        {
            "app/main.py": SOURCE,
            "notes/index.md": "# Home\n\n```python\n{{#include app/main.py:calculate}}\n```\n\n"
            '```python title="main.py"\n{{#include app/main.py:setup}}\n```\n',
        }
    )
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    html = result.resolved.notes["index.md"].html
    assert '<span class="code-file">app/main.py, lines 8\u201310</span>' in html
    assert '<span class="code-file">main.py</span>' in html
    assert '<span class="code-lang">Python</span>' in html
