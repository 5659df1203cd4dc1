"""Check requests against an OpenAPI schema: the demo API's (built in-process, once, and only
when a note has a try-it), or another API's from a project file named in the course config."""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.project_files import RefusedPath, project_file
from generator.tryit.blocks import Problem, Request

Schema = dict[str, Any]


class SchemaError(Exception):
    """The configured schema cannot be read."""


@dataclass
class ApiSchema:
    """An OpenAPI document, and for the in-process demo API a check of its real routes."""

    doc: Schema
    answers: Callable[[str, str], bool] | None = None  # (method, path) -> a route matches


@lru_cache(maxsize=1)
def demo_schema() -> ApiSchema:
    """The demo API's OpenAPI document, and a check of its real routes.

    Computing them imports FastAPI and builds the app, which takes longer than building a
    whole course; so they are kept in the user's cache folder under a fingerprint of the demo
    API's source and the libraries it is made with, and later builds only read them.
    """
    where = _cache_folder() / f"demo-openapi-{_demo_fingerprint()}.json"
    stored = _read_stored(where)
    routes = _DemoRoutes(where, stored or {"doc": {}, "answers": {}})
    if stored is None:
        routes.stored["doc"] = routes.app().openapi()
        _store(where, routes.stored)
    return ApiSchema(routes.stored["doc"], routes)


def _read_stored(where: Path) -> dict[str, Any] | None:
    try:
        stored = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict):
        return None
    if not isinstance(stored.get("doc"), dict) or not isinstance(stored.get("answers"), dict):
        return None
    return stored


class _DemoRoutes:
    """``(method, path) -> bool``: whether a route of the demo app answers, schema or not
    (the docs pages and static files are left out of the schema). Each answer is stored with
    the schema, so the app is only built for a request no earlier build asked about."""

    def __init__(self, where: Path, stored: dict[str, Any]) -> None:
        self.where = where
        self.stored = stored
        self._app: Any = None

    def __call__(self, method: str, path: str) -> bool:
        key = f"{method} {path}"
        known = self.stored["answers"].get(key)
        if isinstance(known, bool):
            return known
        from starlette.routing import Match

        scope = {"type": "http", "path": path, "method": method, "root_path": "",
                 "path_params": {}}
        found = any(route.matches(scope)[0] is Match.FULL for route in self.app().routes)
        self.stored["answers"][key] = found
        _store(self.where, self.stored)
        return found

    def app(self) -> Any:
        if self._app is None:
            import tempfile

            from demo_api.main import create_app
            from demo_api.settings import Settings

            folder = tempfile.gettempdir()
            settings = Settings(provider="offline", docs_enabled=True,
                                database_path=Path(folder) / "coursegen-openapi-unused.sqlite3")
            self._app = create_app(settings)
        return self._app


def _demo_fingerprint() -> str:
    """A digest of the demo API's source files and of the libraries that shape its schema."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(sys.version.encode())
    for name in ("fastapi", "starlette", "pydantic", "pydantic-core"):
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}\0".encode())
    spec = importlib.util.find_spec("demo_api")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    for folder in folders:
        root = Path(folder)
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root).as_posix().encode() + b"\0")
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _cache_folder() -> Path:
    """The user's cache folder for coursegen (``$XDG_CACHE_HOME/coursegen``)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder: keep the cache for this machine's session
            import tempfile

            base = tempfile.gettempdir()
    return Path(base) / "coursegen"


