"""``coursegen check --live``: send every try-it, and every exercise's start, solution and wrong
answers, to the demo API in-process (httpx over ASGI, lifespan run, a throwaway SQLite
database). Exercises with ``target: student`` check the student's own app, which is not
here: the course's checkpoint test runs those against its reference apps."""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.diagnostics import Diagnostic, error, warning
from generator.tryit.blocks import (
    Check,
    Request,
    evaluate,
    parse_exercise,
    parse_request,
    request_differences,
)
from generator.tryit.checks import MISSING

if TYPE_CHECKING:
    from generator.build import BuildResult

KINDS = ("tryit", "exercise")


@dataclass
class Block:
    """One request to send: a try-it, or an exercise's start or solution."""

    file: str
    line: int  # the fence's line in the note
    kind: str  # "tryit", "start", "solution" or "wrong"
    request: Request
    exercise_id: str | None = None
    check: Check | None = None
    wrong_line: int = 0  # for a wrong answer: its own line in the note


@dataclass
class Answer:
    status: int | None
    headers: dict[str, str]
    body: Any
    error: str | None = None


def collect_blocks(result: BuildResult) -> list[Block]:
    """Every sendable block of the published notes, in vault order then line order."""
    blocks: list[Block] = []
    published = set(result.resolved.notes) if result.resolved.notes else set(result.parsed)
    for path in sorted(result.parsed):
        if path not in published:
            continue
        for token in result.parsed[path].tokens:
            if token.type != "fence":
                continue
            info = token.info.strip().split(maxsplit=1)
            kind = info[0].lower() if info else ""
            if kind not in KINDS:
                continue
            line = token.map[0] + 1 if token.map else 0
            if kind == "tryit":
                request, _ = parse_request(token.content)
                if request is not None:
                    blocks.append(Block(path, line, "tryit", request))
                continue
            exercise, _ = parse_exercise(token.content)
            if exercise is None or exercise.target != "demo":
                continue  # the build already reported why / the student's app is not here
            blocks.append(Block(path, line, "start", exercise.start, exercise.id, exercise.check))
            if exercise.solution is not None:
                blocks.append(Block(path, line, "solution", exercise.solution, exercise.id,
                                    exercise.check))
            for wrong, offset in zip(exercise.wrong, exercise.wrong_offsets, strict=True):
                blocks.append(Block(path, line, "wrong", wrong, exercise.id, exercise.check,
                                    wrong_line=line + 1 + offset))
    return blocks


def run_live_checks(result: BuildResult) -> tuple[list[Diagnostic], list[dict[str, Any]]]:
    """Send every block; diagnostics for failures and one run record per block sent."""
    blocks = collect_blocks(result)
    if not blocks:
        return [], []
    if result.resolved.config.openapi:
        home = result.resolved.home or "index.md"
        return [warning(home, 0, "tryit.live-skipped",
                        "check --live sends requests to the demo API only; this course "
                        f"describes another API ({result.resolved.config.openapi})")], []
    with tempfile.TemporaryDirectory(prefix="coursegen-live-") as folder:
        answers = asyncio.run(_send_all(blocks, Path(folder) / "live.sqlite3"))
    diagnostics: list[Diagnostic] = []
    runs: list[dict[str, Any]] = []
    for block, answer in zip(blocks, answers, strict=True):
        run, problem = _judge(block, answer)
        runs.append(run)
        if problem is not None:
            diagnostics.append(problem)
    return diagnostics, runs


async def _send_all(blocks: list[Block], database: Path) -> list[Answer]:
    import httpx

    from demo_api.main import create_app
    from demo_api.settings import Settings

    settings = Settings(provider="offline", database_path=database, simulated_latency_seconds=0)
    app = create_app(settings)
    answers: list[Answer] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://coursegen.live",
                                     timeout=30.0) as client:
            for block in blocks:
                answers.append(await _send(client, block.request))
    return answers


async def _send(client: Any, request: Request) -> Answer:
    import httpx

    try:
        response = await client.request(
            request.method,
            request.path,
            params=request.query,
            headers=request.send_headers(),
            content=request.body.encode("utf-8") if request.body else None,
        )
    except (httpx.HTTPError, OSError, RuntimeError, ValueError) as exc:
        return Answer(None, {}, None, f"{type(exc).__name__}: {exc}")
    body: Any
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = response.text
    return Answer(response.status_code, dict(response.headers), body)


def _judge(block: Block, answer: Answer) -> tuple[dict[str, Any], Diagnostic | None]:
    request = block.request
    run: dict[str, Any] = {
        "file": block.file,
        "line": block.line,
        "kind": block.kind,
        "id": block.exercise_id,
        "method": request.method,
        "path": request.target,
        "status": answer.status,
        "passed": None,
        "differences": [],
    }
    shown = f"{request.method} {request.target}"
    label = "try-it" if block.kind == "tryit" else f"exercise {block.exercise_id} {block.kind}"
    if answer.status is None:
        run["summary"] = f"{label}: {shown} failed: {answer.error}"
        return run, warning(block.file, block.line, "tryit.live-error",
                            f"{shown} could not be sent: {answer.error}")
    run["summary"] = f"{label}: {shown} -> {answer.status}"
    if block.check is None:
        if answer.status >= 500:
            return run, warning(block.file, block.line, "tryit.live-error",
                                f"{shown} answered {answer.status}: {_detail(answer.body)}",
                                "the API failed on this request; see its log")
        return run, None
    differences = judge_answer(block.check, request, answer.status, answer.headers,
                               answer.body)
    run["passed"] = not differences
    run["differences"] = differences
    run["summary"] += ": passes" if not differences else ": " + "; ".join(differences)
    if block.kind == "solution" and differences:
        return run, error(block.file, block.line, "exercise.solution-fails",
                          f"the solution of exercise {block.exercise_id!r} does not pass its "
                          f"check: {'; '.join(differences)}",
                          "fix the solution or the check")
    if block.kind == "wrong" and not differences:
        return run, error(block.file, block.wrong_line, "exercise.wrong-passes",
                          f"the wrong answer {shown} of exercise {block.exercise_id!r} passes "
                          "its check",
                          "tighten the check (method, path, query, body, detail) so this "
                          "answer fails, or drop it from 'wrong'")
    if block.kind == "start" and not differences:
        return run, error(block.file, block.line, "exercise.start-passes",
                          f"the start of exercise {block.exercise_id!r} already passes its check",
                          "start from a request the student has to change")
    return run, None


def judge_answer(check: Check, request: Request, status: int, headers: dict[str, str],
                 body: Any) -> list[str]:
    """Everything that fails: the request's part of the check first, then the answer's."""
    sent_body = request.json_body if request.is_json else MISSING
    return request_differences(check, request.method, request.path, request.query,
                               sent_body) + evaluate(check, status, headers, body)


def _detail(body: Any) -> str:
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])[:200]
    return str(body)[:200]
