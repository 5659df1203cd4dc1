"""The home note's ``openapi:``: only a file of the project, never a URL, and a broken one is
reported without quoting it."""

from __future__ import annotations

import json
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, build
from generator.diagnostics import Diagnostic
from tests.conftest import static_server

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
LESSON = "# Lesson\n\n```tryit\nGET /pets/3\n```\n"
SCHEMA = {"openapi": "3.1.0", "paths": {"/pets/{id}": {"get": {}}}}


def _home(openapi: str) -> str:
    return f"---\ntitle: Pets\nopenapi: {openapi}\n---\n# Pets\n\n- [[Lesson]]\n"


def _build(project: Path, openapi: str, out: Path) -> tuple[list[Diagnostic], dict[str, bytes]]:
    vault = project / "notes"
    vault.mkdir(parents=True, exist_ok=True)
    (vault / "index.md").write_text(_home(openapi), encoding="utf-8")
    (vault / "Lesson.md").write_text(LESSON, encoding="utf-8")
    result = build(BuildOptions(vault=vault, out=out, cache_dir=None))
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return result.diagnostics, files


def _openapi_problems(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == "tryit.openapi"]


class _CountingHandler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_openapi_url_is_refused_and_no_request_is_sent(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "openapi.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    _CountingHandler.requests = []
    with static_server(served, _CountingHandler) as address:
        diagnostics, _ = _build(tmp_path / "project", f"{address}/openapi.json?token=t0k",
                                tmp_path / "site")
    [problem] = _openapi_problems(diagnostics)
    assert problem.severity == "error"
    assert "is an address" in problem.message and "sends no request" in problem.message
    assert "t0k" not in problem.message
    assert _CountingHandler.requests == []


def test_openapi_outside_the_project_is_refused_and_never_quoted(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "credentials"
    outside.parent.mkdir()
    # not YAML: a YAML error would show the lines around the mistake
    outside.write_text(f"[default]\naws_secret_access_key = {SECRET}\n: [\n", encoding="utf-8")

    diagnostics, site = _build(tmp_path / "project", "../../outside/credentials",
                               tmp_path / "site")

    [problem] = _openapi_problems(diagnostics)
    assert "outside the project folder" in problem.message
    assert not [d for d in diagnostics if SECRET in f"{d.message} {d.hint}"]
    assert not [name for name, data in site.items() if SECRET.encode() in data]


def test_openapi_broken_yaml_in_the_project_names_the_line_and_quotes_nothing(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "project" / "api" / "schema.yaml"
    schema.parent.mkdir(parents=True)
    schema.write_text(f'paths:\n  "/pets": {{}}\n  note: "{SECRET}\n', encoding="utf-8")

    diagnostics, _ = _build(tmp_path / "project", "../api/schema.yaml", tmp_path / "site")

    [problem] = _openapi_problems(diagnostics)
    assert "is not valid YAML" in problem.message and "(line 4, column 1)" in problem.message
    assert SECRET not in f"{problem.message} {problem.hint}"


def test_openapi_file_in_the_project_beside_the_vault_is_used(tmp_path: Path) -> None:
    schema = tmp_path / "project" / "api" / "openapi.json"
    schema.parent.mkdir(parents=True)
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    diagnostics, _ = _build(tmp_path / "project", "../api/openapi.json", tmp_path / "site")
    assert [d for d in diagnostics if d.code.startswith("tryit.")] == []
