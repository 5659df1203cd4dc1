"""HTML for ``tryit`` and ``exercise`` fences: a readable request (plus a curl line) for readers
without JavaScript, and the data the page's ``tryit.js`` turns into a live panel.

Problems become diagnostics on the note being rendered, at the fence line plus the offset.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from generator.diagnostics import Diagnostic, error, warning
from generator.tryit.blocks import Exercise, Problem, Request, parse_exercise, parse_request
from generator.tryit.openapi import ApiSchema, SchemaError, load_schema, validate_request
from generator.tryit.params import operation_help

if TYPE_CHECKING:
    from generator.rendercontext import FenceHooks, RenderContext

DEFAULT_API_BASE = "http://127.0.0.1:8000"
# The student's own app: never 8000, where the demo API listens while they follow the course
STUDENT_API_BASE = "http://127.0.0.1:8001"


def openapi_source(context: RenderContext) -> str | None:
    """The course config's ``openapi:`` (a project file), or None for the demo API's schema."""
    value = context.openapi
    return value if value and value.strip() else None


def _schema(hooks: FenceHooks) -> ApiSchema | None:
    """The schema panels are checked against; None when it cannot be read, which
    :func:`schema_problems` reports once for the whole build. ``load_schema`` keeps what it
    read, so each process reads it once."""
    try:
        context = hooks.context
        return load_schema(openapi_source(context), context.vault_root, context.project_root)
    except SchemaError:
        return None


def schema_problems(
    openapi: str | None, vault_root: Path, project_root: Path | None, home: str | None,
    home_text: str,
) -> list[Diagnostic]:
    """The one error of a build whose try-its cannot be checked: the schema named by the home
    note's ``openapi:`` (or the demo API's) cannot be read."""
    source = openapi if openapi and openapi.strip() else None
    try:
        load_schema(source, vault_root, project_root)
    except SchemaError as exc:
        line = next((number for number, text in enumerate(home_text.splitlines(), 1)
                     if text.startswith("openapi:")), 1)
        return [error(home or "", line if source else 0, "tryit.openapi", str(exc),
                      "fix 'openapi:' in the home note's frontmatter, or remove it to use "
                      "the demo API's schema")]
    return []


def _report(hooks: FenceHooks, problems: list[Problem], base: int) -> None:
    for problem in problems:
        make = error if problem.severity == "error" else warning
        hooks.context.diagnostics.append(
            make(hooks.current, base + problem.offset, problem.code, problem.message, problem.hint)
        )


def _shift(problems: list[Problem], offset: int) -> list[Problem]:
    return [Problem(p.offset + offset, p.code, p.message, p.hint, p.severity) for p in problems]


def render_block(hooks: FenceHooks, kind: str, content: str, line: int) -> str:
    """The HTML of one ``tryit`` or ``exercise`` fence whose opening is on note line ``line``."""
    base = line + 1  # the content starts on the line after the fence
    if kind == "exercise":
        return _render_exercise(hooks, content, line, base)
    request, problems = parse_request(content)
    operation: dict[str, Any] | None = None
    if request is not None and not any(p.severity == "error" for p in problems):
        schema = _schema(hooks)
        if schema is not None:
            problems.extend(validate_request(schema, request))
            operation = operation_help(schema, request)
    _report(hooks, problems, base)
    if request is None:
        return _broken(content, problems, "try-it")
    api_base = hooks.context.api_base or DEFAULT_API_BASE
    data: dict[str, Any] = {"kind": "tryit", "title": request.title or "",
                            "request": request.to_data()}
    if operation is not None:
        data["operation"] = operation
    label = request.title or f"{request.method} {request.path}"
    return (
        f'<section class="tryit" data-tryit="{_attr(data)}" aria-label="Try it: {escape(label)}">'
        f'<div class="tryit-head"><span class="tryit-kind">Try it</span>'
        f'{_title(request.title)}</div>'
        f"{_static_request(request, api_base)}</section>\n"
    )


def _render_exercise(hooks: FenceHooks, content: str, line: int, base: int) -> str:
    exercise, problems = parse_exercise(content)
    if exercise is not None:
        # the student's own app has no schema here: only demo exercises are checked against one
        schema = _schema(hooks) if exercise.target == "demo" else None
        if schema is not None:
            # the start may be wrong on purpose, and so may the solution's body (a 422
            # exercise): only an endpoint that does not exist at all is reported
            problems.extend(_shift(validate_request(schema, exercise.start, body_checks=False),
                                   exercise.start_offset))
            # a 405 exercise is answered by a method the path does not have, on purpose
            if exercise.solution is not None and exercise.check.status != 405:
                problems.extend(_shift(
                    validate_request(schema, exercise.solution, body_checks=False),
                    exercise.solution_offset,
                ))
        hooks.exercise_sites.append((exercise.id, hooks.current, base + exercise.id_offset))
        if exercise.id not in hooks.exercise_ids:
            hooks.exercise_ids.append(exercise.id)
    _report(hooks, problems, base)
    if exercise is None:
        return _broken(content, problems, "exercise")
    return _exercise_html(hooks, exercise)


def _exercise_operation(hooks: FenceHooks, exercise: Exercise) -> dict[str, Any] | None:
    """The schema's help for the exercise's endpoint: the solution's, else the start's."""
    schema = _schema(hooks) if exercise.target == "demo" else None
    if schema is None:
        return None
    for request in (exercise.solution, exercise.start):
        found = operation_help(schema, request) if request is not None else None
        if found is not None:
            return found
    return None


def _exercise_html(hooks: FenceHooks, exercise: Exercise) -> str:
    from generator.parse import markdown

    api_base = hooks.context.api_base or DEFAULT_API_BASE
    env: dict[str, Any] = {"hooks": hooks, "path": hooks.current}
    task = markdown().render(exercise.task, env) if exercise.task.strip() else ""
    solution = exercise.solution
    data = {
        "kind": "exercise",
        "id": exercise.id,
        "target": exercise.target,
        "title": exercise.title,
        "request": exercise.start.to_data(),
        "check": exercise.check.to_data(),
        "solution": solution.to_data() if solution else None,
        "hint": exercise.hint or "",
    }
    operation = _exercise_operation(hooks, exercise)
    if operation is not None:
        data["operation"] = operation
    student = exercise.target == "student"
    if student:
        api_base = STUDENT_API_BASE
    parts = [
        f'<section class="tryit exercise{" exercise-student" if student else ""}" '
        f'id="exercise-{escape(exercise.id)}" '
        f'data-exercise-id="{escape(exercise.id)}" data-tryit="{_attr(data)}" '
        f'data-check="{_attr(exercise.check.to_data())}" '
        f'data-hint="{escape(exercise.hint or "")}" '
        f'data-solution="{escape(exercise.solution_text)}" '
        f'aria-label="Exercise: {escape(exercise.title)}">',
        f'<div class="tryit-head"><span class="tryit-kind">'
        f'{"Build-along exercise" if student else "Exercise"}</span>'
        f"{_title(exercise.title)}</div>",
        f'<div class="exercise-task">{task}</div>',
        _static_request(exercise.start, api_base),
    ]
    if exercise.hint:
        parts.append(f'<details class="exercise-hint tryit-static"><summary>Hint</summary>'
                     f"<p>{hint_html(exercise.hint)}</p></details>")
    if solution is not None:
        parts.append(f'<details class="exercise-solution tryit-static"><summary>Solution'
                     f"</summary>{_request_code(solution)}</details>")
    parts.append("</section>\n")
    return "".join(parts)


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")


def hint_html(text: str) -> str:
    """A hint as HTML: everything escaped, then `code`, **strong** and *emphasis* spans.

    Hints are a line or two of plain prose; raw HTML in them stays text."""
    pieces: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(_emphasis(escape(text[last:match.start()], quote=False)))
        pieces.append(f"<code>{escape(match.group(2).strip(), quote=False)}</code>")
        last = match.end()
    pieces.append(_emphasis(escape(text[last:], quote=False)))
    return "".join(pieces).strip()


def _emphasis(html: str) -> str:
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    return _EMPHASIS.sub(r"<em>\1</em>", html)


def _title(title: str | None) -> str:
    return f' <span class="tryit-title">{escape(title)}</span>' if title else ""


def _attr(data: Any) -> str:
    return escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")), quote=True)


def _static_request(request: Request, api_base: str) -> str:
    return (
        f'<div class="tryit-static">{_request_code(request)}'
        f'<p class="tryit-curl"><code>{escape(curl_command(request, api_base))}</code></p></div>'
    )


def _request_code(request: Request) -> str:
    """The request highlighted with Pygments' CSS classes (its HTTP lexer wants a version)."""
    from generator.markdown.code import highlight_code

    target = escape(request.path)
    if request.query:
        target += '<span class="o">?</span>' + '<span class="o">&amp;</span>'.join(
            f'<span class="na">{escape(k)}</span><span class="o">=</span>'
            f'<span class="s">{escape(v)}</span>' for k, v in request.query
        )
    lines = [f'<span class="nf">{escape(request.method)}</span> <span class="nn">{target}'
             f"</span>"]
    for name, value in request.headers:
        lines.append(f'<span class="na">{escape(name)}</span><span class="o">:</span> '
                     f'<span class="s">{escape(value)}</span>')
    text = "\n".join(lines) + "\n"
    if request.body:
        body = highlight_code(request.body, "json" if request.is_json else "text")
        text += "\n" + body.rstrip("\n") + "\n"
    return f'<pre class="highlight tryit-request"><code class="language-http">{text}</code></pre>'


def _shell(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def curl_command(request: Request, api_base: str = DEFAULT_API_BASE) -> str:
    """A curl line that sends the same request."""
    url = api_base.rstrip("/") + quote(request.path, safe="/:@!$&'()*+,;=-._~%")
    if request.query:
        url += "?" + urlencode(request.query)
    parts = ["curl"]
    if request.method != "GET":
        parts += ["-X", request.method]
    parts.append(_shell(url))
    for name, value in request.send_headers():
        parts += ["-H", _shell(f"{name}: {value}")]
    if request.body:
        parts += ["--data", _shell(request.body)]
    return " ".join(parts)


def _broken(content: str, problems: list[Problem], what: str) -> str:
    first = next((p for p in problems if p.severity == "error"), None)
    reason = f": {first.message}" if first else ""
    return (
        f'<div class="tryit tryit-invalid" role="note"><p class="tryit-error">This {what} block '
        f"cannot be shown as a panel{escape(reason)}.</p>"
        f'<pre class="highlight"><code>{escape(content)}</code></pre></div>\n'
    )


def diagnostics_for(hooks_diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The try-it diagnostics among a build's (for tests and tools)."""
    return [d for d in hooks_diagnostics if d.code.startswith(("tryit.", "exercise."))]
