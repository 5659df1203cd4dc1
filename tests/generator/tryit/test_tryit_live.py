"""``coursegen check --live``: every try-it, exercise start and solution sent in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app

VaultFactory = Callable[[dict[str, str | bytes]], Path]
HOME = "---\ntitle: Course\n---\n# Course\n\n- [[Lesson]]\n"

TRYIT = """\
```tryit
# Weather in Portland
GET /api/weather/Portland?state=OR
```
"""

REPORT = """\
```tryit
POST /api/reports
Content-Type: application/json

{"location": {"city": "Portland", "state": "OR"}, "description": "misty"}
```
"""


def exercise(start: str, solution: str, check: str = "  status: 422") -> str:
    return (
        "```exercise\nid: calc\ntitle: Break it\ntask: Get a 422.\n"
        f"start: |\n  {start}\ncheck:\n{check}\nsolution: |\n  {solution}\n```\n"
    )


@pytest.fixture
def run_check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Any]:
    monkeypatch.chdir(tmp_path)  # the parse cache goes here, not into the checkout

    def run(vault: Path, *args: str) -> tuple[int, dict[str, Any]]:
        result = CliRunner().invoke(app, ["check", str(vault), "--live", "--format", "json",
                                          *args])
        return result.exit_code, json.loads(result.stdout)

    return run


def test_check_live_good_vault_exits_0_and_lists_every_run(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + TRYIT + "\n" + REPORT + "\n" + exercise(
        "GET /api/calculate?x=2", "GET /api/calculate?x=two")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 0, payload
    runs = payload["runs"]
    assert [(r["file"], r["line"], r["kind"], r["status"]) for r in runs] == [
        ("Lesson.md", 3, "tryit", 200),
        ("Lesson.md", 8, "tryit", 201),
        ("Lesson.md", 15, "start", 200),
        ("Lesson.md", 15, "solution", 422),
    ]
    assert [r["passed"] for r in runs] == [None, None, False, True]
    assert runs[2]["differences"] == ["expected 422, got 200"]
    assert runs[3]["id"] == "calc" and runs[3]["path"] == "/api/calculate?x=two"
    assert all(r["summary"] for r in runs)
    assert payload["summary"]["errors"] == 0


def test_check_live_failing_solution_exits_1_naming_the_difference(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + exercise(
        "GET /api/calculate?x=1", "GET /api/calculate?x=3", "  status: 200\n  json:\n    value: 12")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 1
    [problem] = [d for d in payload["diagnostics"] if d["code"] == "exercise.solution-fails"]
    assert (problem["file"], problem["line"], problem["severity"]) == ("Lesson.md", 3, "error")
    assert "expected value = 12, got 13" in problem["message"]


def test_check_live_start_that_already_passes_exits_1(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + exercise("GET /api/calculate?x=two", "GET /api/calculate?x=2.5")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 1
    assert [d["code"] for d in payload["diagnostics"]] == ["exercise.start-passes"]


def test_check_live_runs_against_a_fresh_database_each_time(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + REPORT + "\n```tryit\nGET /api/reports/1\n```\n" \
             "\n```tryit\nGET /api/reports/2\n```\n"
    vault = make_vault({"index.md": HOME, "Lesson.md": lesson})
    for _ in range(2):
        code, payload = run_check(vault)
        assert code == 0
        assert [r["status"] for r in payload["runs"]] == [201, 200, 404]


def test_check_live_text_output_prints_each_run(
    make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    vault = make_vault({"index.md": HOME, "Lesson.md": "# Lesson\n\n" + TRYIT})
    result = CliRunner().invoke(app, ["check", str(vault), "--live"])
    assert result.exit_code == 0
    assert "Lesson.md:3: try-it: GET /api/weather/Portland?state=OR -> 200" in result.stderr


def test_check_without_live_sends_nothing(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    vault = make_vault({"index.md": HOME, "Lesson.md": "# Lesson\n\n" + TRYIT})
    result = CliRunner().invoke(app, ["check", str(vault), "--format", "json"])
    assert result.exit_code == 0
    assert "runs" not in json.loads(result.stdout)


def test_check_live_wrong_answer_that_passes_exits_1_naming_it(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    # "Send a DELETE" checked by status alone: a GET for a missing report passes too
    lesson = "# Lesson\n\n" + exercise(
        "GET /api/reports?limit=1", "DELETE /api/reports/999999",
        "  status: 404\nwrong:\n  - GET /api/reports/999999\n  - GET /api/reports?limit=0")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 1
    [problem] = [d for d in payload["diagnostics"] if d["code"] == "exercise.wrong-passes"]
    # at the wrong answer's own line
    assert (problem["file"], problem["line"], problem["severity"]) == ("Lesson.md", 12, "error")
    assert "wrong answer GET /api/reports/999999 of exercise 'calc' passes" in problem["message"]
    wrong_runs = [r for r in payload["runs"] if r["kind"] == "wrong"]
    assert [r["passed"] for r in wrong_runs] == [True, False]


def test_check_live_wrong_answers_failing_the_request_part_exit_0(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + exercise(
        "GET /api/reports?limit=1", "DELETE /api/reports/999999",
        "  status: 404\n  method: DELETE\n  path: /api/reports/{id}\n"
        "wrong:\n  - GET /api/reports/999999\n  - DELETE /api/report/999999")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 0, payload["diagnostics"]
    wrong_runs = [r for r in payload["runs"] if r["kind"] == "wrong"]
    assert [r["differences"][0] for r in wrong_runs] == [
        "the task asks for a DELETE request, not GET",
        "/api/report/999999 is not the path the task is about",
    ]


def test_check_live_student_exercises_are_not_sent_to_the_demo(
    make_vault: VaultFactory, run_check: Callable[..., Any]
) -> None:
    lesson = "# Lesson\n\n" + exercise("GET /hello", "GET /hello?name=Ada",
                                       "  status: 200\ntarget: student")
    code, payload = run_check(make_vault({"index.md": HOME, "Lesson.md": lesson}))
    assert code == 0
    assert payload.get("runs", []) == []
