"""The dev builder's output folder equals a fresh full build after every edit, byte for byte,
and so do its diagnostics. Both publish only the attachments a published page shows, and
neither lets an HTML comment through."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.dev.session import LiveSite
from generator.diagnostics import Diagnostic
from generator.search import SEARCH_DIR
from tests.conftest import VaultFactory
from tests.generator.sitefiles import readable_files, shown_files
from tests.generator.test_attachments import PUBLISHED, VAULT

STEPS = 30
SEARCH_EVERY = 10

WORDS = "model field route query status cache report city weather async typing".split()
TAGS = ["api", "python", "http", "nested/deep", "Typing"]


@dataclass
class NoteSpec:
    title: str | None = None
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    publish: bool = True
    broken_yaml: bool = False
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        head: list[str] = []
        if self.broken_yaml:
            head = ["---", "title: [unclosed", "---"]
        elif self.title or self.aliases or self.tags or not self.publish:
            head = ["---"]
            if self.title:
                head.append(f"title: {self.title}")
            if self.aliases:
                head.append(f"aliases: [{', '.join(self.aliases)}]")
            if self.tags:
                head.append(f"tags: [{', '.join(self.tags)}]")
            if not self.publish:
                head.append("publish: false")
            head.append("---")
        return "\n".join([*head, *self.lines]) + "\n"


class VaultModel:
    """A small course vault on disk and the operations an author performs on it."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.notes: dict[str, NoteSpec] = {}
        self.counter = 0
        (root / "img").mkdir(parents=True)
        (root / "img" / "chart.png").write_bytes(b"\x89PNG fake chart")
        (root / "img" / "unused.pdf").write_bytes(b"%PDF no page links to it")
        for i in range(5):
            self.create(f"lessons/Lesson {i}.md" if i < 3 else f"concepts/Idea {i}.md")
        self.write_home()

    def write_home(self) -> None:
        lessons = [p for p in sorted(self.notes) if p.startswith("lessons/")]
        lines = ["---", "title: Test course", "---", "# Test course", "", "## 1. Start", ""]
        lines += [f"- [[{Path(p).stem}]]" for p in lessons[:2]]
        lines += ["", "## 2. More", ""]
        lines += [f"- [[{Path(p).stem}]]" for p in lessons[2:]]
        (self.root / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def names(self) -> list[str]:
        return [Path(p).stem for p in sorted(self.notes)]

    def sentence(self) -> str:
        words = [self.rng.choice(WORDS) for _ in range(5)]
        if self.rng.random() < 0.6 and self.notes:
            target = self.rng.choice([*self.names(), "Nowhere", "idea-alias"])
            form = self.rng.random()
            link = (f"[[{target}]]" if form < 0.5 else f"[[{target}#Part|see]]" if form < 0.7
                    else f"![[{target}#Part]]" if form < 0.85 else f"![[{target}]]")
            words.insert(2, link)
        if self.rng.random() < 0.2:
            words.append("#" + self.rng.choice(TAGS))
        if self.rng.random() < 0.1:
            words.append("![[chart.png]]")
        if self.rng.random() < 0.2:
            words.insert(1, "<!-- private remark [[Nowhere]] -->")
        return " ".join(words) + "."

    def create(self, path: str | None = None) -> list[str]:
        self.counter += 1
        path = path or f"{self.rng.choice(['lessons', 'concepts'])}/New {self.counter}.md"
        spec = NoteSpec(lines=["# Heading", "", self.sentence(), "", "## Part", "",
                               self.sentence(), "", "<!-- private remark", "", "more -->", "",
                               "## Other", "", self.sentence()])
        self.notes[path] = spec
        return self.save(path)

    def save(self, path: str) -> list[str]:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.notes[path].text(), encoding="utf-8")
        return [path]

    def step(self) -> list[str]:
        """Apply one random edit; return the vault paths it touched."""
        if not self.notes:
            return self.create()
        path = self.rng.choice(sorted(self.notes))
        spec = self.notes[path]
        op = self.rng.choice([
            "create", "text", "link", "unlink", "rename", "delete", "title", "alias", "tag",
            "section", "publish", "yaml", "attachment", "outline",
        ])
        if op == "create":
            return self.create()
        if op == "text":
            spec.lines.append(self.sentence())
        elif op == "link":
            spec.lines.append(f"See [[{self.rng.choice(self.names())}]] too.")
        elif op == "unlink":
            spec.lines = [line for line in spec.lines if "[[" not in line] or ["Empty."]
        elif op == "rename":
            new = f"{Path(path).parent}/Renamed {self.counter}.md"
            self.counter += 1
            self.notes[new] = self.notes.pop(path)
            (self.root / path).rename(self.root / new)
            return [path, new]
        elif op == "delete":
            del self.notes[path]
            (self.root / path).unlink()
            return [path]
        elif op == "title":
            spec.title = self.rng.choice([None, "A title", f"Title {self.counter}"])
        elif op == "alias":
            spec.aliases = self.rng.choice([[], ["idea-alias"], [f"alias {self.counter}"]])
        elif op == "tag":
            spec.tags = self.rng.sample(TAGS, self.rng.randint(0, 2))
        elif op == "section":
            at = spec.lines.index("## Part") + 2 if "## Part" in spec.lines else len(spec.lines)
            spec.lines.insert(at, self.sentence())
        elif op == "publish":
            spec.publish = not spec.publish
        elif op == "yaml":
            spec.broken_yaml = not spec.broken_yaml
        elif op == "attachment":
            chart = self.root / "img" / "chart.png"
            if chart.exists():
                chart.unlink()
            else:
                chart.write_bytes(b"\x89PNG new chart")
            return ["img/chart.png"]
        elif op == "outline":
            self.write_home()
            return ["index.md"]
        return self.save(path)


