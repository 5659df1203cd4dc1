"""By property: after any sequence of an author's edits, the incremental output (every file,
byte for byte, and the diagnostics) equals a cold build of the same vault into a fresh folder:
the dev loop's, and ``coursegen build``'s from the state its previous build saved.

Hypothesis drives the dev builder through random edits of a small vault that has everything
the pipeline must keep consistent: links with headings and blocks, section and block embeds,
aliases, tags, notes of the same name in two folders, an attachment, ``publish: false`` and
``draft: true``, renames, deletes, retitles, the home note's outline, try-its, exercises
(whose ids repeat across notes) and an ``{{#include}}`` of a project file that changes too.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from generator.build import BuildOptions, build
from generator.dev.session import LiveSite
from generator.search import SEARCH_DIR

NAMES = ["Routes", "Models", "Caching", "Status codes", "Async"]
FOLDERS = ["lessons", "concepts"]
ALIASES = ["", "the-alias", "other alias"]
TAGS = ["", "#api", "#python/typing", "#HTTP"]
EXERCISE_IDS = ["status-404", "status-422", "route-get"]
REQUESTS = ["GET /api/weather/Portland?state=OR", "GET /api/nowhere", "DELETE /api/reports/1"]
CODE = ["def hello() -> str:\n    return 'hello'\n", "def hello() -> str:\n    return 'hi'\n"]


@dataclass
class NoteSpec:
    """One note's frontmatter and body lines, written out whole on every save."""

    title: str = ""
    alias: str = ""
    tag: str = ""
    state: str = ""  # "", "publish: false" or "draft: true"
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        head = [f"title: {self.title}"] if self.title else []
        head += [f"aliases: [{self.alias}]"] if self.alias else []
        head += [self.state] if self.state else []
        front = ["---", *head, "---"] if head else []
        tag = [self.tag] if self.tag else []
        body = ["# Start", "", "Intro line. ^intro", "", "## Part", "", *self.lines, *tag]
        return "\n".join([*front, *body, "", "## End", "", "Last words."]) + "\n"


def site_files(out: Path) -> dict[str, bytes]:
    return {
        rel: path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not (rel := path.relative_to(out).as_posix()).startswith(".")
    }


