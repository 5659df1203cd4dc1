"""What the schema says about a try-it request's parameters, for the panel to show as help.

The panel (generator/theme/static/tryit.js) shows each parameter's type, allowed values, bounds
and description beside the fields, and flags a value the schema refuses before it is sent.
Only the operation of the lesson's own request is passed: every panel carries its own, small.
"""

from __future__ import annotations

from typing import Any

from generator.tryit.blocks import Request
from generator.tryit.openapi import ApiSchema, find_operation, operation_parameters, resolve_ref

# JavaScript numbers are exact up to 2**53: a larger bound travels as text, shown as written.
_SAFE = 2**53
_KEPT = ("enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
         "maxLength", "pattern", "default", "format")


def _number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _SAFE:
        return str(value)
    return value


def _flatten(schema: dict[str, Any], spec: Any) -> tuple[dict[str, Any], bool]:
    """The parameter's schema without FastAPI's ``anyOf [X, null]`` wrapping, and whether
    it may be null (that is, left out)."""
    spec = resolve_ref(schema, spec) or {}
    nullable = False
    branches = spec.get("anyOf") or spec.get("oneOf")
    if isinstance(branches, list):
        kept = [resolve_ref(schema, b) for b in branches
                if not (isinstance(b, dict) and b.get("type") == "null")]
        nullable = len(kept) < len(branches)
        if len(kept) == 1 and isinstance(kept[0], dict):
            merged = {k: v for k, v in spec.items() if k not in ("anyOf", "oneOf")}
            merged.update(kept[0])
            spec = merged
    return spec, nullable


def operation_help(api: ApiSchema, request: Request) -> dict[str, Any] | None:
    """The operation ``request`` calls, with its path template and parameters; None when the
    schema has no such operation (the build reports that elsewhere)."""
    operation, _allowed = find_operation(api.doc, request.method, request.path)
    if operation is None:
        return None
    parameters: list[dict[str, Any]] = []
    for raw in operation_parameters(api.doc, operation):
        where = raw.get("in")
        if where not in ("path", "query", "header") or not raw.get("name"):
            continue
        spec, nullable = _flatten(api.doc, raw.get("schema"))
        entry: dict[str, Any] = {"name": str(raw["name"]), "in": where,
                                 "required": bool(raw.get("required"))}
        if isinstance(spec.get("type"), str):
            entry["type"] = spec["type"]
        for key in _KEPT:
            if key in spec:
                value = spec[key]
                entry[key] = [_number(v) for v in value] if key == "enum" else _number(value)
        description = raw.get("description") or spec.get("description")
        if description:
            entry["description"] = str(description)
        if nullable:
            entry["nullable"] = True
        parameters.append(entry)
    summary = operation.spec.get("summary") or ""
    return {"method": operation.method.upper(), "path": operation.template,
            "summary": str(summary), "parameters": parameters}
