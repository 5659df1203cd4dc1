"""A built site is public: no diagnostics, no path of the build machine, no HTML comments,
from a full build and from the dev loop alike."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.dev.session import LiveSite
from generator.diagnostics import Diagnostic
from tests.generator.sitefiles import readable_files

NOTES = {
    "index.md": (
        "---\ntitle: Course\n---\n# Course <!-- rename? -->\n\n"
        "Welcome. <!-- remark: the welcome is too short -->\n\n"
        "## 1. Start\n\n- [[Lesson]]\n"
    ),
    "Lesson.md": (
        "# Lesson\n\n"
        "<!--\nremark across lines, with a [[Secret]] link\n\nand a blank line\n-->\n\n"
        "Shown text, [[Nowhere]] and [up](../../../../etc/passwd).\n\n"
        "> [!note] Note <!-- remark in a title -->\n> Body <!-- remark in a callout -->\n\n"
        "Code keeps `<!-- code span -->` as written.\n\n"
        "```python\n{{#include missing.py}}\n```\n\n"
        "![[Concept#Part]]\n"
    ),
    "Concept.md": (
        "---\ntitle: [unclosed\n---\n# Concept\n\n## Part\n\n"
        "Embedded text <!-- remark in an embedded section -->.\n"
    ),
}
Builder = Callable[[Path, Path], list[Diagnostic]]
REAL_HOME = str(Path.home())  # before a test points HOME at its own folder


def full_build(vault: Path, out: Path) -> list[Diagnostic]:
    return build(BuildOptions(vault=vault, out=out, cache_dir=None)).diagnostics


def dev_build(vault: Path, out: Path) -> list[Diagnostic]:
    builder = LiveSite(
        BuildOptions(vault=vault, out=out, cache_dir=None), background_search=False
    )
    builder.full_build()
    lesson = vault / "Lesson.md"  # and one rebuild, through the dev loop's own paths
    lesson.write_text(lesson.read_text("utf-8") + "\nMore <!-- remark added later -->.\n")
    builder.rebuild({lesson})
    builder.update_search()
    builder.close()
    return builder.diagnostics


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault in the author's home folder, with a symlink out of it and a dead one."""
    home = tmp_path / "home" / "author"
    monkeypatch.setenv("HOME", str(home))
    root = home / "MyVault"
    root.mkdir(parents=True)
    for name, text in NOTES.items():
        (root / name).write_text(text, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hostname").write_text("build-machine\n", encoding="utf-8")
    os.symlink(outside / "hostname", root / "hostname.txt")
    os.symlink(tmp_path / "gone" / "file.png", root / "dead.png")
    return root


@pytest.mark.parametrize("make_site", [full_build, dev_build], ids=["build", "dev"])
def test_site_holds_no_diagnostics_and_no_path_of_the_build_machine(
    vault: Path, tmp_path: Path, make_site: Builder
) -> None:
    out = tmp_path / "site"
    diagnostics = make_site(vault, out)
    # the problems are there, and their messages do name the machine's folders...
    assert str(tmp_path) in " ".join(d.message for d in diagnostics)
    codes = {d.code for d in diagnostics}
    assert {"load.outside-vault", "load.broken-symlink", "link.unresolved"} <= codes
    # ...but the site has none of them
    index = json.loads((out / "content-index.json").read_text("utf-8"))
    assert set(index) == {"version", "notes"}
    machine = [str(tmp_path), str(Path.home())] + ([REAL_HOME] if REAL_HOME != "/" else [])
    leaked = [
        (name, folder)
        for name, data in readable_files(out).items()
        for folder in machine
        if folder.encode() + b"/" in data or folder.encode() + b'"' in data
    ]
    assert leaked == []
    assert not any(code.encode() in data for data in readable_files(out).values()
                   for code in codes)


@pytest.mark.parametrize("make_site", [full_build, dev_build], ids=["build", "dev"])
def test_site_holds_no_html_comment_of_a_note(
    vault: Path, tmp_path: Path, make_site: Builder
) -> None:
    out = tmp_path / "site"
    make_site(vault, out)
    files = readable_files(out)
    assert [name for name, data in files.items() if b"remark" in data or b"rename?" in data] == []
    lesson = files["lesson/index.html"].decode()
    assert "Shown text" in lesson and "Embedded text" in lesson
    assert "<code>&lt;!-- code span --&gt;</code>" in lesson  # code is left as written
    index = json.loads(files["content-index.json"])
    assert index["notes"]["index"]["headings"][0]["id"] == "course"
    assert "secret" not in str(index["notes"]["lesson"]["links"]).lower()
    search = b"".join(data for name, data in files.items() if name.startswith("pagefind/"))
    assert b"Shown text" in search  # the search index is there, and read
