"""The build-along checkpoints prove the student exercises check their lesson: each step's
exercises pass on its reference app (start and wrong answers fail there) and fail on the
app of the step before. Every checkpoint runs under a real uvicorn on a free port."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.tryit.blocks import Exercise, Request, parse_exercise
from generator.tryit.live import judge_answer
from tests.e2e.test_tryit_browser import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS = ROOT / "course_app" / "checkpoints"
_FENCE = re.compile(r"^```exercise\n(.*?)^```", re.S | re.M)


def student_exercises() -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for note in sorted((ROOT / "notes").rglob("*.md")):
        for match in _FENCE.finditer(note.read_text(encoding="utf-8")):
            exercise, problems = parse_exercise(match.group(1))
            assert exercise is not None, (note, problems)
            if exercise.target == "student":
                found[exercise.id] = exercise
    return found


def steps() -> dict[str, list[str]]:
    data = yaml.safe_load((CHECKPOINTS / "steps.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {str(step): list(ids) for step, ids in data.items()}


def previous(step: str) -> str:
    return f"step_{int(step.removeprefix('step_')) - 1:02d}"


@pytest.fixture(scope="module")
def app_at(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Start a checkpoint (once) from a copy of its folder, as a student runs theirs.

    A copy, since a step may write files beside its code (step 12's notes.sqlite3);
    ``edit`` changes the copy's main.py, to show what a slip in the lesson's code does.
    """
    running: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}

    def start(step: str, edit: Callable[[str], str] | None = None) -> str:
        key = step if edit is None else f"{step}-edited"
        if key not in running:
            folder = tmp_path_factory.mktemp("checkpoint") / step
            shutil.copytree(CHECKPOINTS / step, folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
            if edit is not None:
                main = folder / "main.py"
                main.write_text(edit(main.read_text(encoding="utf-8")), encoding="utf-8")
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"],
                cwd=folder,
            )
            base = f"http://127.0.0.1:{port}"
            running[key] = (base, process)
            wait_until_up(base + "/docs", process)
        return running[key][0]

    yield start
    for _, process in running.values():
        process.terminate()
        process.wait(timeout=10)


def differences(base: str, check: Any, request: Request) -> list[str]:
    response = httpx.request(
        request.method, base + request.path, params=request.query,
        headers=request.send_headers(),
        content=request.body.encode("utf-8") if request.body else None, timeout=10,
    )
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return judge_answer(check, request, response.status_code, dict(response.headers), body)


def test_steps_name_every_student_exercise_once() -> None:
    listed = [ident for ids in steps().values() for ident in ids]
    assert sorted(listed) == sorted(student_exercises())
    assert len(listed) == len(set(listed))
    for step in steps():
        assert (CHECKPOINTS / step / "main.py").is_file()
        assert (CHECKPOINTS / previous(step) / "main.py").is_file()


@pytest.mark.parametrize("step", list(steps()))
def test_checkpoint_step_exercises_pass_there_and_fail_on_the_step_before(
    step: str, app_at: Callable[..., str]
) -> None:
    exercises = student_exercises()
    for ident in steps()[step]:
        exercise = exercises[ident]
        assert exercise.solution is not None, ident
        base = app_at(step)
        assert differences(base, exercise.check, exercise.start), f"{ident}: start passes"
        for wrong in exercise.wrong:
            assert differences(base, exercise.check, wrong), \
                f"{ident}: wrong answer {wrong.method} {wrong.target} passes at {step}"
        assert differences(base, exercise.check, exercise.solution) == [], ident
        before = app_at(previous(step))
        assert differences(before, exercise.check, exercise.solution), \
            f"{ident}: the solution already passes at {previous(step)}"


def test_checkpoint_yield_dependency_that_swallows_the_error_fails_the_blank_note_exercise(
    app_at: Callable[..., str],
) -> None:
    # The exercise checks what the lesson warns about: a get_db whose except rolls back but
    # does not re-raise leaves FastAPI no answer to send, so the client gets a 500.
    def forget_the_raise(code: str) -> str:
        assert "        raise  " in code
        return code.replace("        raise  ", "        pass  ")

    exercise = student_exercises()["build-blank-note"]
    assert exercise.solution is not None
    base = app_at("step_12", forget_the_raise)
    found = differences(base, exercise.check, exercise.solution)
    assert any("500" in difference for difference in found), found
