from __future__ import annotations

from pathlib import Path

import pytest

from generator.project_files import RefusedPath, check_project_root, project_file


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_project_file_follows_gits_gitignore_rules(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", {
        ".gitignore": "*.log\n/top.txt\nout/\n",
        "app/.gitignore": "!keep.log\n",
        "app/keep.log": "", "app/drop.log": "", "top.txt": "", "app/top.txt": "",
        "out/.gitignore": "!*\n", "out/page.html": "",
    })
    assert project_file(root, Path("app/keep.log")) == (root / "app/keep.log").resolve()
    assert project_file(root, Path("app/top.txt")).name == "top.txt"  # '/top.txt' is top only
    for ignored in ("app/drop.log", "top.txt", "out/page.html"):  # no file of out/ comes back
        with pytest.raises(RefusedPath, match="ignored by the .gitignore"):
            project_file(root, Path(ignored))


def test_project_file_refuses_folders_of_installed_packages(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", {"node_modules/lib/index.js": "", "venv.py": ""})
    with pytest.raises(RefusedPath, match="'node_modules' is a folder of installed packages"):
        project_file(root, Path("node_modules/lib/index.js"))
    assert project_file(root, Path("venv.py")).name == "venv.py"


def test_check_project_root_refuses_home_and_what_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "users" / "ann"))
    for root in (tmp_path / "users" / "ann", tmp_path / "users", Path("/")):
        with pytest.raises(RefusedPath, match="home folder|holds home folders"):
            check_project_root(root)
    check_project_root(tmp_path / "users" / "ann" / "course")
