"""Parse ``tryit`` requests and ``exercise`` YAML into plain data, with problems located by line.

A request is written the ``.http`` way: an optional ``# title`` line, ``METHOD /path?query``
(a full ``http://host/path`` URL keeps only its path and query), ``Header: value`` lines, a
blank line, then a body. Every problem carries the 0-based line offset inside the fence's
content; :mod:`generator.tryit.render` turns that into a note line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from generator.frontmatter import SAFE_LOADER, YamlTooBig, load_yaml
from generator.tryit.checks import (
    CHECK_KEYS,
    METHODS,
    MISSING,
    Check,
    evaluate,
    lookup,
    parse_check,
    request_differences,
    same,
    show,
)
from generator.tryit.problem import Problem

__all__ = [
    "CHECK_KEYS", "METHODS", "Check", "Exercise", "Problem", "Request", "evaluate", "lookup",
    "parse_exercise", "parse_request", "parse_tryit", "request_differences", "same", "show",
]

EXERCISE_KEYS = ("id", "title", "task", "target", "start", "check", "solution", "wrong", "hint")
REQUIRED_KEYS = ("id", "start", "check")
TARGETS = ("demo", "student")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Request:
    """One HTTP request as written in a note."""

    method: str
    path: str  # without the query string
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    title: str | None = None
    is_json: bool = False
    json_body: Any = None  # the parsed body when ``is_json``
    line: int = 0  # offset of the request line inside the text it was parsed from
    body_line: int = 0

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def send_headers(self) -> list[tuple[str, str]]:
        """The headers as sent: a JSON body without a Content-Type gets one."""
        headers = list(self.headers)
        if self.body and self.is_json and self.header("content-type") is None:
            headers.append(("Content-Type", "application/json"))
        return headers

    @property
    def target(self) -> str:
        """Path plus the query string, percent-encoded."""
        from urllib.parse import urlencode

        return self.path + ("?" + urlencode(self.query) if self.query else "")

    def to_data(self) -> dict[str, Any]:
        """What the page's script needs to build the editor."""
        return {
            "method": self.method,
            "path": self.path,
            "query": [list(pair) for pair in self.query],
            "headers": [list(pair) for pair in self.send_headers()],
            "body": self.body,
            "json": self.is_json,
        }


@dataclass
class Exercise:
    id: str
    title: str
    task: str
    start: Request
    check: Check
    solution: Request | None = None
    solution_text: str = ""
    hint: str | None = None
    id_offset: int = 0
    start_offset: int = 0
    solution_offset: int = 0
    target: str = "demo"  # "student": the student's own app, not the demo API
    wrong: list[Request] = field(default_factory=list)  # plausible answers that must fail
    wrong_offsets: list[int] = field(default_factory=list)


def parse_request(text: str, *, allow_title: bool = True) -> tuple[Request | None, list[Problem]]:
    """Parse one request; None (with problems) when it cannot be sent at all."""
    lines = text.split("\n")
    index = 0
    title: str | None = None
    while index < len(lines) and not lines[index].strip():
        index += 1
    if allow_title and index < len(lines) and lines[index].lstrip().startswith("#"):
        title = lines[index].strip().lstrip("#").strip() or None
        index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
    if index >= len(lines):
        return None, [Problem(0, "tryit.request-line", "the block holds no request",
                              "write a request line like 'GET /api/health'")]
    request_offset = index
    parsed = _request_line(lines[index].strip())
    if isinstance(parsed, str):
        return None, [Problem(index, "tryit.request-line", parsed,
                              "write 'METHOD /path?query', e.g. 'GET /api/weather/Portland'")]
    method, path, query = parsed
    problems: list[Problem] = []
    headers: list[tuple[str, str]] = []
    index += 1
    while index < len(lines) and lines[index].strip():
        raw = lines[index]
        name, colon, value = raw.partition(":")
        if not colon or not _TOKEN.match(name.strip()) or name != name.lstrip():
            hint = "write headers as 'Name: value'"
            if raw.lstrip().startswith(("{", "[")):
                hint = "leave one blank line between the headers and the body"
            problems.append(Problem(index, "tryit.header", f"bad header line {raw.strip()!r}",
                                    hint))
        else:
            headers.append((name.strip(), value.strip()))
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    body_offset = index
    body = "\n".join(lines[index:]).strip()
    request = Request(method, path, query, headers, body, title, line=request_offset,
                      body_line=body_offset)
    if body:
        content_type = (request.header("content-type") or "").lower()
        media = content_type.partition(";")[0].strip()
        request.is_json = media == "application/json" or media.endswith("+json") or (
            not media and body.startswith(("{", "["))
        )
        if request.is_json:
            try:
                request.json_body = json.loads(body)
            except json.JSONDecodeError as exc:
                problems.append(Problem(body_offset + exc.lineno - 1, "tryit.json",
                                        f"the body is not valid JSON: {exc.msg} "
                                        f"(line {exc.lineno}, column {exc.colno} of the body)",
                                        "check quotes, commas and brackets"))
            except RecursionError:  # Python's JSON reader nests as deep as the stack allows
                problems.append(Problem(body_offset, "tryit.json",
                                        "the body nests lists or objects too deep to read",
                                        "write the body with fewer levels of [ and {"))
    return request, problems


