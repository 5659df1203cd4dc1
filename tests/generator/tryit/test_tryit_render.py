"""Try-it and exercise fences in a real build: page HTML, schema validation, diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.build import BuildOptions, BuildResult, assemble
from generator.diagnostics import Diagnostic

VaultFactory = Callable[[dict[str, str | bytes]], Path]
HOME = "---\ntitle: Course\n---\n# Course\n\n- [[Lesson]]\n"


def build(make_vault: VaultFactory, lesson: str, **extra: str) -> BuildResult:
    root = make_vault({"index.md": extra.pop("index.md", HOME), "Lesson.md": lesson, **extra})
    return assemble(BuildOptions(vault=root, cache_dir=None))


def tryit_problems(result: BuildResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.code.startswith(("tryit.", "exercise."))]


def fence(kind: str, body: str, before: str = "# Lesson\n\nText.\n\n") -> str:
    return f"{before}```{kind}\n{body}\n```\n"


def page(result: BuildResult, name: str = "lesson/index.html") -> HTMLParser:
    return HTMLParser(result.files[name].decode())


def one(node: Any, selector: str) -> Any:
    found = node.css_first(selector)
    assert found is not None, selector
    return found


def test_render_tryit_valid_request_is_a_panel_with_code_and_curl(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("tryit", "# Portland\nGET /api/weather/Portland?state=OR"))
    assert tryit_problems(result) == []
    section = page(result).css_first("section.tryit")
    assert section is not None
    data = json.loads(section.attributes["data-tryit"] or "")
    assert data["request"] == {"method": "GET", "path": "/api/weather/Portland",
                               "query": [["state", "OR"]], "headers": [], "body": "",
                               "json": False}
    assert data["title"] == "Portland"
    assert "GET /api/weather/Portland?state=OR" in one(section, "pre").text()
    curl = one(section, ".tryit-curl").text()
    assert curl == "curl 'http://127.0.0.1:8000/api/weather/Portland?state=OR'"


def test_render_tryit_post_curl_sends_the_json_body_with_its_type(
    make_vault: VaultFactory,
) -> None:
    body = 'POST /api/reports\n\n{"location": {"city": "Portland"}, "description": "it\'s wet"}'
    result = build(make_vault, fence("tryit", body))
    assert tryit_problems(result) == []
    curl = one(page(result), ".tryit-curl").text()
    assert curl.startswith("curl -X POST 'http://127.0.0.1:8000/api/reports' "
                           "-H 'Content-Type: application/json' --data '{")
    assert "it'\\''s wet" in curl


def test_render_tryit_title_with_html_is_escaped(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("tryit", "# <script>alert(1)</script>\nGET /api/health"))
    html = result.files["lesson/index.html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_render_tryit_unknown_path_is_an_error_with_the_closest_path(
    make_vault: VaultFactory,
) -> None:
    result = build(make_vault, fence("tryit", "GET /api/wether/Portland"))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.severity, problem.file, problem.line) == (
        "tryit.unknown-endpoint", "error", "Lesson.md", 6)
    assert problem.hint == "did you mean /api/weather/{city}?"


def test_render_tryit_wrong_method_names_the_allowed_ones(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("tryit", "DELETE /api/calculate?x=1"))
    [problem] = tryit_problems(result)
    assert problem.code == "tryit.unknown-endpoint"
    assert problem.hint == "it allows GET"


def test_render_tryit_route_outside_the_schema_is_accepted(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("tryit", "GET /docs") + fence("tryit", "GET /openapi.json"))
    assert tryit_problems(result) == []


def test_render_tryit_unknown_query_parameter_is_a_warning(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("tryit", "GET /api/calculate?x=1&w=2"))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.severity) == ("tryit.unknown-query", "warning")
    assert "'w'" in problem.message and problem.hint == "it takes x, y, z"


def test_render_tryit_body_against_schema_warns_on_each_mismatch(
    make_vault: VaultFactory,
) -> None:
    body = 'POST /api/reports\nContent-Type: application/json\n\n{"location": {"city": 5}}'
    result = build(make_vault, fence("tryit", body))
    messages = sorted(p.message for p in tryit_problems(result))
    assert messages == ["body is missing the required field 'description'",
                        "body.location.city must be a string, got an integer"]
    assert {p.severity for p in tryit_problems(result)} == {"warning"}
    assert {p.line for p in tryit_problems(result)} == {9}


def test_render_tryit_malformed_block_is_an_error_and_reads_as_code(
    make_vault: VaultFactory,
) -> None:
    result = build(make_vault, fence("tryit", "# t\nGET /api/health\nbroken header"))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("tryit.header", 8)
    result = build(make_vault, fence("tryit", "FETCH /api/health"))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("tryit.request-line", 6)
    invalid = page(result).css_first(".tryit-invalid")
    assert invalid is not None and "FETCH /api/health" in invalid.text()


EXERCISE = """\
id: {id}
title: Make it answer 12
task: |
  Choose `x` so that `value` is **12**, see [[Other]].
