"""Checks that span the whole vault, made from what each note's body recorded, so that a full
build, a worker's share and the dev loop's single note all reach the same answer."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.diagnostics import Diagnostic, warning
from generator.model import CourseConfig, Note, Vault
from generator.tryit.render import schema_problems

ExerciseSite = tuple[str, str, int]  # (exercise id, note it is written in, line of its id)


def exercise_id_problems(sites: Iterable[ExerciseSite]) -> list[Diagnostic]:
    """A warning at every exercise whose id an earlier one (by note path, then line) already
    uses: progress is stored by id, so two exercises with one id tick each other.

    An exercise embedded in several pages is one site, seen from each of them."""
    first: dict[str, tuple[str, int]] = {}
    problems: list[Diagnostic] = []
    for exercise_id, note, line in sorted(set(sites), key=lambda site: (site[1], site[2])):
        known = first.setdefault(exercise_id, (note, line))
        if known != (note, line):
            problems.append(
                warning(
                    note,
                    line,
                    "exercise.duplicate-id",
                    f"exercise id {exercise_id!r} is already used at {known[0]}:{known[1]}",
                    "give every exercise its own id: progress is stored by id",
                )
            )
    return problems


def api_schema_problems(
    vault: Vault,
    home: str | None,
    config: CourseConfig,
    notes: Iterable[Note],
    project_root: Path | None = None,
) -> list[Diagnostic]:
    """Reported once a build: the schema that try-its are checked against cannot be read,
    and some page shows a panel."""
    if not any(note.tryits for note in notes):
        return []
    source = vault.files.get(home) if home is not None else None
    text = source.data.decode("utf-8", "replace") if source is not None else ""
    return schema_problems(config.openapi, Path(vault.root), project_root, home, text)