def _request_line(line: str) -> tuple[str, str, list[tuple[str, str]]] | str:
    parts = line.split()
    if len(parts) == 3 and re.fullmatch(r"HTTP/\d(\.\d)?", parts[2]):
        parts = parts[:2]
    if len(parts) != 2:
        return f"bad request line {line!r}: expected a method and a path"
    method, target = parts
    if method.upper() not in METHODS:
        return f"bad request line {line!r}: {method!r} is not an HTTP method " \
               f"({', '.join(METHODS)})"
    if re.match(r"^https?://", target, re.IGNORECASE):
        split = urlsplit(target)
        path, query = split.path or "/", split.query
    elif target.startswith("/"):
        path, _, query = target.partition("?")
        path = path.partition("#")[0]
    else:
        return f"bad request line {line!r}: the path must start with '/' or be an http URL"
    return method.upper(), path, parse_qsl(query, keep_blank_values=True)


def parse_tryit(text: str) -> tuple[Request | None, list[Problem]]:
    return parse_request(text)


def parse_exercise(text: str) -> tuple[Exercise | None, list[Problem]]:
    """Parse an ``exercise`` block (YAML); None when it cannot be used."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = load_yaml(text)  # the limits of frontmatter: the page carries all of it
    except YamlTooBig as exc:
        return None, [Problem(0, "exercise.yaml", f"the exercise holds {exc}", exc.hint)]
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        offset = mark.line if mark is not None else 0
        message = getattr(exc, "problem", None) or str(exc) or repr(exc)
        return None, [Problem(offset, "exercise.yaml", f"the exercise is not valid YAML: "
                              f"{message}", "indent multi-line values under 'key: |'")]
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return None, [Problem(0, "exercise.yaml", "an exercise is a YAML mapping",
                              "write keys id, title, task, start, check, solution, hint")]
    key_lines: dict[str, int] = {}
    value_lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        name = str(key_node.value)
        key_lines[name] = key_node.start_mark.line
        value_lines[name] = _value_line(value_node)
        nodes[name] = value_node
    problems: list[Problem] = []
    for key in data:
        if str(key) not in EXERCISE_KEYS:
            problems.append(Problem(key_lines.get(str(key), 0), "exercise.unknown-key",
                                    f"unknown exercise key {str(key)!r}",
                                    f"the keys are {', '.join(EXERCISE_KEYS)}"))
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            problems.append(Problem(0, "exercise.missing-key", f"the exercise has no {key!r}",
                                    _MISSING_HINTS[key]))
    if problems:
        return None, problems
    ex_id = str(data["id"]).strip()
    if not _ID.match(ex_id):
        problems.append(Problem(key_lines["id"], "exercise.id", f"bad exercise id {ex_id!r}",
                                "use letters, digits, '-', '_' and '.', like 'calculate-twelve'"))
    for key in ("title", "task", "hint"):
        if key in data and data[key] is not None and not isinstance(data[key], str | int | float):
            problems.append(Problem(key_lines[key], "exercise.yaml",
                                    f"{key!r} must be text", f"write '{key}: |' then the text"))
    start, start_problems = _sub_request(data["start"], "start", value_lines["start"])
    problems.extend(start_problems)
    solution: Request | None = None
    if data.get("solution") is not None:
        solution, solution_problems = _sub_request(data["solution"], "solution",
                                                   value_lines["solution"])
        problems.extend(solution_problems)
    check, check_problems = parse_check(data["check"], value_lines["check"], key_lines["check"],
                                        _sub_key_lines(nodes["check"]))
    problems.extend(check_problems)
    target = data.get("target", "demo")
    if target not in TARGETS:
        problems.append(Problem(key_lines["target"], "exercise.target",
                                f"unknown exercise target {target!r}",
                                "write 'target: student' for the student's own app, or leave "
                                "it out for the demo API"))
    wrong, wrong_offsets, wrong_problems = _wrong(data.get("wrong"), nodes.get("wrong"),
                                                  key_lines.get("wrong", 0))
    problems.extend(wrong_problems)
    if start is None or check is None or any(p.severity == "error" for p in problems):
        return None, problems
    if solution is not None:
        problems.extend(_solution_meets_request(check, solution, value_lines["solution"]))
    exercise = Exercise(
        id=ex_id,
        title=str(data.get("title") or ex_id),
        task=str(data.get("task") or ""),
        start=start,
        check=check,
        solution=solution,
        solution_text=str(data.get("solution") or "").strip(),
        hint=str(data["hint"]).strip() if data.get("hint") is not None else None,
        id_offset=key_lines["id"],
        start_offset=value_lines["start"],
        solution_offset=value_lines.get("solution", 0),
        target=str(target),
        wrong=wrong,
        wrong_offsets=wrong_offsets,
    )
    if any(p.severity == "error" for p in problems):
        return None, problems
    return exercise, problems


def _value_line(value_node: yaml.Node) -> int:
    block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
    return int(value_node.start_mark.line) + (1 if block else 0)


def _sub_key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of each key of a mapping node (``check:``'s), so problems point at it."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): int(key.start_mark.line) for key, _ in node.value}


def _wrong(value: Any, node: yaml.Node | None,
           key_offset: int) -> tuple[list[Request], list[int], list[Problem]]:
    """``wrong:``: a list of requests that look right but must fail the check."""
    if value is None:
        return [], [], []
    if (not isinstance(value, list) or not isinstance(node, yaml.SequenceNode)
            or not value):
        return [], [], [Problem(key_offset, "exercise.wrong",
                                "'wrong' must be a list of requests",
                                "write 'wrong:' then each request as '  - GET /api/…' (or "
                                "'  - |' with the request indented below it)")]
    requests: list[Request] = []
    offsets: list[int] = []
    problems: list[Problem] = []
    for position, (item, item_node) in enumerate(zip(value, node.value, strict=True), 1):
        offset = _value_line(item_node)
        request, item_problems = _sub_request(item, f"wrong answer {position}", offset)
        problems.extend(item_problems)
        if request is not None:
            requests.append(request)
            offsets.append(offset)
    return requests, offsets, problems


def _solution_meets_request(check: Check, solution: Request, offset: int) -> list[Problem]:
    """The request part of a check needs no API: a solution that breaks it is wrong now."""
    differences = request_differences(check, solution.method, solution.path, solution.query,
                                      solution.json_body if solution.is_json else MISSING)
    if not differences:
        return []
    return [Problem(offset, "exercise.solution-fails",
                    f"the solution does not meet the check's request part: "
                    f"{'; '.join(differences)}",
                    "fix the solution, or the check's method, path, query or body")]


_MISSING_HINTS = {
    "id": "give the exercise a unique id, like 'id: calculate-twelve'",
    "start": "add 'start: |' with the request the editor opens with",
    "check": "add 'check:' with at least 'status: 200'",
}


def _sub_request(value: Any, key: str, offset: int) -> tuple[Request | None, list[Problem]]:
    if not isinstance(value, str):
        return None, [Problem(offset, "tryit.request-line",
                              f"{key!r} must be a request written as text",
                              f"write '{key}: |' and the request indented below it")]
    request, problems = parse_request(value, allow_title=False)
    moved = [Problem(p.offset + offset, p.code, f"{key}: {p.message}", p.hint, p.severity)
             for p in problems]
    return request, moved


