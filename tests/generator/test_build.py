from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

import generator.engine.core as engine_core
import generator.engine.pages as engine_pages
import generator.workers as workers_module
import generator.write as write_module
from generator.build import BuildOptions, UpToDate, assemble, build
from generator.errors import OutputError
from generator.load import load_vault
from generator.uptodate import update
from tests.conftest import VaultFactory

VAULT = {
    "index.md": "---\ntitle: Course\n---\n## 1. Start\n\n- [[A]]\n- [[B]]\n",
    "A.md": "# A\n\nLinks to [[B#Two]] and embeds ![[B#Two]].\n\n```python\nx = 1\n```\n",
    "B.md": "# B\n\n## Two\n\nSecond ^blk ![[pic.png]]\n\n#tag\n",
    "img/pic.png": b"\x89PNG\r\n\x1a\n",
}


def site_bytes(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_build_cached_rebuild_writes_identical_bytes(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    cache = tmp_path / "cache"
    build(BuildOptions(vault=vault, out=tmp_path / "cold", cache_dir=cache))
    build(BuildOptions(vault=vault, out=tmp_path / "warm", cache_dir=cache))
    build(BuildOptions(vault=vault, out=tmp_path / "none", cache_dir=None))
    cold = site_bytes(tmp_path / "cold")
    assert cold == site_bytes(tmp_path / "warm") == site_bytes(tmp_path / "none")
    assert "img/pic.png" in cold


def test_build_cache_follows_a_renamed_link_target(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    cache = tmp_path / "cache"
    build(BuildOptions(vault=vault, out=tmp_path / "one", cache_dir=cache))
    (vault / "B.md").rename(vault / "Bee.md")
    result = build(BuildOptions(vault=vault, out=tmp_path / "two", cache_dir=cache))
    page = (tmp_path / "two" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'class="unresolved"' in page
    assert "link.unresolved" in [d.code for d in result.diagnostics]


# The search index fails after the pages have already been written beside the site.
@pytest.mark.parametrize(
    ("module", "stage"),
    [(engine_pages, "render_pages"), (engine_core, "build_search_index")],
)
def test_build_failure_leaves_the_previous_site_whole(
    make_vault: VaultFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    stage: str,
) -> None:
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    out.mkdir()
    (out / ".gitignore").write_text("*\n", encoding="utf-8")
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    before = site_bytes(out)

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise RuntimeError("disk on fire")

    (vault / "A.md").write_text("# A\n\nNew text.\n", encoding="utf-8")
    monkeypatch.setattr(module, stage, broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(BuildOptions(vault=vault, out=out, cache_dir=None))
    assert site_bytes(out) == before
    assert (out / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def _gone_soon(paths: Callable[[], list[Path]]) -> bool:
    """Whether ``paths()`` becomes empty within ten seconds (a removal in the background)."""
    deadline = time.monotonic() + 10
    while paths() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not paths()


def test_a_big_replaced_site_is_deleted_in_the_background(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "REMOVE_IN_BACKGROUND_FROM", 1)
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    # An earlier removal cut short (the machine went down) is started again by the next build.
    leftover = tmp_path / ".site.coursegen-old-crashed_"  # as mkdtemp names it
    (leftover / "deep" / "er").mkdir(parents=True)
    (leftover / "deep" / "er" / "page.html").write_text("old", encoding="utf-8")
    (vault / "A.md").write_text("# A\n\nNew text.\n", encoding="utf-8")
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    assert "New text." in (out / "a" / "index.html").read_text(encoding="utf-8")
    assert _gone_soon(lambda: [p for p in tmp_path.iterdir() if p.name.startswith(".site.")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", vault.name]


def test_without_a_shell_the_replaced_site_is_deleted_at_once(
    make_vault: VaultFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "REMOVE_IN_BACKGROUND_FROM", 1)
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    build(BuildOptions(vault=vault, out=out, cache_dir=None))

    def no_shell(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("sh")

    monkeypatch.setattr(write_module.subprocess, "run", no_shell)
    build(BuildOptions(vault=vault, out=out, cache_dir=None))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_a_site_built_inside_the_vault_is_not_read_as_part_of_it(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    out = vault / "site"  # `coursegen build . ` run inside the vault
    options = BuildOptions(vault=vault, out=out, cache_dir=vault / "cache")
    first = build(options)
    again = build(options)
    assert again.files.keys() == first.files.keys()
    assert not (out / "site").exists() and not (out / "cache").exists()
    assert isinstance(update(options), UpToDate)  # writing the site changed no input
    assert [d for d in again.diagnostics if d.file.startswith(("site/", "cache/"))] == []


def test_a_vault_inside_the_output_folder_is_never_replaced(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    before = site_bytes(vault)
    with pytest.raises(OutputError, match="inside the output folder"):
        build(BuildOptions(vault=vault, out=vault.parent, cache_dir=None))
    with pytest.raises(OutputError, match="inside the output folder"):
        update(BuildOptions(vault=vault, out=vault, cache_dir=None))
    assert site_bytes(vault) == before


def test_notes_and_files_at_the_sites_own_addresses_move_aside_with_a_warning(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(
        {
            "index.md": "# Course\n\n## 1. Start\n\n- [[Graph]]\n",
            "Graph.md": "# Graph\n\nAbout graphs. #python ![[tags/icon.png]]\n",
            "Tags/Python.md": "# Python tag\n\nWhat the tag means. [[Graph]]\n",
            "concepts/Idea.md": "# Idea\n\n![[concepts/pic.png]] [[content-index.json]]\n",
            "concepts/pic.png": b"\x89PNG\r\n\x1a\n",
            "content-index.json": "{}",
            "graph/index.html": "<p>mine</p>",
            "tags/icon.png": b"\x89PNG icon",  # beside the tag pages, taking none of them
            "pagefind/pagefind.js": "mine",
        }
    )
    out = tmp_path / "site"
    result = build(BuildOptions(vault=vault, out=out, cache_dir=None))
    found = {(d.code, d.file) for d in result.diagnostics}
    assert {
        ("slug.reserved", "Graph.md"),
        ("slug.reserved", "Tags/Python.md"),
        ("attachment.collision", "content-index.json"),
        ("attachment.collision", "graph/index.html"),
        ("attachment.collision", "pagefind/pagefind.js"),
        ("link.unresolved", "concepts/Idea.md"),  # the json file is not in the site
    } <= found

    def title(page: str) -> str:
        tree = LexborHTMLParser((out / page).read_text(encoding="utf-8"))
        return tree.css_first("h1").text(strip=True)

    index = json.loads((out / "content-index.json").read_text(encoding="utf-8"))
    assert index["version"] == 1 and index["notes"]["graph-2"]["source"] == "Graph.md"
    assert title("graph/index.html") == "Graph"
    assert "mine" not in (out / "graph/index.html").read_text(encoding="utf-8")
    assert title("graph-2/index.html") == "Graph"  # the note, beside the site's graph page
    assert title("tags/python/index.html") == "#python"
    assert "What the tag means." in (out / "tags-2/python/index.html").read_text(encoding="utf-8")
    assert title("concepts/idea/index.html") == "Idea"  # a note in concepts/ keeps its address
    assert (out / "concepts" / "pic.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert (out / "tags" / "icon.png").read_bytes() == b"\x89PNG icon"
    assert (out / "pagefind" / "pagefind.js").read_text(encoding="utf-8") != "mine"
    assert "tags/icon.png" not in {d.file for d in result.diagnostics}


def _busy_vault(count: int) -> dict[str, str | bytes]:
    """Notes that link, embed sections and blocks of notes parsed by the other worker."""
    files: dict[str, str | bytes] = {
        f"n/Note {i}.md": (
            f"---\ntitle: Note {i}\n---\n# Note {i}\n\nSee [[Note {(i + 1) % count}]] "
            f"#t{i % 5}\n\n## Two\n\nSecond part of {i}. ^b{i}\n\n"
            f"![[Note {(i + 97) % count}#Two]]\n\n![[Note {(i + 31) % count}#^b{(i + 31) % count}]]"
            f"\n\n```python\nx = {i}\n```\n"
        )
        for i in range(count)
    }
    files["n/Loop A.md"] = "# A\n\n![[Loop B]]\n"
    files["n/Loop B.md"] = "# B\n\n![[Loop A]]\n"
    files["n/Bad yaml.md"] = "---\ntitle: [unclosed\n---\n# Bad\n\n[[Nowhere]]\n"
    files["n/Latin1.md"] = b"# Caf\xe9\n\n[[Note 3]]\n"
    return files


# 3 000 bytes: each worker keeps the tokens of its first few notes and parses the rest again,
# keeping only the last one so parsed (an embed cycle then parses its notes over and over),
# and answers in parts of 7 notes. "fits": each worker keeps all it parses, with room for
# 400 bytes of notes parsed again (the other worker's, when embedded); past that, the last one.
@pytest.mark.parametrize(
    ("keep_tokens_of", "keep_parsed_again"),
    [(workers_module.KEEP_TOKENS_OF, workers_module.KEEP_PARSED_AGAIN), (3_000, 1), ("fits", 1)],
)
def test_build_on_two_workers_matches_one_process(
    make_vault: VaultFactory,
    monkeypatch: pytest.MonkeyPatch,
    keep_tokens_of: int | str,
    keep_parsed_again: int,
) -> None:
    vault = make_vault(_busy_vault(240))
    if keep_tokens_of == "fits":
        notes = load_vault(vault)[0].notes
        keep_tokens_of = 400 + max(
            sum(len(note.data) for note in share) for share in workers_module._split(notes, 2)
        )
    monkeypatch.setattr(workers_module, "KEEP_TOKENS_OF", keep_tokens_of)
    monkeypatch.setattr(workers_module, "KEEP_PARSED_AGAIN", keep_parsed_again)
    monkeypatch.setattr(workers_module, "REPLY_PART", 7 if keep_parsed_again == 1 else 256)
    serial = assemble(BuildOptions(vault=vault, cache_dir=None, workers=1))
    parallel = assemble(BuildOptions(vault=vault, cache_dir=None, workers=2))
    assert serial.files == parallel.files
    assert serial.diagnostics == parallel.diagnostics
    codes = {d.code for d in parallel.diagnostics}
    assert {"embed.cycle", "frontmatter.invalid", "note.encoding", "link.unresolved"} <= codes
    page = parallel.files["n/note-5/index.html"].decode()
    assert "Second part of 102." in page  # a section embedded from a note parsed elsewhere


def test_rebuild_on_workers_of_cached_notes_matches_a_fresh_build(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(_busy_vault(240))
    cache = tmp_path / "cache"
    assemble(BuildOptions(vault=vault, cache_dir=cache, workers=2))
    note = vault / "n" / "Note 6.md"
    note.write_text(note.read_text("utf-8").replace("title: Note 6", "title: Renamed"), "utf-8")
    # Every body must be rendered again (the API address changed) but only one note is
    # parsed again: the workers render notes whose tokens they never made.
    options = {"api_base": "http://api.example:9000"}
    warm = assemble(BuildOptions(vault=vault, cache_dir=cache, workers=2, **options))
    fresh = assemble(BuildOptions(vault=vault, cache_dir=None, workers=1, **options))
    assert warm.files == fresh.files
    assert warm.diagnostics == fresh.diagnostics
    assert "Renamed › Two" in warm.files["n/note-149/index.html"].decode()  # embeds 6#Two


FRAGMENTS = [
    "[[",
    "]]",
    "[[A]]",
    "[[A|alias **bold**]]",
    "![[B]]",
    "![[A#Two]]",
    "![[pic.png|30x4]]",
    "[[#^blk]]",
    "#tag",
    "#123",
    "%%",
    "==",
    "^blk",
    "> [!note]- Title\n> body",
    "\n\n",
    "```\ncode [[A]]\n```",
    "$x^2$",
    "$$\n\\frac{1}{2}\n$$",
    "- [x] done",
    "- [/] half",
    "^[inline note]",
    "[^1]\n\n[^1]: foot",
    "| a | [[A\\|b]] |\n|---|---|\n| 1 | 2 |",
    "---\ntitle: [\n---",
    "<div>raw</div>",
    "~~gone~~",
    "```tryit\nGET /x\n```",
    "\t",
    "é",
    "🚀",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), min_size=1, max_size=25)
)
def test_build_any_mix_of_obsidian_syntax_never_crashes(
    make_vault: VaultFactory, parts: list[str]
) -> None:
    vault = make_vault({**VAULT, "Fuzz.md": " ".join(parts)})
    result = assemble(BuildOptions(vault=vault, cache_dir=None, workers=1))
    page = result.files["fuzz/index.html"].decode("utf-8")
    tree = LexborHTMLParser(page)
    assert tree.css_first("main") is not None
    assert all(d.file and d.code and d.message for d in result.diagnostics)


FRONTMATTER_LINES = [
    "created: 2024-13-45",
    "updated: 2024-02-30 25:61:00",
    "date: 2024-01-05",
    "title: [1, 2]",
    "title: [[A]]",
    "tags: 5",
    "tags: [a, [b], {c: d}]",
    "aliases: {a: b}",
    "aliases: [A, B, A]",
    "publish: no",
    "draft: 'true'",
    "permalink: ../../etc",
    "permalink: tags/x",
    "order: abc",
    "cssclasses: 3",
    "description: [x]",
    "x: !!binary aGk=",
    "y: !!python/object:os.system ls",
    "z: &a [*a]",
    "deep: " + "[" * 300,
    ": no key",
    "- a list item",
    "bad: [unclosed",
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(FRONTMATTER_LINES), min_size=1, max_size=6))
def test_build_any_frontmatter_never_crashes(make_vault: VaultFactory, lines: list[str]) -> None:
    note = "---\n" + "\n".join(lines) + "\n---\n# Body\n\nText [[A]].\n"
    vault = make_vault({**VAULT, "Fuzz.md": note})
    result = assemble(BuildOptions(vault=vault, cache_dir=None, workers=1))
    assert all(d.file and d.code and d.message for d in result.diagnostics)
    published = [name for name in result.files if name.endswith("/index.html")]
    assert all(LexborHTMLParser(result.files[name]).css_first("main") for name in published)


def test_build_cache_shows_the_new_text_of_an_embedded_section(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    cache = tmp_path / "cache"
    build(BuildOptions(vault=vault, out=tmp_path / "one", cache_dir=cache))
    (vault / "B.md").write_text("# B\n\n## Two\n\nRewritten section\n", encoding="utf-8")
    build(BuildOptions(vault=vault, out=tmp_path / "two", cache_dir=cache))
    build(BuildOptions(vault=vault, out=tmp_path / "fresh", cache_dir=None))
    page = (tmp_path / "two" / "a" / "index.html").read_text(encoding="utf-8")
    assert "Rewritten section" in page
    assert site_bytes(tmp_path / "two") == site_bytes(tmp_path / "fresh")


def test_build_cache_keeps_embed_cycle_diagnostics(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({"A.md": "![[B]]\n", "B.md": "![[A]]\n"})
    cache = tmp_path / "cache"
    first = build(BuildOptions(vault=vault, out=tmp_path / "one", cache_dir=cache))
    second = build(BuildOptions(vault=vault, out=tmp_path / "two", cache_dir=cache))
    assert "embed.cycle" in [d.code for d in first.diagnostics]
    assert first.diagnostics == second.diagnostics


def test_build_is_reproducible_across_processes(make_vault: VaultFactory, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    vault = make_vault(
        {
            **VAULT,
            "C.md": "See [[B|one]]. Then [[B|two]]. Or [[B|three]]. And [[B|four]]. #x #y #z\n",
            "D.md": "[[B]] [[C]] #y #x\n",
        }
    )
    outputs = []
    for seed in ("1", "2", "3", "4"):
        out = tmp_path / f"out{seed}"
        subprocess.run(
            [sys.executable, "-m", "generator", "build", str(vault), "-o", str(out), "--no-cache"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        outputs.append(site_bytes(out))
    assert all(output == outputs[0] for output in outputs[1:])
