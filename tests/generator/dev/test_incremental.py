"""The dependency graph: an edit re-renders the pages that can change and reuses the rest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.dev.session import LiveSite
from generator.errors import OutputError

VaultFactory = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def builder(make_vault: VaultFactory, tmp_path: Path) -> LiveSite:
    vault = make_vault({
        "index.md": "# Course\n\n## 1. Start\n\n- [[A]]\n- [[B]]\n",
        "A.md": "# A\n\n## Part\n\nAlpha text.\n",
        "B.md": "# B\n\nSee [[A]] and [[Later]].\n",
        "C.md": "# C\n\n![[A#Part]]\n",
        "D.md": "# D\n\nUnrelated.\n",
    })
    dev = LiveSite(BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=None),
                             background_search=False)
    dev.full_build()
    return dev


def edit(dev: LiveSite, name: str, text: str | None) -> list[str]:
    path = Path(dev.options.vault) / name
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    return dev.rebuild({path}).written


def test_rebuild_text_edit_reuses_linking_bodies_rerenders_embedders(
    builder: LiveSite,
) -> None:
    before = dict(builder.engine.resolver.state.records)
    written = edit(builder, "A.md", "# A\n\n## Part\n\nBeta text.\n")
    after = builder.engine.resolver.state.records
    assert after["B.md"] is before["B.md"] and after["D.md"] is before["D.md"]
    assert after["C.md"] is not before["C.md"] and "Beta text." in after["C.md"].html
    assert "a/index.html" in written and "c/index.html" in written
    assert "d/index.html" not in written and "b/index.html" not in written


def test_rebuild_title_change_rerenders_linkers_and_navigation(
    builder: LiveSite,
) -> None:
    before = dict(builder.engine.resolver.state.records)
    written = edit(builder, "A.md", "---\ntitle: Apples\n---\n# A\n\n## Part\n\nAlpha text.\n")
    assert builder.engine.resolver.state.records["B.md"] is not before["B.md"]
    assert b"Apples" in (builder.options.out / "d" / "index.html").read_bytes()
    # A is a lesson: every page's sidebar shows its title
    assert {"a/index.html", "b/index.html", "d/index.html", "index.html"} <= set(written)


def test_rebuild_new_note_resolves_unresolved_link(builder: LiveSite) -> None:
    assert any(d.code == "link.unresolved" and d.file == "B.md" for d in builder.diagnostics)
    written = edit(builder, "Later.md", "# Later\n\nNow written.\n")
    assert "later/index.html" in written and "b/index.html" in written
    assert not any(d.code == "link.unresolved" and d.file == "B.md"
                   for d in builder.diagnostics)


def test_rebuild_deleted_note_removes_page_and_unresolves_links(
    builder: LiveSite,
) -> None:
    written = edit(builder, "D.md", None)
    assert "d/index.html" in written
    assert not (builder.options.out / "d" / "index.html").exists()
    edit(builder, "A.md", None)
    assert any(d.code == "link.unresolved" and d.file == "B.md" and "[[A]]" in d.message
               for d in builder.diagnostics)


def test_rebuild_bad_note_becomes_diagnostic_not_crash(builder: LiveSite) -> None:
    edit(builder, "D.md", "---\ntitle: [oops\n---\n```\nunclosed\n![[D]]\n")
    assert any(d.file == "D.md" and d.code.startswith("frontmatter")
               for d in builder.diagnostics)
    assert (builder.options.out / "d" / "index.html").is_file()


def test_rebuild_first_tryit_brings_the_api_control_to_every_page_and_its_removal_takes_it(
    builder: LiveSite,
) -> None:
    site = builder.options.out
    assert b"api-control" not in (site / "d" / "index.html").read_bytes()
    written = edit(builder, "B.md", "# B\n\n```tryit\nGET /api/health\n```\n")
    assert {"a/index.html", "d/index.html", "index.html", "tags/index.html"} <= set(written)
    for page in ("d/index.html", "concepts/index.html", "index.html"):
        assert b'class="api-control"' in (site / page).read_bytes(), page
    edit(builder, "B.md", "# B\n\nSee [[A]].\n")
    assert b"api-control" not in (site / "d" / "index.html").read_bytes()


def test_a_site_that_cannot_be_written_is_an_error_that_names_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({"A.md": "# A\n"})
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "file.txt" / "site"
    dev = LiveSite(BuildOptions(vault=vault, out=out, cache_dir=None))
    with pytest.raises(OutputError, match="Cannot write the site to .*file.txt/site"):
        dev.full_build()
    dev.close()


def test_a_note_in_a_new_top_level_folder_updates_the_404_page(
    builder: LiveSite, tmp_path: Path
) -> None:
    # The 404 page finds the site's root by the folders the site has: a new one must be there.
    (Path(builder.options.vault) / "guides").mkdir()
    written = edit(builder, "guides/Start.md", "# Start\n\nSee [[A]].\n")
    assert "404.html" in written
    fresh = tmp_path / "fresh"
    build(BuildOptions(vault=builder.options.vault, out=fresh, cache_dir=None))
    page = (builder.options.out / "404.html").read_text(encoding="utf-8")
    assert page == (fresh / "404.html").read_text(encoding="utf-8")
    assert "guides" in page


def test_the_first_note_added_ends_the_empty_vault_warning(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({"pic.png": b"\x89PNG\r\n\x1a\n"})
    dev = LiveSite(
        BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=None), background_search=False
    )
    dev.full_build()
    expected = ["vault.empty", "attachment.unpublished"]  # no page shows the picture either
    assert [d.code for d in dev.diagnostics] == expected
    edit(dev, "First.md", "# First\n\n![[pic.png]]\n")
    assert dev.diagnostics == []
    edit(dev, "First.md", None)
    assert [d.code for d in dev.diagnostics] == expected
    dev.close()
