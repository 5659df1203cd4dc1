"""The demo API's schema kept between builds: the same document and routes as the live app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Match

from demo_api.main import create_app
from demo_api.settings import Settings
from generator.tryit import openapi
from generator.tryit.openapi import demo_schema

ROOT = Path(__file__).resolve().parents[3]

SAMPLES = [
    ("GET", "/api/weather/Portland"),
    ("POST", "/api/weather/Portland"),
    ("GET", "/api/reports"),
    ("POST", "/api/reports"),
    ("DELETE", "/api/reports/3"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/openapi.json"),
    ("HEAD", "/api/health"),
    ("GET", "/api/health"),
    ("GET", "/api/no/such/route"),
    ("PATCH", "/api/cities"),
    ("GET", "/static/anything.css"),
    ("GET", "/"),
]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    demo_schema.cache_clear()
    yield tmp_path / "coursegen"
    demo_schema.cache_clear()


def _live_answers(method: str, path: str) -> bool:
    app = create_app(Settings(provider="offline", docs_enabled=True))
    scope = {"type": "http", "path": path, "method": method, "root_path": "", "path_params": {}}
    return any(route.matches(scope)[0] is Match.FULL for route in app.routes)


def test_stored_demo_schema_is_the_apps_own_document_and_routes(fresh_cache: Path) -> None:
    made = demo_schema()
    stored = list(fresh_cache.glob("demo-openapi-*.json"))
    assert len(stored) == 1
    demo_schema.cache_clear()
    read = demo_schema()
    app = create_app(Settings(provider="offline", docs_enabled=True))
    assert made.doc == read.doc == json.loads(json.dumps(app.openapi()))
    assert made.answers is not None and read.answers is not None
    for method, path in SAMPLES:
        expected = _live_answers(method, path)
        assert made.answers(method, path) is expected, (method, path)
        assert read.answers(method, path) is expected, (method, path)


def test_a_changed_demo_api_source_gets_a_new_schema(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = openapi._demo_fingerprint()
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = real(path)
        return data + b"\n# edited\n" if path.name == "main.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert openapi._demo_fingerprint() != before


def test_a_corrupt_stored_schema_is_made_again(fresh_cache: Path) -> None:
    demo_schema()
    (stored,) = fresh_cache.glob("demo-openapi-*.json")
    stored.write_text("{not json", encoding="utf-8")
    demo_schema.cache_clear()
    assert "/api/reports" in demo_schema().doc["paths"]
    assert json.loads(stored.read_text(encoding="utf-8"))["doc"]["paths"]


def test_a_later_build_of_a_course_with_try_its_does_not_import_fastapi(
    tmp_path: Path, fresh_cache: Path
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "index.md").write_text("# Course\n\n## One\n\n- [[Lesson]]\n", encoding="utf-8")
    (vault / "Lesson.md").write_text(
        "# Lesson\n\n```tryit\nGET /api/weather/Portland\n```\n\n"
        "```tryit\nGET /docs\n```\n\n```tryit\nGET /api/wether/Portland\n```\n",
        encoding="utf-8",
    )
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from generator.build import BuildOptions, build\n"
        "result = build(BuildOptions(vault=Path(sys.argv[1]), out=Path(sys.argv[2]), "
        "cache_dir=None))\n"
        "print([d.code for d in result.diagnostics], 'fastapi' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(fresh_cache.parent)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(vault), str(tmp_path / "site")],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    # The misspelt path is reported both times, from the stored answer the second time.
    assert runs == ["['tryit.unknown-endpoint'] True", "['tryit.unknown-endpoint'] False"]