def _store(where: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON at ``where``; a cache that cannot be written is only slower."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_name(f".{where.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, where)
    except OSError:
        pass


_LOADED: dict[tuple[str, float], ApiSchema] = {}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def load_schema(source: str | None, vault_root: Path, project_root: Path | None = None
                ) -> ApiSchema:
    """The schema named by the course config (``None``: the demo API's).

    Only a file of the project (``project_root``, by default the vault's parent) under the
    same rules as ``{{#include}}``: what the build reads may end up in a diagnostic or on the
    site, and a build sends no request of its own."""
    if not source:
        return demo_schema()
    if _URL.match(source):
        split = urlsplit(source)
        shown = f"{split.scheme}://{split.netloc}{split.path}"
        raise SchemaError(
            f"the OpenAPI schema {shown} is an address; a build reads the schema only from a "
            "file of the project and sends no request (save it in the project, e.g. as "
            "openapi.json, and name that file)"
        )
    try:
        path = project_file(project_root or vault_root.parent, vault_root / source)
    except RefusedPath as exc:
        raise SchemaError(f"the OpenAPI schema {source} is refused: {exc}") from None
    if not path.is_file():
        raise SchemaError(
            f"the OpenAPI schema {source} does not exist (a relative path starts at the vault)"
        )
    key = (str(path), path.stat().st_mtime)
    if key not in _LOADED:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaError(f"cannot read the OpenAPI schema {source}: {exc}") from None
        _LOADED[key] = ApiSchema(_decode(text, source))
    return _LOADED[key]


def _decode(text: str, source: str) -> Schema:
    """The document in ``text``. Its errors name a line and what is wrong, and quote none of
    the file: YAML's own messages show lines around the error, which may hold anything."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(f"the OpenAPI schema {source} is not valid JSON: {exc.msg} "
                          f"(line {exc.lineno}, column {exc.colno})") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise SchemaError(f"the OpenAPI schema {source} is not valid YAML: {problem}"
                          f"{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise SchemaError(f"the OpenAPI schema {source} has no 'paths'")
    return data


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: dict[str, Any]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p)
                    for p in parts)
    return re.compile("^" + regex + "/?$")


def find_operation(schema: Schema, method: str, path: str) -> tuple[Operation | None, list[str]]:
    """The operation for ``method path``; else None and the methods the path allows."""
    paths: dict[str, Any] = schema.get("paths", {})
    matches = [t for t in paths if _pattern(t).match(path)]
    # a literal path beats a template: /api/reports/latest before /api/reports/{id}
    matches.sort(key=lambda t: (t.count("{"), -len(t)))
    allowed: list[str] = []
    for template in matches:
        item = paths[template] or {}
        spec = item.get(method.lower())
        if isinstance(spec, dict):
            return Operation(template, method, spec), []
        allowed.extend(m.upper() for m in item if m in _HTTP_METHODS)
    return None, sorted(set(allowed))


_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def closest_path(schema: Schema, path: str) -> str | None:
    """The API path most like ``path``, its parameters filled from ``path`` to compare."""
    best: tuple[float, str] | None = None
    segments = path.strip("/").split("/")
    for template in schema.get("paths", {}):
        parts = template.strip("/").split("/")
        filled = "/".join(
            segments[i] if p.startswith("{") and i < len(segments) else p
            for i, p in enumerate(parts)
        )
        score = difflib.SequenceMatcher(None, path.strip("/"), filled).ratio()
        if best is None or score > best[0]:
            best = (score, template)
    return best[1] if best and best[0] >= 0.5 else None


def validate_request(api: ApiSchema, request: Request, *, body_checks: bool = True
                     ) -> list[Problem]:
    """Problems of ``request`` against ``api``, at the request's own line offsets."""
    schema = api.doc
    operation, allowed = find_operation(schema, request.method, request.path)
    line = request.line
    if operation is None and api.answers is not None and api.answers(request.method,
                                                                     request.path):
        return []
    if operation is None:
        shown = f"{request.method} {request.path}"
        if allowed:
            return [Problem(line, "tryit.unknown-endpoint",
                            f"{shown}: the API has no {request.method} on this path",
                            f"it allows {', '.join(allowed)}")]
        near = closest_path(schema, request.path)
        return [Problem(line, "tryit.unknown-endpoint", f"{shown} matches no endpoint of the API",
                        f"did you mean {near}?" if near else "see the API's /docs")]
    if not body_checks:
        return []
    problems: list[Problem] = []
    parameters = operation_parameters(schema, operation)
    known_query = {p.get("name") for p in parameters if p.get("in") == "query"}
    for name, _value in request.query:
        if name not in known_query:
            hint = (f"it takes {', '.join(sorted(str(n) for n in known_query))}"
                    if known_query else "this endpoint takes no query parameters")
            problems.append(Problem(line, "tryit.unknown-query",
                                    f"{request.method} {operation.template} has no query "
                                    f"parameter {name!r}", hint, "warning"))
    body_spec = resolve_ref(schema, operation.spec.get("requestBody") or {})
    if not body_spec:
        return problems
    content = body_spec.get("content") or {}
    json_schema = next((v.get("schema") for k, v in content.items() if "json" in k), None)
    if not request.body:
        if body_spec.get("required"):
            problems.append(Problem(line, "tryit.body-schema",
                                    f"{request.method} {operation.template} needs a body",
                                    "add a blank line after the headers, then the JSON body",
                                    "warning"))
        return problems
    if json_schema is None or not request.is_json or request.json_body is None:
        return problems
    for message in check_value(schema, json_schema, request.json_body, "body"):
        problems.append(Problem(request.body_line, "tryit.body-schema", message,
                                "compare it with the schema in the API's /docs", "warning"))
    return problems


def operation_parameters(schema: Schema, operation: Operation) -> list[dict[str, Any]]:
    """The parameters of ``operation`` (its path item's and its own), references resolved."""
    item = schema.get("paths", {}).get(operation.template, {}) or {}
    raw = [*item.get("parameters", []), *operation.spec.get("parameters", [])]
    return [resolve_ref(schema, p) for p in raw]


def resolve_ref(schema: Schema, node: Any) -> Any:
    """``node`` with its local ``$ref`` followed (an outside reference is ``{}``)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            return {}
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) \
                if isinstance(target, dict) else {}
        node = target
        seen += 1
    return node


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def check_value(schema: Schema, spec: Any, value: Any, where: str, depth: int = 0) -> list[str]:
    """A small JSON Schema check (types, required, properties, enums, lengths, anyOf)."""
    spec = resolve_ref(schema, spec)
    if not isinstance(spec, dict) or depth > 30:
        return []
    for key in ("anyOf", "oneOf"):
        if key in spec:
            options = spec[key]
            results = [check_value(schema, option, value, where, depth + 1) for option in options]
            if any(not r for r in results):
                return []
            return min(results, key=len)
    problems: list[str] = []
    for option in spec.get("allOf", []):
        problems.extend(check_value(schema, option, value, where, depth + 1))
    kind = spec.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        if value is None and kind != "null":
            return [f"{where} must be {_article(kind)}, got null"]
        wrong = not isinstance(value, _TYPES[kind]) or (
            isinstance(value, bool) and kind in ("integer", "number")
        )
        if wrong:
            return [f"{where} must be {_article(kind)}, got {_json_type(value)}"]
    elif kind == "null" and value is not None:
        return [f"{where} must be null, got {_json_type(value)}"]
    if "enum" in spec and value not in spec["enum"]:
        choices = ", ".join(json.dumps(v) for v in spec["enum"])
        problems.append(f"{where} must be one of {choices}, got {json.dumps(value)}")
    if isinstance(value, str):
        if "minLength" in spec and len(value) < int(spec["minLength"]):
            problems.append(f"{where} must have at least {spec['minLength']} characters")
        if "maxLength" in spec and len(value) > int(spec["maxLength"]):
            problems.append(f"{where} must have at most {spec['maxLength']} characters")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in spec and value < spec["minimum"]:
            problems.append(f"{where} must be at least {spec['minimum']}")
        if "maximum" in spec and value > spec["maximum"]:
            problems.append(f"{where} must be at most {spec['maximum']}")
    if isinstance(value, dict):
        properties: dict[str, Any] = spec.get("properties") or {}
        for name in spec.get("required", []):
            if name not in value:
                problems.append(f"{where} is missing the required field {name!r}")
        for name, item in value.items():
            if name in properties:
                problems.extend(check_value(schema, properties[name], item, f"{where}.{name}",
                                            depth + 1))
            elif spec.get("additionalProperties") is False:
                problems.append(f"{where} has an unknown field {name!r}")
    if isinstance(value, list) and "items" in spec:
        for position, item in enumerate(value):
            problems.extend(check_value(schema, spec["items"], item, f"{where}.{position}",
                                        depth + 1))
    return problems


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
