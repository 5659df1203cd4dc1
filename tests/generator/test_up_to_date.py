"""`coursegen build` twice: the second run sees that the site is already what it would write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.build import BuildOptions, BuildResult, UpToDate
from generator.cli import app
from generator.uptodate import update
from tests.conftest import VaultFactory

NOTES: dict[str, str | bytes] = {
    "index.md": "# Course\n\n## One\n\n- [[Lesson]]\n",
    "Lesson.md": "# Lesson\n\nSee [[Nowhere]] and [[Other]].\n",
    "Other.md": "# Other\n\nPlain. ![[pic.png]]\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
}


def _options(vault: Path, tmp_path: Path, base_url: str | None = None) -> BuildOptions:
    return BuildOptions(
        vault=vault, out=tmp_path / "site", cache_dir=tmp_path / "cache", base_url=base_url
    )


def _page(tmp_path: Path) -> str:
    return (tmp_path / "site" / "other" / "index.html").read_text("utf-8")


def test_a_second_build_of_the_same_vault_writes_nothing(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(NOTES)
    first = update(_options(vault, tmp_path))
    assert isinstance(first, BuildResult)
    page = tmp_path / "site" / "lesson" / "index.html"
    written = page.stat().st_mtime_ns
    second = update(_options(vault, tmp_path))
    assert isinstance(second, UpToDate)
    assert second.diagnostics == first.diagnostics  # the same warnings, printed again
    assert second.pages == first.pages
    assert page.stat().st_mtime_ns == written


def test_an_edited_note_or_attachment_is_built_again(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(NOTES)
    update(_options(vault, tmp_path))
    (vault / "Other.md").write_text("# Other\n\nEdited. ![[pic.png]]\n", "utf-8")
    assert isinstance(update(_options(vault, tmp_path)), BuildResult)
    assert "Edited." in _page(tmp_path)
    (vault / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\nmore")
    assert isinstance(update(_options(vault, tmp_path)), BuildResult)
    assert (tmp_path / "site" / "pic.png").read_bytes().endswith(b"more")


def test_a_touched_or_deleted_output_file_is_built_again(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(NOTES)
    update(_options(vault, tmp_path))
    page = tmp_path / "site" / "other" / "index.html"
    page.write_text("vandalised", "utf-8")
    assert isinstance(update(_options(vault, tmp_path)), BuildResult)
    assert "Plain." in _page(tmp_path)
    page.unlink()
    assert isinstance(update(_options(vault, tmp_path)), BuildResult)
    assert "Plain." in _page(tmp_path)


def test_other_options_or_line_break_setting_build_again(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(NOTES)
    update(_options(vault, tmp_path))
    again = update(_options(vault, tmp_path, base_url="https://course.example"))
    assert isinstance(again, BuildResult)
    assert (tmp_path / "site" / "sitemap.xml").is_file()
    (vault / ".obsidian").mkdir(exist_ok=True)
    (vault / ".obsidian" / "app.json").write_text('{"strictLineBreaks": true}', "utf-8")
    assert isinstance(
        update(_options(vault, tmp_path, base_url="https://course.example")), BuildResult
    )


def test_a_vault_with_includes_is_always_built(make_vault: VaultFactory, tmp_path: Path) -> None:
    # {{#include}} reads a file outside the vault: the site must follow its edits.
    vault = make_vault({**NOTES, "Other.md": "# Other\n\n```python\n{{#include code.py}}\n```\n"})
    code = vault.parent / "code.py"
    code.write_text("answer = 4242\n", "utf-8")
    update(_options(vault, tmp_path))
    assert "4242" in _page(tmp_path)
    code.write_text("answer = 5353\n", "utf-8")
    assert isinstance(update(_options(vault, tmp_path)), BuildResult)
    assert "5353" in _page(tmp_path)


def test_the_command_says_the_site_is_up_to_date(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(NOTES)
    runner = CliRunner()
    args = ["build", str(vault), "-o", str(tmp_path / "site")]
    monkeypatch.chdir(tmp_path)  # the cache lives in ./.coursegen-cache
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0
    assert "Built " in first.output and "up to date" not in first.output
    assert "Site is up to date" in second.output
    warnings = [line for line in first.output.splitlines() if "link.unresolved" in line]
    assert warnings and warnings == [
        line for line in second.output.splitlines() if "link.unresolved" in line
    ]


def test_an_up_to_date_site_is_reported_without_loading_the_pipeline(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(NOTES)
    script = (
        "import sys\nfrom generator.cli import app\n"
        "try:\n    app(['build', sys.argv[1], '-o', sys.argv[2]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('markdown_it', 'jinja2', 'pagefind') if m in sys.modules))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(vault), str(tmp_path / "site")],
            cwd=tmp_path, capture_output=True, text=True, check=True,
        )
        for _ in range(2)
    ]
    assert "Built " in runs[0].stderr and "Site is up to date" in runs[1].stderr
    assert runs[0].stdout.strip() == "['jinja2', 'markdown_it', 'pagefind']"
    assert runs[1].stdout.strip() == "[]"