class AuthorEdits(RuleBasedStateMachine):
    """The vault, the dev builder kept up to date, and after each edit a cold build to match."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="coursegen-equivalence-"))
        self.project = self.tmp / "project"
        self.vault = self.project / "notes"
        self.notes: dict[str, NoteSpec] = {}
        self.counter = itertools.count()
        self.touched: set[str] = set()
        self.builder: LiveSite | None = None
        self.searched = False

    @initialize()
    def start(self) -> None:
        (self.vault / "img").mkdir(parents=True)
        (self.project / "code").mkdir()
        (self.project / "code" / "app.py").write_text(CODE[0], "utf-8")
        (self.vault / "img" / "chart.png").write_bytes(b"\x89PNG chart")
        for folder, name in [("lessons", "Routes"), ("lessons", "Models"),
                             ("concepts", "Routes"), ("concepts", "Caching")]:
            self.notes[f"{folder}/{name}.md"] = NoteSpec(lines=["Some text."])
        for path in self.notes:
            self._save(path)
        self._write_home(reverse=False)
        self.builder = LiveSite(self._options(self.tmp / "dev"), auto_search=False)
        self.builder.full_build()
        self.touched.clear()

    def teardown(self) -> None:
        if self.builder is not None:
            self.builder.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the author's edits ----------------------------------------------------------------

    def _options(self, out: Path) -> BuildOptions:
        return BuildOptions(vault=self.vault, out=out, cache_dir=None,
                            project_root=self.project)

    def _save(self, path: str) -> None:
        target = self.vault / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.notes[path].text(), "utf-8")
        self.touched.add(path)

    def _write_home(self, *, reverse: bool) -> None:
        lessons = sorted(p for p in self.notes if p.startswith("lessons/"))
        if reverse:
            lessons.reverse()
        lines = ["---", "title: Property course", "---", "# Property course", "",
                 "## 1. First", ""]
        lines += [f"- [[{p.removesuffix('.md')}]]" for p in lessons[:2]]
        lines += ["", "## 2. Second", ""]
        lines += [f"- [[{p.removesuffix('.md')}]]" for p in lessons[2:]]
        (self.vault / "index.md").write_text("\n".join(lines) + "\n", "utf-8")
        self.touched.add("index.md")

    def _pick(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.notes)), label="note")

    @precondition(lambda self: len(self.notes) < 9)
    @rule(folder=st.sampled_from(FOLDERS), name=st.sampled_from(NAMES))
    def create(self, folder: str, name: str) -> None:
        path = f"{folder}/{name}.md"
        if path in self.notes:
            path = f"{folder}/{name} {next(self.counter)}.md"
        self.notes[path] = NoteSpec(lines=["Fresh note."])
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), name=st.sampled_from([*NAMES, "the-alias", "Nowhere"]),
          form=st.sampled_from(["[[{}]]", "[[{}#Part|see]]", "[[{}#^intro]]", "![[{}#Part]]",
                                "![[{}#^intro]]", "![[{}]]", "[[{}#Missing]]"]))
    def link(self, data: st.DataObject, name: str, form: str) -> None:
        path = self._pick(data)
        self.notes[path].lines.append(f"See {form.format(name)} here.")
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), words=st.sampled_from(["More text.", "A ==highlight== here.",
                                                 "Inline `code` and **bold**."]))
    def text(self, data: st.DataObject, words: str) -> None:
        path = self._pick(data)
        self.notes[path].lines.append(words)
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data())
    def unlink(self, data: st.DataObject) -> None:
        path = self._pick(data)
        spec = self.notes[path]
        spec.lines = [line for line in spec.lines if "[[" not in line] or ["Plain."]
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def rename(self, data: st.DataObject, name: str) -> None:
        path = self._pick(data)
        new = f"{path.partition('/')[0]}/{name} {next(self.counter)}.md"
        self.notes[new] = self.notes.pop(path)
        (self.vault / new).parent.mkdir(parents=True, exist_ok=True)
        (self.vault / path).rename(self.vault / new)
        self.touched |= {path, new}

    @precondition(lambda self: len(self.notes) > 1)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        path = self._pick(data)
        del self.notes[path]
        (self.vault / path).unlink()
        self.touched.add(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), title=st.sampled_from(["", "A title", "Another title"]),
          alias=st.sampled_from(ALIASES), tag=st.sampled_from(TAGS))
    def frontmatter(self, data: st.DataObject, title: str, alias: str, tag: str) -> None:
        path = self._pick(data)
        spec = self.notes[path]
        spec.title, spec.alias, spec.tag = title, alias, tag
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), state=st.sampled_from(["", "publish: false", "draft: true"]))
    def publish(self, data: st.DataObject, state: str) -> None:
        path = self._pick(data)
        self.notes[path].state = state
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), request=st.sampled_from(REQUESTS))
    def tryit(self, data: st.DataObject, request: str) -> None:
        path = self._pick(data)
        self.notes[path].lines += ["", "```tryit", request, "```", ""]
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data(), exercise_id=st.sampled_from(EXERCISE_IDS))
    def exercise(self, data: st.DataObject, exercise_id: str) -> None:
        path = self._pick(data)
        self.notes[path].lines += [
            "", "```exercise", f"id: {exercise_id}", "title: Find the answer",
            "task: Make the API answer **404**.", "start: GET /api/weather/Portland?state=OR",
            "check:", "  status: 404", "```", "",
        ]
        self._save(path)

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data())
    def include(self, data: st.DataObject) -> None:
        path = self._pick(data)
        self.notes[path].lines += ["", "```python", "{{#include code/app.py:hello}}", "```", ""]
        self._save(path)

    @rule(version=st.sampled_from(CODE))
    def change_project_file(self, version: str) -> None:
        (self.project / "code" / "app.py").write_text(version, "utf-8")

    @rule()
    def toggle_attachment(self) -> None:
        chart = self.vault / "img" / "chart.png"
        if chart.exists():
            chart.unlink()
        else:
            chart.write_bytes(b"\x89PNG chart again")
        self.touched.add("img/chart.png")

    @precondition(lambda self: bool(self.notes))
    @rule(data=st.data())
    def embed_attachment(self, data: st.DataObject) -> None:
        path = self._pick(data)
        self.notes[path].lines.append("![[chart.png|200]]")
        self._save(path)

    @rule(reverse=st.booleans())
    def outline(self, reverse: bool) -> None:
        self._write_home(reverse=reverse)

    @rule()
    def search(self) -> None:
        self.searched = True

    # -- the property ----------------------------------------------------------------------

    @invariant()
    def same_as_cold_build(self) -> None:
        assert self.builder is not None
        self.builder.rebuild({self.vault / p for p in self.touched})
        self.touched.clear()
        if self.searched:
            self.builder.update_search()
        cold_out = Path(tempfile.mkdtemp(prefix="cold-", dir=self.tmp)) / "site"
        cold = build(self._options(cold_out))
        incremental = site_files(self.tmp / "dev")
        expected = site_files(cold_out)
        if not self.searched:  # Pagefind is the slow part: compared when a rule asks for it
            incremental = {k: v for k, v in incremental.items() if not k.startswith(SEARCH_DIR)}
            expected = {k: v for k, v in expected.items() if not k.startswith(SEARCH_DIR)}
        assert sorted(incremental) == sorted(expected)
        assert [name for name in expected if incremental[name] != expected[name]] == []
        assert [str(d) for d in self.builder.diagnostics] == [str(d) for d in cold.diagnostics]
        # coursegen build from the state the previous build saved in its cache folder
        saved = build(replace(self._options(self.tmp / "built"), cache_dir=self.tmp / "cache"))
        again = site_files(self.tmp / "built")
        if not self.searched:
            again = {k: v for k, v in again.items() if not k.startswith(SEARCH_DIR)}
        assert sorted(again) == sorted(expected)
        assert [name for name in expected if again[name] != expected[name]] == []
        assert [str(d) for d in saved.diagnostics] == [str(d) for d in cold.diagnostics]
        self.searched = False
        shutil.rmtree(cold_out.parent)


AuthorEdits.TestCase.settings = settings(
    max_examples=int(os.environ.get("EQUIVALENCE_EXAMPLES", "12")),
    stateful_step_count=12,
    deadline=None,
    # Shrinking a failing run of builds takes minutes; the failing steps are printed as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_incremental_build_equals_cold_build = AuthorEdits.TestCase
