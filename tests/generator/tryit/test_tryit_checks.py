"""Request constraints, ``detail`` checks, ``wrong:`` answers and ``target:`` of exercises,
and the diagnostics a bad key gets."""

from __future__ import annotations

import pytest

from generator.tryit.blocks import parse_exercise, parse_request
from generator.tryit.checks import MISSING, Check, evaluate, path_matches, request_differences


def block(check: str, extra: str = "") -> str:
    return (
        "id: ex\ntitle: T\ntask: Do it.\nstart: |\n  GET /api/reports?limit=5\n"
        f"check:\n{check}solution: |\n  DELETE /api/reports/7\n{extra}"
    )


def test_parse_exercise_request_keys_are_read_into_the_check() -> None:
    exercise, problems = parse_exercise(block(
        "  method: delete\n  path: /api/reports/{id}\n  status: 404\n"
        "  query:\n    force: null\n"))
    assert problems == []
    assert exercise is not None
    check = exercise.check
    assert (check.method, check.path, check.query) == ("DELETE", "/api/reports/{id}",
                                                       {"force": None})
    assert check.to_data()["method"] == "DELETE"


@pytest.mark.parametrize(
    ("check", "line", "fragment"),
    [
        ("  status: 404\n  method: FETCH\n", 7, "check.method must be an HTTP method"),
        ("  status: 404\n  path: api/reports\n", 7, "check.path must be a path"),
        ("  status: 404\n  path: /api/reports?x=1\n", 7, "holds a query string"),
        ("  status: 404\n  path: /api/{id\n", 7, "malformed placeholder"),
        ("  status: 404\n  query: limit\n", 7, "check.query must map names"),
        ("  status: 404\n  query:\n    limit: [1, 2]\n", 7, "must be one value"),
        ("  status: 404\n  body: [1]\n", 7, "check.body must map names"),
        ("  status: 422\n  detail: []\n", 7, "check.detail must be a message"),
        ("  status: 404\n  bogus: 1\n", 7, "unknown check key 'bogus'"),
    ],
)
def test_parse_exercise_bad_check_key_is_an_error_on_its_own_line(
    check: str, line: int, fragment: str
) -> None:
    exercise, problems = parse_exercise(block(check))
    assert exercise is None
    [problem] = problems
    assert (problem.offset, problem.severity) == (line, "error")
    assert fragment in problem.message
    assert problem.hint


def test_parse_exercise_solution_breaking_the_request_part_is_an_error_at_the_solution() -> None:
    exercise, problems = parse_exercise(block("  status: 404\n  method: GET\n"))
    assert exercise is None
    [problem] = problems
    assert problem.code == "exercise.solution-fails"
    assert problem.offset == 9  # the solution's request line
    assert "the task asks for a GET request, not DELETE" in problem.message


def test_parse_exercise_wrong_answers_are_read_with_their_lines() -> None:
    exercise, problems = parse_exercise(block(
        "  status: 404\n  method: DELETE\n",
        "wrong:\n  - GET /api/reports/7\n  - |\n    DELETE /api/report/7\n"))
    assert problems == []
    assert exercise is not None
    assert [(w.method, w.path) for w in exercise.wrong] == [("GET", "/api/reports/7"),
                                                            ("DELETE", "/api/report/7")]
    assert exercise.wrong_offsets == [11, 13]


@pytest.mark.parametrize(
    ("extra", "line", "fragment"),
    [
        ("wrong: GET /api/reports/7\n", 9, "'wrong' must be a list of requests"),
        ("wrong:\n  - FETCH /x\n", 10, "wrong answer 1: bad request line"),
        ("target: mine\n", 9, "unknown exercise target 'mine'"),
    ],
)
def test_parse_exercise_bad_wrong_or_target_is_an_error_on_its_line(
    extra: str, line: int, fragment: str
) -> None:
    exercise, problems = parse_exercise(block("  status: 404\n", extra))
    assert exercise is None
    [problem] = problems
    assert (problem.offset, problem.severity) == (line, "error")
    assert fragment in problem.message


