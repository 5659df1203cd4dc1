"""Attachments are published only when a published page links to them or shows them."""

from __future__ import annotations

from pathlib import Path

from generator.build import BuildOptions, build
from tests.conftest import VaultFactory
from tests.generator.sitefiles import shown_files

PICTURE = b"\x89PNG\r\n\x1a\n"
VAULT: dict[str, str | bytes] = {
    "index.md": "---\ntitle: Course\n---\n![[banner.png]]\n\n## 1. Start\n\n- [[Lesson]]\n",
    "lessons/Lesson.md": (
        "# Lesson\n\n"
        "Read [the guide](../docs/guide.pdf) and [[handout.pdf]].\n\n"
        "![[diagram.png|300]] ![a photo](../img/photo.jpg)\n\n"
        "> [!tip] Look\n> ![[callout.png]]\n\n"
        "![[Concept#Pictures]]\n\n"
        "![[Answers#Solutions]]\n"
    ),
    "Concept.md": "# Concept\n\n## Pictures\n\n![[Deeper#Figure]]\n\n## Other\n\nText.\n",
    "Deeper.md": "# Deeper\n\n## Figure\n\n![[figure.svg]]\n",
    "Answers.md": (
        "---\ndraft: true\n---\n# Answers\n\n## Solutions\n\n"
        "![[exam-answers.pdf]] ![[diagram.png]]\n"
    ),
    "Hidden.md": "---\npublish: false\n---\n# Hidden\n\n[[secret.png]]\n",
    "banner.png": PICTURE,
    "docs/guide.pdf": b"%PDF guide",
    "handout.pdf": b"%PDF handout",
    "diagram.png": PICTURE,
    "img/photo.jpg": b"\xff\xd8\xff photo",
    "callout.png": PICTURE,
    "figure.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "private/exam-answers.pdf": b"%PDF answers",
    "secret.png": PICTURE,
    "notes-to-self.txt": "nothing links here",
}
PUBLISHED = {
    "banner.png",  # on the home page
    "docs/guide.pdf",  # a markdown link
    "handout.pdf",  # a wikilink
    "diagram.png",  # an embed (a draft embeds it too, which does not matter)
    "img/photo.jpg",  # a markdown image
    "callout.png",  # inside a callout
    "figure.svg",  # inside a section of a note embedded by a section another page embeds
}
PRIVATE = {"private/exam-answers.pdf", "secret.png", "notes-to-self.txt"}


def test_build_copies_only_the_attachments_published_pages_link_to_or_show(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    out = tmp_path / "site"
    result = build(BuildOptions(vault=vault, out=out, cache_dir=None))
    copied = {name for name in VAULT if (out / name).is_file() and not name.endswith(".md")}
    assert copied == PUBLISHED
    assert shown_files(out) & set(VAULT) == PUBLISHED  # what the pages show is all there
    unpublished = {
        (d.file, d.severity) for d in result.diagnostics if d.code == "attachment.unpublished"
    }
    assert unpublished == {(name, "info") for name in PRIVATE}
    assert result.warnings == 1  # the embed of the draft's section (link.unpublished) alone


def test_build_keeps_an_attachment_of_a_cached_body(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    """A second build reuses note bodies from the cache; their attachments come with them."""
    vault = make_vault(VAULT)
    cache = tmp_path / "cache"
    build(BuildOptions(vault=vault, out=tmp_path / "cold", cache_dir=cache))
    (vault / "Hidden.md").write_text("# Hidden\n\nPublished now: [[secret.png]]\n", "utf-8")
    build(BuildOptions(vault=vault, out=tmp_path / "warm", cache_dir=cache))
    copied = {name for name in VAULT if (tmp_path / "warm" / name).is_file()}
    assert copied == PUBLISHED | {"secret.png"}
