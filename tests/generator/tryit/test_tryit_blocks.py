"""Parsing ``tryit`` requests and ``exercise`` YAML, every malformed case with its line."""

from __future__ import annotations

import pytest

from generator.tryit.blocks import Check, evaluate, parse_exercise, parse_request


def test_parse_request_get_with_title_and_query_reads_every_part() -> None:
    request, problems = parse_request(
        "# Weather in Portland\nGET /api/weather/Portland?state=OR&units=imperial\n"
    )
    assert problems == []
    assert request is not None
    assert request.title == "Weather in Portland"
    assert (request.method, request.path) == ("GET", "/api/weather/Portland")
    assert request.query == [("state", "OR"), ("units", "imperial")]
    assert request.line == 1


def test_parse_request_full_url_keeps_path_and_query() -> None:
    request, problems = parse_request("GET http://127.0.0.1:8000/api/calculate?x=7 HTTP/1.1")
    assert problems == []
    assert request is not None
    assert (request.path, request.query) == ("/api/calculate", [("x", "7")])


def test_parse_request_post_with_headers_and_json_body_parses_the_body() -> None:
    request, problems = parse_request(
        'POST /api/reports\nContent-Type: application/json\n\n{"description": "misty",\n'
        ' "location": {"city": "Portland"}}\n'
    )
    assert problems == []
    assert request is not None
    assert request.headers == [("Content-Type", "application/json")]
    assert request.is_json
    assert request.json_body["location"]["city"] == "Portland"
    assert request.body_line == 3


def test_parse_request_json_body_without_content_type_gets_one_when_sent() -> None:
    request, _ = parse_request('POST /api/reports\n\n{"a": 1}')
    assert request is not None and request.is_json
    assert ("Content-Type", "application/json") in request.send_headers()


def test_parse_request_plain_text_body_is_not_json() -> None:
    request, problems = parse_request("POST /api/reports\nContent-Type: text/plain\n\nhello {")
    assert problems == [] and request is not None and not request.is_json


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("", 0, "no request"),
        ("# only a title\n", 0, "no request"),
        ("FETCH /api/health", 0, "not an HTTP method"),
        ("GET api/health", 0, "must start with '/'"),
        ("GET", 0, "expected a method and a path"),
        ("# t\n\nGET /a /b", 2, "expected a method and a path"),
    ],
)
def test_parse_request_bad_request_line_is_an_error_on_its_line(
    text: str, offset: int, fragment: str
) -> None:
    request, problems = parse_request(text)
    assert request is None
    assert [(p.code, p.offset, p.severity) for p in problems] == [
        ("tryit.request-line", offset, "error")
    ]
    assert fragment in problems[0].message


def test_parse_request_bad_header_names_its_line() -> None:
    _, problems = parse_request("GET /api/health\nAccept: */*\nnot a header\n")
    assert [(p.code, p.offset) for p in problems] == [("tryit.header", 2)]
    assert "not a header" in problems[0].message


def test_parse_request_body_without_blank_line_hints_at_the_blank_line() -> None:
    _, problems = parse_request('POST /api/reports\n{"a": 1}')
    assert problems[0].code == "tryit.header"
    assert problems[0].hint is not None and "blank line" in problems[0].hint


def test_parse_request_invalid_json_body_points_at_the_bad_body_line() -> None:
    _, problems = parse_request(
        'POST /api/reports\nContent-Type: application/json\n\n{"a": 1,\n "b": }\n'
    )
    assert [(p.code, p.offset) for p in problems] == [("tryit.json", 4)]
    assert "not valid JSON" in problems[0].message


EXERCISE = """\
id: calculate-twelve
title: Make it answer 12
task: |
  Choose `x` so that `value` is **12**.
start: |
  GET /api/calculate?x=1
check:
  status: 200
  json:
    value: 12
  header:
    content-type: application/json
solution: |
  GET /api/calculate?x=2
hint: |
  10 + 2
"""


def test_parse_exercise_complete_block_reads_every_key() -> None:
    exercise, problems = parse_exercise(EXERCISE)
    assert problems == []
    assert exercise is not None
    assert exercise.id == "calculate-twelve"
    assert exercise.title == "Make it answer 12"
    assert "**12**" in exercise.task
    assert exercise.start.query == [("x", "1")]
    assert exercise.check == Check(200, {"value": 12}, {"content-type": "application/json"})
    assert exercise.solution is not None and exercise.solution.query == [("x", "2")]
    assert exercise.hint == "10 + 2"
    assert (exercise.id_offset, exercise.start_offset, exercise.solution_offset) == (0, 5, 13)


def test_parse_exercise_unknown_key_is_an_error_on_its_line() -> None:
    exercise, problems = parse_exercise(EXERCISE + "answer: 42\n")
    assert exercise is None
    assert [(p.code, p.offset) for p in problems] == [("exercise.unknown-key", 16)]
    assert "'answer'" in problems[0].message


@pytest.mark.parametrize("key", ["id", "start", "check"])
def test_parse_exercise_missing_required_key_is_an_error(key: str) -> None:
    text = "\n".join(
        line for line in EXERCISE.splitlines() if not line.startswith(f"{key}:")
    )
    if key in ("start", "check"):  # drop the indented lines of the removed key too
        kept, skipping = [], False
        for line in EXERCISE.splitlines():
            if line.startswith(f"{key}:"):
                skipping = True
                continue
            if skipping and line.startswith(" "):
                continue
            skipping = False
            kept.append(line)
        text = "\n".join(kept)
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert ("exercise.missing-key", f"the exercise has no {key!r}") in [
        (p.code, p.message) for p in problems
    ]


