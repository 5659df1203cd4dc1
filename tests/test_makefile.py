"""``make clean`` empties only a site coursegen wrote, and leaves the folder ready to build into."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.conftest import ROOT, VaultFactory, require_binary
from tests.generator.test_outfolder import VAULT, github_pages_checkout, tree


def make_clean(cwd: Path, out: str) -> str:
    """``make clean OUT=out`` run in ``cwd``, so that what it removes is under ``cwd``."""
    done = subprocess.run(
        [require_binary("make"), "-s", "-f", str(ROOT / "Makefile"), "clean", f"OUT={out}"],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout + done.stderr


def test_make_clean_leaves_a_git_checkout_alone_and_empties_a_built_site(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    pages = github_pages_checkout(tmp_path / "pages")
    before = tree(pages)
    assert "make clean: left 'pages' alone" in make_clean(tmp_path, "pages")
    assert tree(pages) == before

    site = tmp_path / "site"
    site.mkdir()
    placeholder = (ROOT / "site" / ".gitignore").read_bytes()
    (site / ".gitignore").write_bytes(placeholder)
    vault = make_vault(VAULT)
    build(BuildOptions(vault=vault, out=site, cache_dir=None))
    make_clean(tmp_path, "site")
    assert tree(site) == {".gitignore": placeholder}
    build(BuildOptions(vault=vault, out=site, cache_dir=None))  # as on a fresh clone
    assert (site / "a" / "index.html").is_file()


def test_make_run_ports_reach_coursegen_dev_and_make_api() -> None:
    """``make run PORT=… API_PORT=…`` passes both ports on (a dry run: -n prints, runs nothing)."""
    make = require_binary("make")
    run = subprocess.run(
        [make, "-n", "-f", str(ROOT / "Makefile"), "run", "PORT=8091", "API_PORT=8001"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert "dev notes -o site --port 8091 --api-port 8001" in run.stdout
    dev = subprocess.run(
        [make, "-n", "-f", str(ROOT / "Makefile"), "dev", "PORT=8091", "API_PORT=8001"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert "coursegen dev notes -o site --port 8091 --api-port 8001" in dev.stdout
    api = subprocess.run(
        [make, "-n", "-f", str(ROOT / "Makefile"), "api", "API_PORT=8001"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert "--port 8001" in api.stdout


def dry_run(folder: Path, target: str) -> str:
    """What ``make -n target`` would run in ``folder`` (a copy of the Makefile and the
    pyproject.toml it installs from): -n prints the commands, installs nothing."""
    done = subprocess.run(
        [require_binary("make"), "-n", target], cwd=folder, capture_output=True, text=True,
        check=True,
    )
    return done.stdout


def installs(commands: str) -> list[str]:
    return [line for line in commands.splitlines() if "pip install" in line]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def stamp_after_pyproject(folder: Path, name: str) -> None:
    """Mark an install as done, later than pyproject.toml (as after a real install)."""
    stamp = folder / ".venv" / name
    stamp.parent.mkdir(exist_ok=True)
    stamp.touch()
    later = (folder / "pyproject.toml").stat().st_mtime + 10
    os.utime(stamp, (later, later))


def test_make_run_fresh_clone_installs_runtime_only_and_says_so(checkout: Path) -> None:
    commands = dry_run(checkout, "run")
    assert installs(commands) == [
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check -e ."
    ]
    assert "Installing what running the course needs" in commands
    assert "coursegen dev notes -o site" in commands
    for target in ("site", "api", "dev", "check"):
        assert "[test]" not in dry_run(checkout, target)


def test_make_test_after_make_run_installs_the_test_extra(checkout: Path) -> None:
    stamp_after_pyproject(checkout, ".installed-run")
    assert installs(dry_run(checkout, "run")) == []
    for target in ("test", "lint"):
        assert installs(dry_run(checkout, target)) == [
            ".venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'"
        ]
    stamp_after_pyproject(checkout, ".installed-test")
    assert installs(dry_run(checkout, "test")) == []
    assert installs(dry_run(checkout, "run")) == []


def test_make_test_fresh_clone_installs_the_test_extra_once(checkout: Path) -> None:
    commands = dry_run(checkout, "test")
    assert installs(commands) == [
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'"
    ]
    assert "-m pytest" in commands
