"""Vault-wide checks give one answer whichever way the notes were rendered: in one process, on
worker processes, or one note at a time by the dev loop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.build import BuildOptions, assemble
from generator.dev.session import LiveSite
from generator.diagnostics import Diagnostic

VaultFactory = Callable[[dict[str, str | bytes]], Path]
HOME = "---\ntitle: Course\n---\n# Course\n\n- [[Lesson]]\n"


def exercise(exercise_id: str) -> str:
    return (f"# Exercise\n\nText.\n\n```exercise\nid: {exercise_id}\ntitle: Not found\n"
            "task: Make it answer 404.\nstart: GET /api/weather/Portland?state=OR\n"
            "check:\n  status: 404\n```\n")


def codes(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def test_vaultwide_duplicate_exercise_id_on_two_workers_is_reported_once(
    make_vault: VaultFactory,
) -> None:
    files: dict[str, str | bytes] = {"index.md": HOME, "Lesson.md": exercise("same")}
    files |= {f"filler/Note {i}.md": f"# Note {i}\n\nText {i}.\n" for i in range(160)}
    files["zzz/Last.md"] = exercise("same")  # on the other worker's share
    result = assemble(BuildOptions(vault=make_vault(files), cache_dir=None, workers=2))
    [problem] = codes(result.diagnostics, "exercise.duplicate-id")
    assert (problem.file, problem.line) == ("zzz/Last.md", 6)
    assert "Lesson.md:6" in problem.message


def test_vaultwide_duplicate_exercise_id_in_dev_comes_and_goes(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault({"index.md": HOME, "Lesson.md": exercise("same"),
                        "Other.md": "# Other\n"})
    builder = LiveSite(BuildOptions(vault=vault, out=tmp_path / "site",
                                              cache_dir=None), auto_search=False)
    builder.full_build()
    assert codes(builder.diagnostics, "exercise.duplicate-id") == []
    (vault / "Other.md").write_text(exercise("same"), "utf-8")
    builder.rebuild({vault / "Other.md"})
    [problem] = codes(builder.diagnostics, "exercise.duplicate-id")
    assert problem.file == "Other.md" and "Lesson.md:6" in problem.message
    (vault / "Other.md").write_text(exercise("another"), "utf-8")
    builder.rebuild({vault / "Other.md"})
    assert codes(builder.diagnostics, "exercise.duplicate-id") == []
    builder.close()


def test_vaultwide_unreadable_openapi_is_one_error_at_the_home_note(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    home = "---\ntitle: Course\nopenapi: missing.json\n---\n# Course\n\n- [[Lesson]]\n"
    tryit = "# Try\n\n```tryit\nGET /pets/1\n```\n"
    vault = make_vault({"index.md": home, "Lesson.md": tryit, "Two.md": tryit,
                        "Three.md": tryit})
    result = assemble(BuildOptions(vault=vault, cache_dir=None))
    builder = LiveSite(BuildOptions(vault=vault, out=tmp_path / "site",
                                              cache_dir=None), auto_search=False)
    builder.full_build()
    for found in (result.diagnostics, builder.diagnostics):
        [problem] = codes(found, "tryit.openapi")
        assert (problem.file, problem.line, problem.severity) == ("index.md", 3, "error")
        assert "missing.json" in problem.message
    builder.close()