def test_parse_exercise_invalid_yaml_is_an_error_with_its_line() -> None:
    exercise, problems = parse_exercise("id: a\ntitle: [unclosed\ncheck: 1\n")
    assert exercise is None
    assert problems[0].code == "exercise.yaml"
    assert problems[0].offset >= 1


def test_parse_exercise_not_a_mapping_is_an_error() -> None:
    exercise, problems = parse_exercise("- just\n- a list\n")
    assert exercise is None and problems[0].code == "exercise.yaml"


def test_parse_exercise_bad_start_request_is_located_inside_the_block() -> None:
    text = EXERCISE.replace("GET /api/calculate?x=1", "GIVE /api/calculate?x=1")
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert [(p.code, p.offset) for p in problems] == [("tryit.request-line", 5)]
    assert problems[0].message.startswith("start:")


def test_parse_exercise_invalid_json_in_solution_is_located_inside_the_block() -> None:
    text = EXERCISE.replace(
        "solution: |\n  GET /api/calculate?x=2\n",
        "solution: |\n  POST /api/reports\n  Content-Type: application/json\n\n  {oops}\n",
    )
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert [(p.code, p.offset) for p in problems] == [("tryit.json", 16)]


@pytest.mark.parametrize(
    "check",
    ["check: nope", "check:\n  status: fine", "check:\n  status: 200\n  json: [1, 2]",
     "check:\n  status: 200\n  header: x", "check:\n  status: 200\n  body: {}"],
)
def test_parse_exercise_bad_check_is_an_error(check: str) -> None:
    text = EXERCISE.split("check:")[0] + check + "\n"
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert problems and problems[0].code in ("exercise.check", "exercise.unknown-key")


def test_parse_exercise_bad_id_is_an_error() -> None:
    exercise, problems = parse_exercise(EXERCISE.replace("calculate-twelve", "has spaces in it"))
    assert exercise is None and problems[0].code == "exercise.id"


def alias_bomb(levels: int) -> str:
    """An exercise whose check grows nine times with every line, once its aliases expand."""
    lines = ["id: bomb", "start: GET /api/health", "check:", "  status: 200", "  json:",
             '    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"    a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_parse_exercise_nested_aliases_past_the_limit_are_an_error() -> None:
    exercise, problems = parse_exercise(alias_bomb(12))  # 9**12 values once expanded
    # the problems first: showing an expanded exercise in a failure would never end
    assert [p.code for p in problems] == ["exercise.yaml"]
    assert exercise is None
    problem = problems[0]
    assert (problem.code, problem.severity) == ("exercise.yaml", "error")
    assert "more than 10,000 values once its &anchors and *aliases are expanded" in (
        problem.message)
    assert problem.hint and "anchors" in problem.hint


def test_parse_exercise_a_few_aliases_stay_fine() -> None:
    exercise, problems = parse_exercise(alias_bomb(3))
    assert problems == [] and exercise is not None
    assert len(exercise.check.json["a2"]) == 9


def test_parse_exercise_long_text_repeated_by_aliases_is_an_error() -> None:
    text = ("id: long\nstart: GET /api/health\ncheck:\n  status: 200\n  json:\n"
            f"    a: &a {'x' * 200_000}\n    b: [*a, *a, *a, *a, *a, *a]\n")
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert [p.code for p in problems] == ["exercise.yaml"]
    assert "more than 1,000,000 characters" in problems[0].message


def test_parse_exercise_deeply_nested_check_is_an_error() -> None:
    text = ("id: deep\nstart: GET /api/health\ncheck:\n  status: 200\n  json:\n"
            f"    a: {'[' * 60}1{']' * 60}\n")
    exercise, problems = parse_exercise(text)
    assert exercise is None
    assert "nested more than 50 deep" in problems[0].message


def test_parse_request_json_body_nested_past_pythons_stack_is_an_error() -> None:
    body = "[" * 100_000 + "]" * 100_000
    text = f"POST /api/reports\nContent-Type: application/json\n\n{body}"
    request, problems = parse_request(text)
    assert request is not None
    assert [(p.code, p.offset) for p in problems] == [("tryit.json", 3)]
    assert "too deep" in problems[0].message


def test_evaluate_matching_answer_has_no_differences() -> None:
    check = Check(201, {"location.city": "London", "items.0.id": 3}, {"Location": True})
    body = {"location": {"city": "London"}, "items": [{"id": 3.0}]}
    assert evaluate(check, 201, {"location": "/api/reports/3"}, body) == []


def test_evaluate_differences_name_what_differed() -> None:
    check = Check(422, {"location.city": "Portland", "missing.path": 1},
                  {"content-type": "text/html"})
    differences = evaluate(
        check, 200, {"content-type": "application/json"}, {"location": {"city": "London"}}
    )
    assert differences == [
        "expected 422, got 200",
        "expected location.city = Portland, got London",
        "expected missing.path = 1, but the answer has no missing.path",
        "expected header content-type: text/html, got application/json",
    ]