def site_files(out: Path, *, search: bool = True) -> dict[str, bytes]:
    return {
        rel: p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and not (rel := p.relative_to(out).as_posix()).startswith(".")
        and (search or not rel.startswith(SEARCH_DIR))
    }


def assert_same_site(dev_out: Path, full_out: Path, *, search: bool = True) -> None:
    dev, full = site_files(dev_out, search=search), site_files(full_out, search=search)
    assert sorted(dev) == sorted(full)
    different = [name for name in full if dev[name] != full[name]]
    assert different == []


def assert_published_only_what_pages_show(out: Path, vault: Path) -> None:
    attachments = {
        p.relative_to(vault).as_posix() for p in vault.rglob("*") if p.is_file()
    } - {p.relative_to(vault).as_posix() for p in vault.rglob("*.md")}
    copied = {name for name in attachments if (out / name).is_file()}
    assert copied == shown_files(out) & attachments
    leaked = [name for name, data in readable_files(out).items() if b"private remark" in data]
    assert leaked == []


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_incremental_random_edits_match_full_build(tmp_path: Path, seed: int) -> None:
    """Every file but the search index is compared after every step; the search index (the
    slow part of a full build) is compared, byte for byte too, every SEARCH_EVERY steps."""
    rng = random.Random(seed)
    vault = tmp_path / "vault"
    model = VaultModel(vault, rng)
    dev_out, full_out = tmp_path / "dev", tmp_path / "full"
    builder = LiveSite(
        BuildOptions(vault=vault, out=dev_out, cache_dir=None), auto_search=False
    )
    builder.full_build()
    for step in range(STEPS):
        touched = model.step()
        builder.rebuild({vault / p for p in touched})
        search = step % SEARCH_EVERY == SEARCH_EVERY - 1
        if search:
            builder.update_search()
        full = build(BuildOptions(vault=vault, out=full_out, cache_dir=None))
        try:
            assert_same_site(dev_out, full_out, search=search)
            assert builder.diagnostics == full.diagnostics
            assert_published_only_what_pages_show(dev_out, vault)
        except AssertionError as exc:
            raise AssertionError(f"step {step}: after touching {touched}: {exc}") from None
    builder.close()


