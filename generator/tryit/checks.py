"""An exercise's ``check``: what the answer must look like, and what the request must be.

Response keys: ``status``, ``json`` (dotted paths into the answer; ``"*"``: any value),
``header``, ``detail``
(inside an error's ``detail``: its text, or validation errors matched by their fields).
Request keys: ``method``, ``path`` (exact, or ``{name}`` for any one segment), ``query``
and ``body`` (dotted paths into the request's JSON body). In ``query`` and ``body`` a value
of ``"*"`` means "present, any value" and ``null`` means "must not be there".

The page's ``tryit.js`` applies the same rules in the browser; its messages name what is
wrong in the request without giving the expected value away (but for the method).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator.tryit.problem import Problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
RESPONSE_KEYS = ("status", "json", "header", "detail")
REQUEST_KEYS = ("method", "path", "query", "body")
CHECK_KEYS = RESPONSE_KEYS + REQUEST_KEYS
ANY = "*"
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Check:
    """What an exercise's answer (and the request that got it) must look like."""

    status: int
    json: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    detail: str | list[dict[str, Any]] | None = None
    method: str | None = None
    path: str | None = None
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "json": self.json, "header": self.header}
        for key in ("detail", "method", "path"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.query:
            data["query"] = self.query
        if self.body:
            data["body"] = self.body
        return data

    @property
    def constrains_request(self) -> bool:
        return bool(self.method or self.path or self.query or self.body)


def parse_check(value: Any, offset: int, key_offset: int,
                lines: dict[str, int] | None = None) -> tuple[Check | None, list[Problem]]:
    """``check:`` as written; ``lines`` gives each sub-key's 0-based line."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"status": value}
    if not isinstance(value, dict):
        return None, [Problem(key_offset, "exercise.check", "'check' must be a mapping",
                              "write 'check:' then '  status: 200' below it")]
    lines = lines or {}

    def at(key: str) -> int:
        return lines.get(key, offset)

    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        problems.append(Problem(at(key), "exercise.check", message, hint))

    for key in value:
        if str(key) not in CHECK_KEYS:
            problems.append(Problem(at(str(key)), "exercise.unknown-key",
                                    f"unknown check key {str(key)!r}",
                                    f"the check keys are {', '.join(CHECK_KEYS)}"))
    status = value.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        bad("status", f"check.status must be an HTTP status code, got {status!r}",
            "write 'status: 200' (or 201, 404, 422, …)")
    expected_json = value.get("json") or {}
    expected_header = value.get("header") or {}
    if not isinstance(expected_json, dict):
        bad("json", "check.json must map dotted paths to values",
            "write 'json:' then '  location.city: London'")
    if not isinstance(expected_header, dict):
        bad("header", "check.header must map header names to values",
            "write 'header:' then '  Content-Type: application/json'")
    detail = _detail(value.get("detail"), bad)
    method = value.get("method")
    if method is not None:
        if not isinstance(method, str) or method.strip().upper() not in METHODS:
            bad("method", f"check.method must be an HTTP method, got {method!r}",
                f"write one of {', '.join(METHODS)}, like 'method: DELETE'")
        else:
            method = method.strip().upper()
    path = value.get("path")
    if path is not None:
        if not isinstance(path, str) or not path.startswith("/"):
            bad("path", f"check.path must be a path starting with '/', got {path!r}",
                "write the exact path, or '{name}' for any one segment: "
                "'path: /api/reports/{id}'")
        elif "?" in path:
            bad("path", "check.path holds a query string",
                "put query parameters under 'query:' and keep 'path:' to the path")
        elif _PLACEHOLDER.sub("", path).count("{") or _PLACEHOLDER.sub("", path).count("}"):
            bad("path", f"check.path has a malformed placeholder: {path!r}",
                "a placeholder is a name in braces, like '{id}', standing for one segment")
    query = _pairs(value.get("query"), "query", "limit: '0'", bad)
    body = _pairs(value.get("body"), "body", "location.country: GB", bad)
    if problems:
        return None, problems
    assert isinstance(status, int)
    return Check(
        status,
        {str(k): v for k, v in expected_json.items()},
        {str(k): v for k, v in expected_header.items()},
        detail=detail,
        method=method,
        path=path,
        query=query,
        body=body,
    ), []


def _detail(value: Any, bad: Any) -> str | list[dict[str, Any]] | None:
    hint = ("write 'detail: City not found' for a message, or 'detail:' then "
            "'  loc: [query, limit]' (and 'type: greater_than_equal') for a validation error")
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list) or not items or not all(
            isinstance(item, dict) and item for item in items):
        bad("detail", "check.detail must be a message or one or more validation errors", hint)
        return None
    return [{str(k): v for k, v in item.items()} for item in items]


def _pairs(value: Any, key: str, example: str, bad: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not value:
        bad(key, f"check.{key} must map names to values",
            f"write '{key}:' then '  {example}' ('\"*\"' for any value, 'null' for absent)")
        return {}
    pairs: dict[str, Any] = {}
    for name, expected in value.items():
        if isinstance(expected, dict | list) and key == "query":
            bad(key, f"check.query.{name} must be one value, not {type(expected).__name__}",
                "write the value as text, '\"*\"' for any value or 'null' for absent")
        pairs[str(name)] = expected
    return pairs


# Evaluating ------------------------------------------------------------------------------

MISSING: Any = object()


def lookup(data: Any, path: str) -> Any:
    """``items.0.id`` into nested dicts and lists; ``MISSING`` when absent."""
    current = data
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and re.fullmatch(r"-?\d+", part):
            position = int(part)
            if not -len(current) <= position < len(current):
                return MISSING
            current = current[position]
        else:
            return MISSING
    return current


def same(expected: Any, actual: Any) -> bool:
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (isinstance(expected, str) and expected == str(actual).lower())
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        return float(expected) == float(actual)
    return bool(expected == actual)


def show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _text(value: Any) -> str:
    """A query value as the request carries it: YAML's ``0`` and ``true`` are ``0``/``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def path_matches(pattern: str, path: str) -> bool:
    """``/api/reports/{id}`` matches ``/api/reports/7``; a trailing ``/`` is not ignored."""
    parts = _PLACEHOLDER.split(pattern)
    regex = "[^/]+".join(re.escape(part) for part in parts)
    return re.fullmatch(regex, path) is not None


def request_differences(check: Check, method: str, path: str, query: list[tuple[str, str]],
                        body: Any = MISSING) -> list[str]:
    """What in the request is not what the task asks for; the expected values stay unsaid
    (the student has to find them), except the method, which the task names anyway."""
    differences: list[str] = []
    if check.method is not None and method.upper() != check.method:
        differences.append(f"the task asks for a {check.method} request, not {method.upper()}")
    if check.path is not None and not path_matches(check.path, path):
        differences.append(f"{path} is not the path the task is about")
    values: dict[str, list[str]] = {}
    for name, value in query:
        values.setdefault(name, []).append(value)
    for name, expected in check.query.items():
        sent = values.get(name)
        if expected is None:
            if sent is not None:
                differences.append(f"the task needs no query parameter {name}")
        elif sent is None:
            differences.append(f"the task needs the query parameter {name}")
        elif expected != ANY and expected is not True and _text(expected) not in sent:
            differences.append(f"the query parameter {name} is not what the task asks for")
    if check.body and body is MISSING:
        differences.append("the task needs a JSON body")
        return differences
    for dotted, expected in check.body.items():
        actual = lookup(body, dotted)
        if expected is None:
            if actual is not MISSING:
                differences.append(f"the body should have no {dotted}")
        elif actual is MISSING:
            differences.append(f"the body needs a {dotted}")
        elif expected != ANY and not same(expected, actual):
            differences.append(f"the body's {dotted} is not what the task asks for")
    return differences


def _detail_differences(expected: str | list[dict[str, Any]], body: Any) -> list[str]:
    actual = body.get("detail", MISSING) if isinstance(body, dict) else MISSING
    if actual is MISSING:
        return ["expected an error detail, but the answer has none"]
    if isinstance(expected, str):
        if actual != expected:
            return [f"expected detail = {expected}, got {show(actual)}"]
        return []
    errors = actual if isinstance(actual, list) else []
    differences = []
    for wanted in expected:
        if not any(isinstance(error, dict) and all(
                k in error and same(v, error[k]) for k, v in wanted.items()) for error in errors):
            described = ", ".join(f"{k} = {show(v)}" for k, v in wanted.items())
            differences.append(f"expected a validation error with {described} in detail")
    return differences


def evaluate(check: Check, status: int, headers: dict[str, str], body: Any) -> list[str]:
    """What differs in the answer, one plain sentence each; empty when the answer passes."""
    differences: list[str] = []
    if status != check.status:
        differences.append(f"expected {check.status}, got {status}")
    for path, expected in check.json.items():
        actual = lookup(body, path)
        if actual is MISSING:
            differences.append(f"expected {path} = {show(expected)}, but the answer has no "
                               f"{path}")
        elif expected != ANY and not same(expected, actual):
            differences.append(f"expected {path} = {show(expected)}, got {show(actual)}")
    if check.detail is not None:
        differences.extend(_detail_differences(check.detail, body))
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, expected in check.header.items():
        actual_header = lowered.get(name.lower())
        if actual_header is None:
            differences.append(f"expected a {name} header, but there is none")
        elif expected is True or expected == ANY:
            continue
        elif actual_header.strip() != show(expected).strip():
            differences.append(f"expected header {name}: {show(expected)}, got {actual_header}")
    return differences
