"""Real vaults written by others (../shared/vaults): they build and links land where they should."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.build import BuildOptions, BuildResult, assemble
from tests.conftest import ROOT, in_ci

EXPORT = ROOT.parent / "shared" / "vaults" / "obsidian-export-testdata"
MARKDOWN_LINK = re.compile(r"(?<!!)\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)")
CODE = re.compile(r"(?s)````.*?````|```.*?```|`[^`\n]*`")

# Where obsidian-export's expected output follows its own conventions, not Obsidian's:
CONVENTIONS = {
    # it writes the A→B→C→A cycle's last embed as a link back to A; we cut it with a notice
    "infinite-recursion/Note A.md",
    # it turns embeds of a PDF and an image into links; we embed them
    "main-samples/embeds.md",
    "main-samples/embeds-note-in-subdir.md",
    # it copies a link to a missing note through unchanged; we render it unresolved
    "main-samples/pure-markdown-examples.md",
    # exported alone (single-file, start-at), it sees only part of the vault
    "single-file/note.md",
    "start-at/subdir/Note B.md",
}


@pytest.fixture(scope="module")
def export_build() -> BuildResult:
    if not EXPORT.is_dir():
        if in_ci():
            pytest.fail(f"{EXPORT} is missing: CI must have shared/ beside the clone")
        pytest.skip(f"{EXPORT} is not here")
    return assemble(BuildOptions(vault=EXPORT / "input", cache_dir=None, workers=1))


def expected_targets(path: Path, rel: str) -> set[str]:
    targets = set()
    for match in MARKDOWN_LINK.finditer(CODE.sub("", path.read_text(encoding="utf-8"))):
        href = match.group(2)
        if re.match(r"^[a-z]+:", href):
            continue
        target = unquote(href.partition("#")[0])
        folder = posixpath.dirname(rel)
        targets.add(posixpath.normpath(posixpath.join(folder, target)) if target else rel)
    return targets


def export_cases() -> list[str]:
    if not EXPORT.is_dir():
        return ["(missing)"]
    return sorted(
        p.relative_to(EXPORT / "expected").as_posix()
        for p in (EXPORT / "expected").rglob("*.md")
        if (EXPORT / "input" / p.relative_to(EXPORT / "expected")).is_file()
    )


@pytest.mark.parametrize("rel", export_cases())
def test_real_vaults_obsidian_export_links_land_on_the_expected_notes(
    export_build: BuildResult, rel: str
) -> None:
    note = export_build.resolved.notes[rel]
    ours = {link.resolved for link in note.links if not link.embed and link.resolved}
    expected = expected_targets(EXPORT / "expected" / rel, rel)
    if rel in CONVENTIONS:
        assert ours != expected or not expected  # keep the list honest: these really differ
    else:
        assert ours == expected


def test_real_vaults_obsidian_export_section_embed_stops_at_next_heading(
    export_build: BuildResult,
) -> None:
    html = export_build.resolved.notes["main-samples/embeds-partial-note.md"].html
    expected = (EXPORT / "expected" / "main-samples/embeds-partial-note.md").read_text("utf-8")
    text = LexborHTMLParser(html).text()
    for word in re.findall(r"[A-Za-z]{5,}", CODE.sub("", expected)):
        if word != "Heading":
            assert word in text


def test_real_vaults_obsidian_export_cycle_is_cut_not_hung(export_build: BuildResult) -> None:
    codes = [(d.file, d.code) for d in export_build.diagnostics]
    assert ("infinite-recursion/Note A.md", "embed.cycle") in codes