start: |
  GET /api/calculate?x=1
check:
  status: 200
  json:
    value: 12
solution: |
  GET /api/calculate?x=2
hint: Ten <plus> two."""


def test_render_exercise_is_a_panel_with_task_check_hint_and_solution(
    make_vault: VaultFactory,
) -> None:
    result = build(make_vault, fence("exercise", EXERCISE.format(id="twelve")),
                   **{"Other.md": "# Other\n"})
    assert tryit_problems(result) == []
    assert result.resolved.notes["Lesson.md"].exercises == ["twelve"]
    section = page(result).css_first("section.exercise")
    assert section is not None
    assert section.attributes["data-exercise-id"] == "twelve"
    assert section.attributes["id"] == "exercise-twelve"
    task = one(section, ".exercise-task")
    assert one(task, "strong").text() == "12"
    assert one(task, "a").attributes["href"] == "../other/"
    assert json.loads(section.attributes["data-check"] or "") == {
        "status": 200, "json": {"value": 12}, "header": {}}
    assert section.attributes["data-hint"] == "Ten <plus> two."
    assert section.attributes["data-solution"] == "GET /api/calculate?x=2"
    data = json.loads(section.attributes["data-tryit"] or "")
    assert data["request"]["query"] == [["x", "1"]]
    assert data["solution"]["query"] == [["x", "2"]]
    # without JavaScript, the hint and solution are there but folded
    assert [one(d, "summary").text() for d in section.css("details")] == ["Hint", "Solution"]
    assert "Ten &lt;plus&gt; two." in result.files["lesson/index.html"].decode()


def test_render_exercise_wrong_start_body_is_not_warned(make_vault: VaultFactory) -> None:
    text = EXERCISE.format(id="e").replace(
        "GET /api/calculate?x=1", 'POST /api/reports\n  Content-Type: application/json\n\n'
        '  {"location": 1}')
    result = build(make_vault, fence("exercise", text))
    assert tryit_problems(result) == []


def test_render_exercise_start_at_unknown_endpoint_is_an_error_on_its_line(
    make_vault: VaultFactory,
) -> None:
    text = EXERCISE.format(id="e").replace("GET /api/calculate?x=1", "GET /api/calc?x=1")
    result = build(make_vault, fence("exercise", text))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("tryit.unknown-endpoint", 11)
    assert problem.hint == "did you mean /api/calculate?"


def test_render_exercise_unknown_key_is_an_error_on_its_line(make_vault: VaultFactory) -> None:
    result = build(make_vault, fence("exercise", EXERCISE.format(id="e") + "\nanswer: 2"))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("exercise.unknown-key", 19)
    assert result.resolved.notes["Lesson.md"].exercises == []


def test_render_exercise_missing_check_is_an_error(make_vault: VaultFactory) -> None:
    text = EXERCISE.format(id="e").replace("check:\n  status: 200\n  json:\n    value: 12\n", "")
    result = build(make_vault, fence("exercise", text))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.severity) == ("exercise.missing-key", "error")
    assert "'check'" in problem.message


def test_render_exercise_duplicate_id_in_the_vault_is_a_warning(
    make_vault: VaultFactory,
) -> None:
    result = build(make_vault, fence("exercise", EXERCISE.format(id="same")),
                   **{"Other.md": fence("exercise", EXERCISE.format(id="same"))})
    [problem] = tryit_problems(result)
    assert (problem.code, problem.severity) == ("exercise.duplicate-id", "warning")
    assert problem.file == "Other.md" and "Lesson.md:6" in problem.message


def test_render_exercise_embedded_elsewhere_is_not_a_duplicate(make_vault: VaultFactory) -> None:
    result = build(make_vault, "# Lesson\n\n![[Other]]\n",
                   **{"Other.md": fence("exercise", EXERCISE.format(id="once"))})
    assert tryit_problems(result) == []
    assert result.resolved.notes["Lesson.md"].exercises == ["once"]


def test_render_tryit_course_openapi_file_replaces_the_demo_schema(
    make_vault: VaultFactory,
) -> None:
    schema = {"openapi": "3.1.0", "paths": {"/pets/{id}": {"get": {"parameters": [
        {"name": "id", "in": "path"}, {"name": "full", "in": "query"}]}}}}
    home = "---\ntitle: Pets\nopenapi: pets.json\n---\n# Pets\n\n- [[Lesson]]\n"
    lesson = fence("tryit", "GET /pets/3?full=1") + fence("tryit", "GET /api/health")
    result = build(make_vault, lesson, **{"index.md": home, "pets.json": json.dumps(schema)})
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("tryit.unknown-endpoint", 13)


def test_render_tryit_missing_openapi_file_is_an_error(make_vault: VaultFactory) -> None:
    home = "---\ntitle: Pets\nopenapi: nowhere.yaml\n---\n# Pets\n\n- [[Lesson]]\n"
    result = build(make_vault, fence("tryit", "GET /pets"), **{"index.md": home})
    codes = [p.code for p in tryit_problems(result)]
    assert codes == ["tryit.openapi"]


def test_build_without_tryit_blocks_never_imports_the_demo_api(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    root = make_vault({"index.md": HOME, "Lesson.md": "# Lesson\n\n```python\nx = 1\n```\n"})
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from generator.build import BuildOptions, assemble\n"
        f"assemble(BuildOptions(vault=Path({str(root)!r}), cache_dir=None))\n"
        "print('demo_api' in sys.modules, 'fastapi' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout.split() == ["False", "False"]


def test_render_tryit_data_attribute_round_trips_quotes_and_unicode(
    make_vault: VaultFactory,
) -> None:
    body = 'POST /api/reports\n\n{"location": {"city": "São Paulo"}, "description": "\\"q\\" \'s"}'
    result = build(make_vault, fence("tryit", body))
    raw = result.files["lesson/index.html"].decode()
    start = raw.index('data-tryit="') + len('data-tryit="')
    data = json.loads(unescape(raw[start:raw.index('"', start)]))
    assert json.loads(data["request"]["body"])["location"]["city"] == "São Paulo"


def test_render_exercise_hint_with_code_spans_shows_code_not_backticks(
    make_vault: VaultFactory,
) -> None:
    text = EXERCISE.format(id="h").replace(
        "hint: Ten <plus> two.", "hint: Replace `x=1` with **two** <b>ones</b>.")
    result = build(make_vault, fence("exercise", text))
    hint = one(page(result), "details.exercise-hint p")
    assert one(hint, "code").text() == "x=1"
    assert one(hint, "strong").text() == "two"
    assert "`" not in hint.text()
    assert hint.css_first("b") is None and "<b>ones</b>" in hint.text()


def test_render_exercise_with_nested_aliases_is_reported_not_expanded(
    make_vault: VaultFactory,
) -> None:
    from tests.generator.tryit.test_tryit_blocks import alias_bomb

    result = build(make_vault, fence("exercise", alias_bomb(6).rstrip("\n")))
    [problem] = tryit_problems(result)
    assert (problem.code, problem.line) == ("exercise.yaml", 6)
    assert "once its &anchors and *aliases are expanded" in problem.message
    assert len(result.files["lesson/index.html"]) < 100_000  # not 4 MB of "lol"


def test_render_exercise_405_solution_with_a_method_the_path_lacks_is_no_error(
    make_vault: VaultFactory,
) -> None:
    text = ("id: e\nstart: |\n  GET /api/health\ncheck:\n  status: 405\n"
            "solution: |\n  DELETE /api/health\n")
    result = build(make_vault, fence("exercise", text))
    assert tryit_problems(result) == []


def test_render_exercise_student_target_is_not_checked_against_the_demo_schema(
    make_vault: VaultFactory,
) -> None:
    text = ("id: e\ntarget: student\nstart: |\n  GET /hello\ncheck:\n  status: 200\n"
            "solution: |\n  GET /hello?name=Ada\n")
    result = build(make_vault, fence("exercise", text))
    assert tryit_problems(result) == []
    section = one(page(result), "section.exercise")
    assert section.attributes["class"] == "tryit exercise exercise-student"
    assert json.loads(unescape(section.attributes["data-tryit"]))["target"] == "student"
    assert "http://127.0.0.1:8001/hello" in section.css_first(".tryit-curl").text()
