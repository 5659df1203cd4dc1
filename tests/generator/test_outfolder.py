"""Which output folder a build or the dev loop takes: only its own site, an empty folder or one
of dot-files; never a Git repository; leftovers beside it matched by name, never as a pattern."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generator.write as write_module
from generator.build import BuildOptions, build
from generator.cli import app
from generator.dev.session import LiveSite
from generator.errors import OutputError
from generator.outfolder import SITE_MARKER
from generator.uptodate import update
from tests.conftest import ROOT, VaultFactory

VAULT = {
    "index.md": "---\ntitle: Course\n---\n## 1. Start\n\n- [[A]]\n",
    "A.md": "# A\n\nSome text.\n",
}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, dot-files too, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def github_pages_checkout(folder: Path) -> Path:
    """A fresh clone of a GitHub Pages repository."""
    for rel, text in {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".git/config": "[core]\n\tbare = false\n",
        ".github/workflows/pages.yml": "on: push\n",
        "README.md": "# My course\n",
        ".nojekyll": "",
    }.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def test_build_into_a_github_pages_checkout_is_refused_and_the_repository_stays(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    pages = github_pages_checkout(tmp_path / "pages")
    before = tree(pages)
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(pages), "--no-cache"])
    assert result.exit_code == 1
    assert "is a Git repository (it holds .git/, .github/, .nojekyll and README.md)" in (
        result.output)
    assert "Build into a folder of its own with -o" in result.output
    for run in (build, update):
        with pytest.raises(OutputError, match="never replaces or deletes one"):
            run(BuildOptions(vault=vault, out=pages, cache_dir=None))
    assert tree(pages) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages", vault.name]


def test_dev_into_a_folder_with_a_readme_is_refused_and_the_readme_stays(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "README.md").write_text("# My course\n", encoding="utf-8")
    (pages / ".nojekyll").write_text("", encoding="utf-8")
    dev = LiveSite(BuildOptions(vault=vault, out=pages, cache_dir=None))
    with pytest.raises(OutputError) as refused:
        dev.full_build()
    dev.close()
    assert "was not made by coursegen: it holds README.md." in str(refused.value)
    assert "Choose a new or empty folder with -o" in str(refused.value)
    assert tree(pages) == {"README.md": b"# My course\n", ".nojekyll": b""}


def test_a_folder_of_dot_files_is_built_into_and_keeps_them(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    """The repository's site/ holds only its placeholder .gitignore: make site uses it."""
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    site.mkdir()
    placeholder = (ROOT / "site" / ".gitignore").read_bytes()
    (site / ".gitignore").write_bytes(placeholder)
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    assert (site / ".gitignore").read_bytes() == placeholder
    assert (site / SITE_MARKER).is_file() and (site / "a" / "index.html").is_file()


def test_the_dev_loop_marks_its_folder_so_a_build_may_replace_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    dev = LiveSite(BuildOptions(vault=vault, out=site, cache_dir=None))
    dev.full_build()
    dev.close()
    assert (site / SITE_MARKER).is_file()
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    assert (site / "a" / "index.html").is_file()


def test_a_site_built_before_sites_were_marked_is_taken_and_marked(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    (site / SITE_MARKER).unlink()  # as an older coursegen left it
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    assert (site / SITE_MARKER).is_file()


def test_a_content_index_that_is_not_coursegens_does_not_make_a_site(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    other = tmp_path / "other"
    other.mkdir()
    (other / "content-index.json").write_text(json.dumps({"pages": []}), encoding="utf-8")
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="it holds content-index.json and notes.txt"):
        build(BuildOptions(vault=vault, out=other, cache_dir=None))
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_git_repository_put_inside_a_built_site_is_never_moved(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    (site / "a" / "demo" / ".git").mkdir(parents=True)
    (site / "a" / "demo" / ".git" / "HEAD").write_text("ref: main\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds a Git repository \(.*a/demo/\.git\)"):
        build(BuildOptions(vault=vault, out=site, cache_dir=None))
    assert (site / "a" / "demo" / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: main\n"
    (site / ".git").mkdir()
    with pytest.raises(OutputError, match=r"it holds \.coursegen-site, \.git/"):
        build(BuildOptions(vault=vault, out=site, cache_dir=None))


def test_a_dot_folder_put_inside_a_built_site_is_named_not_deleted(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: me\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds \.well-known/, which is not part of the site"):
        build(BuildOptions(vault=vault, out=site, cache_dir=None))
    assert (site / ".well-known" / "security.txt").is_file()


def test_the_dev_loop_never_removes_dot_files_it_did_not_write(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    site = tmp_path / "site"
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    (site / "a" / "demo" / ".git").mkdir(parents=True)
    (site / "a" / "demo" / ".git" / "HEAD").write_text("ref: main\n", encoding="utf-8")
    (site / "a" / ".notes").write_text("mine", encoding="utf-8")
    dev = LiveSite(BuildOptions(vault=vault, out=site, cache_dir=None))
    dev.full_build()
    dev.close()
    assert (site / "a" / "demo" / ".git" / "HEAD").is_file()
    assert (site / "a" / ".notes").read_text(encoding="utf-8") == "mine"


def test_leftovers_beside_an_output_folder_named_star_are_matched_by_name_not_pattern(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    home = tmp_path / "home"
    decoys = {
        ".bashrc.old-2024": "export A=1\n",
        ".config.old-x/app.toml": "x = 1\n",
        ".x.old-1": "mine\n",
        ".site.coursegen-old-abcd1234/index.html": "another site's\n",
    }
    for rel, text in decoys.items():
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(text, encoding="utf-8")
    # A replaced site of the folder named "*" whose removal was cut short.
    (home / ".*.coursegen-old-abcd1234" / "a").mkdir(parents=True)
    monkeypatch.setattr(write_module, "REMOVE_IN_BACKGROUND_FROM", 1)

    def no_shell(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("sh")  # so removals happen before build returns

    monkeypatch.setattr(write_module.subprocess, "run", no_shell)
    out = home / "*"
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    assert (out / "a" / "index.html").is_file()
    assert tree(home / "*") == tree(out)
    for rel, text in decoys.items():
        assert (home / rel).read_text(encoding="utf-8") == text
    assert sorted(p.name for p in home.iterdir()) == sorted(
        ["*", ".bashrc.old-2024", ".config.old-x", ".x.old-1", ".site.coursegen-old-abcd1234"]
    )
