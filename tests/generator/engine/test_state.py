"""What a build leaves in .coursegen-cache/ lets the next one redo only what changed."""

from __future__ import annotations

from pathlib import Path

from generator.build import BuildOptions, cache_path
from generator.engine.core import Engine
from generator.engine.state import state_path
from generator.parse import ParseCache
from tests.conftest import VaultFactory

VAULT = {
    "index.md": "# Course\n\n## 1. Start\n\n- [[One]]\n- [[Two]]\n",
    "One.md": "# One\n\nSee [[Two]].\n",
    "Two.md": "# Two\n\nText.\n",
    "Three.md": "# Three\n\nA concept.\n",
}


def run_from_saved_state(options: BuildOptions) -> int:
    """Pages the engine renders, starting from the state the last run saved; saves its own."""
    engine = Engine(options, ParseCache(cache_path(options)))
    engine.restore(state_path(options))
    pages = engine.run(None, search=False).pages
    engine.save(state_path(options))
    return pages


def test_state_unchanged_vault_renders_no_page_after_a_cold_run(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    options = BuildOptions(vault=make_vault(VAULT), out=tmp_path / "site",
                           cache_dir=tmp_path / "cache")
    assert run_from_saved_state(options) == 4  # from nothing: every page
    assert run_from_saved_state(options) == 0


def test_state_edit_renders_the_note_and_the_pages_that_show_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    options = BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=tmp_path / "cache")
    run_from_saved_state(options)
    (vault / "Three.md").write_text("# Three\n\nA concept, edited.\n", "utf-8")
    assert run_from_saved_state(options) == 1


def test_state_from_another_generator_is_ignored(make_vault: VaultFactory, tmp_path: Path) -> None:
    options = BuildOptions(vault=make_vault(VAULT), out=tmp_path / "site",
                           cache_dir=tmp_path / "cache")
    run_from_saved_state(options)
    where = state_path(options)
    assert where is not None
    where.write_bytes(b"not a pickle")
    assert run_from_saved_state(options) == 4


def test_state_edit_of_a_linking_note_renders_it_and_the_page_it_links_to(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    # One renders again (its text changed) and so does Two, whose backlinks quote One's text;
    # the course home and Three show nothing of it.
    vault = make_vault(VAULT)
    options = BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=tmp_path / "cache")
    run_from_saved_state(options)
    (vault / "One.md").write_text("# One\n\nSee [[Two]], said differently.\n", "utf-8")
    assert run_from_saved_state(options) == 2


def test_state_lost_parse_store_renders_every_page_again(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    options = BuildOptions(vault=make_vault(VAULT), out=tmp_path / "site",
                           cache_dir=tmp_path / "cache")
    run_from_saved_state(options)
    where = cache_path(options)
    assert where is not None
    where.unlink()  # the state names parsed notes kept there
    assert run_from_saved_state(options) == 4