def test_incremental_publishes_the_attachments_a_full_build_does(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    dev_out, full_out = tmp_path / "dev", tmp_path / "full"
    builder = LiveSite(
        BuildOptions(vault=vault, out=dev_out, cache_dir=None), auto_search=False
    )
    builder.full_build()
    lesson = (vault / "lessons" / "Lesson.md").read_text("utf-8")
    edits: list[tuple[str, str | bytes | None, set[str]]] = [
        # a published note stops linking to a file (the fast path)
        ("lessons/Lesson.md", lesson.replace(" and [[handout.pdf]]", ""),
         PUBLISHED - {"handout.pdf"}),
        # a note embedded through another one stops showing a picture
        ("Deeper.md", "# Deeper\n\n## Figure\n\nNo picture.\n",
         PUBLISHED - {"handout.pdf", "figure.svg"}),
        # a note that is not published links to a file: still private
        ("Hidden.md", "---\npublish: false\n---\n![[notes-to-self.txt]]\n",
         PUBLISHED - {"handout.pdf", "figure.svg"}),
        # the draft is published: the section the lesson embeds shows its answers now
        ("Answers.md", str(VAULT["Answers.md"]).replace("draft: true", "draft: false"),
         PUBLISHED - {"handout.pdf", "figure.svg"} | {"private/exam-answers.pdf"}),
        # a shown file is deleted, then written again
        ("callout.png", None, PUBLISHED - {"handout.pdf", "figure.svg", "callout.png"}
         | {"private/exam-answers.pdf"}),
        ("callout.png", b"\x89PNG again", PUBLISHED - {"handout.pdf", "figure.svg"}
         | {"private/exam-answers.pdf"}),
    ]
    for step, (name, content, expected) in enumerate(edits):
        path = vault / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
        builder.rebuild({path})
        full = build(BuildOptions(vault=vault, out=full_out, cache_dir=None))
        try:
            assert_same_site(dev_out, full_out, search=False)
            assert builder.diagnostics == full.diagnostics
            copied = {n for n in VAULT if not n.endswith(".md") and (dev_out / n).is_file()}
            assert copied == expected
            info = {d.file for d in builder.diagnostics if d.code == "attachment.unpublished"}
            assert info == {n for n in VAULT if not n.endswith(".md")} - expected - {name}
        except AssertionError as exc:
            raise AssertionError(f"step {step} ({name}): {exc}") from None
    builder.close()


def test_incremental_capped_diagnostics_match_full_build(tmp_path: Path) -> None:
    """A note with more broken links than are shown (cap_repeats), edited across the cap."""
    vault = tmp_path / "vault"
    (vault / "lessons").mkdir(parents=True)
    (vault / "index.md").write_text("# Course\n\n## 1. Start\n\n- [[Broken]]\n", "utf-8")
    broken = vault / "lessons" / "Broken.md"
    other = vault / "lessons" / "Other.md"

    def links(count: int, prefix: str = "Missing") -> str:
        return "\n".join(f"See [[{prefix} {i}]]." for i in range(count)) + "\n"

    broken.write_text("# Broken\n\n" + links(55), "utf-8")
    other.write_text("# Other\n\nSee [[Broken]].\n", "utf-8")
    dev_out, full_out = tmp_path / "dev", tmp_path / "full"
    builder = LiveSite(
        BuildOptions(vault=vault, out=dev_out, cache_dir=None), auto_search=False
    )
    builder.full_build()
    edits = [
        (broken, "# Broken\n\n" + links(45)),  # under the cap: the summary goes
        (broken, "# Broken\n\n" + links(70)),  # over it again
        (other, "# Other\n\n" + links(60, "Nowhere") + "See [[Broken]].\n"),
        (broken, "# Broken\n\n" + links(70) + "And [[Other]].\n"),  # the same problems
        (other, "# Other\n\nSee [[Broken]].\n"),
    ]
    for step, (path, text) in enumerate(edits):
        path.write_text(text, "utf-8")
        builder.rebuild({path})
        build(BuildOptions(vault=vault, out=full_out, cache_dir=None))
        try:
            assert_same_site(dev_out, full_out, search=False)
        except AssertionError as exc:
            raise AssertionError(f"step {step}: {exc}") from None
        assert builder.diagnostics == build_diagnostics(vault, tmp_path / "check")
    builder.close()


def build_diagnostics(vault: Path, out: Path) -> list[Diagnostic]:
    return build(BuildOptions(vault=vault, out=out, cache_dir=None)).diagnostics


@pytest.mark.parametrize("how", ["dev", "saved state"])
def test_incremental_frontmatter_retitle_reaches_the_backlinks_of_the_page_it_links_to(
    make_vault: VaultFactory, tmp_path: Path, how: str
) -> None:
    # The body of the linking note is unchanged to other notes (links show their own text),
    # but the page it links to lists it by title among its backlinks.
    vault = make_vault({
        "index.md": "# Course\n\n## 1. Start\n\n- [[Target]]\n",
        "Source.md": "---\ntitle: Old title\n---\nSee [[Target]].\n",
        "Target.md": "# Target\n\nText.\n",
    })
    options = BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=tmp_path / "cache")
    site = LiveSite(options, background_search=False) if how == "dev" else None
    if site is not None:
        site.full_build()
    else:
        build(options)
    (vault / "Source.md").write_text("---\ntitle: New title\n---\nSee [[Target]].\n", "utf-8")
    if site is not None:
        site.rebuild({vault / "Source.md"})
    else:
        build(options)
    page = (tmp_path / "site" / "target" / "index.html").read_text("utf-8")
    assert "New title" in page and "Old title" not in page
