"""Turn errors into ``{"detail": ...}`` answers: service errors get their HTTP status here.

The services raise exceptions that know nothing of HTTP; this module is the one
place that decides which status each one means. Nothing here echoes a
traceback or a setting such as the API key.
"""

from __future__ import annotations

import logging
from typing import Any

import fastapi.routing
from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from demo_api.services.errors import (
    DatabaseUnavailable,
    LocationNotFound,
    ReportNotFound,
    ServiceError,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)

logger = logging.getLogger(__name__)

# FastAPI keeps an included router as one entry of app.routes; this lists the routes inside
# it (older FastAPI versions, without the function, copy the routes into app.routes).
_each_route = getattr(fastapi.routing, "iter_route_contexts", iter)

STATUS_FOR_ERROR: dict[type[ServiceError], int] = {
    LocationNotFound: status.HTTP_404_NOT_FOUND,
    ReportNotFound: status.HTTP_404_NOT_FOUND,
    UpstreamRateLimited: status.HTTP_503_SERVICE_UNAVAILABLE,
    UpstreamTimeout: status.HTTP_504_GATEWAY_TIMEOUT,
    UpstreamError: status.HTTP_502_BAD_GATEWAY,
    DatabaseUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
}


async def service_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    status_code = next(
        (STATUS_FOR_ERROR[cls] for cls in type(error).__mro__ if cls in STATUS_FOR_ERROR),
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
    headers = {}
    if isinstance(error, UpstreamRateLimited):
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse({"detail": str(error)}, status_code=status_code, headers=headers)


async def validation_error_handler(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's usual 422 list, with malformed JSON explained by line and column."""
    assert isinstance(error, RequestValidationError)
    problems: list[dict[str, Any]] = []
    for problem in error.errors():
        if problem.get("type") == "json_invalid":
            problem = {**problem, "msg": _explain_json_error(problem, error.body)}
        elif problem.get("type") == "string_unicode":
            problem = {**problem, "msg": _explain_lone_surrogates(problem.get("input"))}
        problems.append(problem)
    # JSON's "\ud800" escape decodes to half a surrogate pair, which UTF-8 cannot encode:
    # echoed back as it is, the input would make this very answer fail with a 500.
    detail = _escape_lone_surrogates(jsonable_encoder(problems))
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def unexpected_error_handler(request: Request, error: Exception) -> JSONResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.url.path)
    return JSONResponse(
        {"detail": "Something went wrong on the server; the server log has the details"},
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


async def method_not_allowed_handler(request: Request, error: Exception) -> Response:
    """A 405 whose ``Allow`` header lists every method of the path, not just one route's.

    Starlette answers with the methods of the first route whose path matches, so
    ``PATCH /api/reports/1`` said ``allow: GET`` although PUT and DELETE work there too.
    """
    assert isinstance(error, StarletteHTTPException)
    methods: set[str] = set()
    for route in _each_route(request.app.router.routes):
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route_methods
    if methods:
        headers = {**(error.headers or {}), "Allow": ", ".join(sorted(methods))}
        error = StarletteHTTPException(error.status_code, error.detail, headers)
    return await http_exception_handler(request, error)


def _explain_json_error(problem: dict[str, Any], body: Any) -> str:
    reason = problem.get("ctx", {}).get("error", "not valid JSON")
    position = problem["loc"][-1] if problem.get("loc") else None
    if isinstance(position, int) and isinstance(body, str | bytes):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return f"The body is not valid JSON: {reason} at line {line}, column {column}"
    if isinstance(position, int):
        return f"The body is not valid JSON: {reason} at character {position}"
    return f"The body is not valid JSON: {reason}"


def _explain_lone_surrogates(text: Any) -> str:
    halves = sorted({char for char in text if _is_surrogate(char)}) if isinstance(text, str) else []
    shown = ", ".join(f"\\u{ord(char):04x}" for char in halves) or "a \\u escape"
    return (
        f"Input should be valid text, but it holds {shown}: half of a surrogate pair, which "
        "stands for no character; write the character itself, or both halves of its pair "
        "(such as \\ud83d\\ude00)"
    )


def _escape_lone_surrogates(value: Any) -> Any:
    """``value`` with each lone surrogate in its strings written as its ``\\uXXXX`` escape."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_escape_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_escape_lone_surrogates(k): _escape_lone_surrogates(v) for k, v in value.items()}
    return value


def _is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, method_not_allowed_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
