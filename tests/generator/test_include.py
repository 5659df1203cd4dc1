from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic
from generator.include import (
    IncludeError,
    IncludeRefused,
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
        (".venv/lib/x.py", "'.venv' is a dot-folder"),
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


SECRET = "OWM-KEY-5f1e2d3c4b5a69788796a5b4c3d2e1f0"


def _build_site(vault: Path, out: Path) -> tuple[list[Diagnostic], dict[str, bytes]]:
    from generator.build import BuildOptions, build

    result = build(BuildOptions(vault=vault, out=out, cache_dir=None))
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return result.diagnostics, files


def _fence(*includes: str) -> str:
    lines = "\n".join(f"{{{{#include {spec}}}}}" for spec in includes)
    return f"# Home\n\n```text\n{lines}\n```\n"


@pytest.mark.parametrize(
    ("spec", "rule"),
    [
        (".env", "'.env' is a dot-file"),
        (".env.production", "'.env.production' is a dot-file"),
        ("deploy/server.pem", "looks like a key or credentials (*.pem)"),
        ("deploy/tls.KEY", "looks like a key or credentials (*.key)"),
        ("deploy/id_ed25519", "looks like a key or credentials (id_*)"),
        ("deploy/credentials", "looks like a key or credentials (credentials)"),
        ("private/notes.py", "'private/notes.py' is ignored by the .gitignore"),
        ("app/local_settings.py", "'app/local_settings.py' is ignored by the .gitignore"),
        ("../outside.txt", "outside the project folder"),
    ],
)
def test_include_of_a_private_file_is_refused_and_never_published(
    tmp_path: Path, spec: str, rule: str
) -> None:
    project = tmp_path / "project"
    files = {
        ".env": f"OPENWEATHERMAP_API_KEY={SECRET}\n",
        ".env.production": SECRET,
        "deploy/server.pem": SECRET,
        "deploy/tls.KEY": SECRET,
        "deploy/id_ed25519": SECRET,
        "deploy/credentials": SECRET,
        ".gitignore": "private/\n",
        "private/notes.py": SECRET,
        "app/.gitignore": "local_*.py\n",
        "app/local_settings.py": SECRET,
        "app/main.py": SOURCE,
        "notes/index.md": _fence("app/main.py:calculate", spec),
    }
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")

    diagnostics, site = _build_site(project / "notes", tmp_path / "site")

    [problem] = diagnostics
    assert (problem.severity, problem.code, problem.line) == ("error", "include.refused", 5)
    assert rule in problem.message and problem.hint and ".gitignore" in problem.hint
    assert "def calculate" in site["index.html"].decode()  # the project's own file still is
    assert not [name for name, data in site.items() if SECRET.encode() in data]
    assert SECRET not in f"{problem.message} {problem.hint}"


def test_include_with_the_vault_in_a_home_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for rel in (".ssh/id_ed25519", ".aws/credentials", "Documents/taxes.txt"):
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(SECRET, encoding="utf-8")
    vault = home / "MyVault"
    vault.mkdir()
    (vault / "index.md").write_text(
        _fence(".ssh/id_ed25519", ".aws/credentials", "Documents/taxes.txt"), encoding="utf-8"
    )

    diagnostics, site = _build_site(vault, tmp_path / "site")

    assert [(d.code, d.line) for d in diagnostics] == [("include.refused", n) for n in (4, 5, 6)]
    assert all("is your home folder" in d.message for d in diagnostics)
    assert not [name for name, data in site.items() if SECRET.encode() in data]


def test_include_through_a_symlink_to_a_secret_is_refused(project: Path) -> None:
    (project / ".env").write_text(SECRET, encoding="utf-8")
    (project / "app" / "config.py").symlink_to(project / ".env")
    with pytest.raises(IncludeRefused, match="'.env' is a dot-file"):
        read_include(project, parse_spec("app/config.py"))


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


def test_render_include_block_links_to_its_lines_where_the_project_is_online(
    make_vault: VaultFactory,
) -> None:
    from generator.build import BuildOptions, assemble

    home = ("---\nsource_url: https://example.org/course/blob/main\n---\n# Home\n\n"
            "```python\n{{#include app/main.py:calculate}}\n```\n\n"
            "```python\n{{#include app/main.py}}\n```\n")
    project = make_vault({"app/main.py": SOURCE, "notes/index.md": home})
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    html = result.files["index.html"].decode()
    assert 'href="https://example.org/course/blob/main/app/main.py#L8-L10"' in html
    assert 'href="https://example.org/course/blob/main/app/main.py"' in html  # the whole file
    assert result.diagnostics == []


def test_render_include_source_url_that_is_no_address_is_a_warning(
    make_vault: VaultFactory,
) -> None:
    from generator.build import BuildOptions, assemble

    home = ("---\nsource_url: github.com/course\n---\n# Home\n\n"
            "```python\n{{#include app/main.py}}\n```\n")
    project = make_vault({"app/main.py": SOURCE, "notes/index.md": home})
    result = assemble(BuildOptions(vault=project / "notes", cache_dir=None))
    [problem] = result.diagnostics
    assert (problem.code, problem.file) == ("frontmatter.source-url", "index.md")
    assert 'class="code-file"' in result.files["index.html"].decode()
    assert "github.com/course" not in result.files["index.html"].decode()