def test_parse_exercise_target_student_is_kept() -> None:
    exercise, _ = parse_exercise(block("  status: 404\n", "target: student\n"))
    assert exercise is not None and exercise.target == "student"


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/api/reports/{id}", "/api/reports/7", True),
        ("/api/reports/{id}", "/api/reports/", False),
        ("/api/reports/{id}", "/api/reports/7/x", False),
        ("/api/weather/{city}", "/api/wether/Atlantis", False),
        ("/api/reports", "/api/reports", True),
        ("/api/reports", "/api/reports/", False),
    ],
)
def test_path_matches_placeholder_is_one_segment(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, path) is matches


def test_request_differences_name_what_is_wrong_without_the_expected_value() -> None:
    check = Check(404, method="DELETE", path="/api/reports/{id}",
                  query={"limit": 0, "state": "*", "units": None},
                  body={"location.country": "GB", "description": None})
    request, _ = parse_request('GET /api/report/1?limit=5&units=metric\n\n'
                               '{"location": {"country": "US"}, "description": "x"}')
    assert request is not None
    differences = request_differences(check, request.method, request.path, request.query,
                                      request.json_body)
    assert differences == [
        "the task asks for a DELETE request, not GET",
        "/api/report/1 is not the path the task is about",
        "the query parameter limit is not what the task asks for",
        "the task needs the query parameter state",
        "the task needs no query parameter units",
        "the body's location.country is not what the task asks for",
        "the body should have no description",
    ]
    assert not any("GB" in d or "'0'" in d for d in differences)


def test_request_differences_query_number_in_yaml_matches_its_text() -> None:
    check = Check(422, query={"limit": 0})
    assert request_differences(check, "GET", "/api/reports", [("limit", "0")]) == []


def test_request_differences_body_check_without_a_json_body_says_so() -> None:
    check = Check(201, body={"description": "*"})
    assert request_differences(check, "POST", "/api/reports", [], MISSING) == [
        "the task needs a JSON body"]


VALIDATION = {"detail": [
    {"type": "missing", "loc": ["body", "description"], "msg": "Field required"},
    {"type": "greater_than_equal", "loc": ["query", "limit"], "msg": "too small"},
]}


def test_evaluate_detail_matches_a_validation_error_anywhere_in_the_list() -> None:
    check = Check(422, detail=[{"loc": ["query", "limit"], "type": "greater_than_equal"}])
    assert evaluate(check, 422, {}, VALIDATION) == []


def test_evaluate_detail_names_the_validation_error_it_missed() -> None:
    check = Check(422, detail=[{"loc": ["query", "limit"], "type": "int_parsing"}])
    assert evaluate(check, 422, {}, VALIDATION) == [
        'expected a validation error with loc = ["query", "limit"], type = int_parsing in detail'
    ]


def test_evaluate_detail_message_compares_the_whole_text() -> None:
    check = Check(404, detail="Report 7 not found")
    assert evaluate(check, 404, {}, {"detail": "Report 7 not found"}) == []
    assert evaluate(check, 404, {}, {"detail": "Not Found"}) == [
        "expected detail = Report 7 not found, got Not Found"]


def test_parse_exercise_detail_single_mapping_becomes_a_list() -> None:
    exercise, problems = parse_exercise(block(
        "  status: 404\n  detail:\n    loc: [path, id]\n"))
    assert problems == [] and exercise is not None
    assert exercise.check.detail == [{"loc": ["path", "id"]}]


def test_evaluate_json_star_means_any_value_but_present() -> None:
    check = Check(200, json={"provider": "*"})
    assert evaluate(check, 200, {}, {"provider": "offline"}) == []
    assert evaluate(check, 200, {}, {"status": "ok"}) == [
        "expected provider = *, but the answer has no provider"]
