"""The course in notes/: checked by reading the note files directly, with no generator.

These tests hold the course to its brief: the outline names real notes, every
seed topic is taught, there are enough well-formed exercises, every endpoint of
the demo API is called from some panel, every link and include resolves.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "notes"

CHAPTERS = [
    "Why FastAPI",
    "Your first API",
    "Language features",
    "Pydantic",
    "Serving HTML",
    "A full-featured API",
    "Deployment",
]

# Every wiki-link target the seed notes use (rlparse, a personal tag page, is dropped).
SEED_LINK_TARGETS = [
    "fastapi", "typing", "httpx", "pydantic", "uvicorn", "starlette", "ASGI", "WSGI",
    "Jinja2", "aiofiles", "SQLAlchemy", "nginx", "gunicorn", "systemd", "letsencrypt",
    "httpie", "homebrew", "chocolatey", "PYTHON", "PROGRAMMING",
]  # fmt: skip

# (topic, pattern): each pattern must match somewhere in the lesson text.
SEED_TOPICS: list[tuple[str, str]] = [
    ("why FastAPI: the promises", r"Fast to execute.*Standards-based"),
    ("homebrew and chocolatey", r"brew install python.*choco install python"),
    ("the calculate endpoint", r"@api\.get\(\"/api/calculate\"\)"),
    ("uvicorn.run", r"uvicorn\.run\(api, host=\"127\.0\.0\.1\", port=8000\)"),
    ("status codes: 201", r"201 Created"),
    ("status codes: 400", r"400 Bad Request"),
    ("status codes: 404", r"404 Not Found"),
    ("status codes: 422", r"422 Unprocessable"),
    ("status codes: 500", r"500 Internal Server Error"),
    ("httpstatuses", r"httpstatuses"),
    ("Optional", r"running_max: Optional\[int\] = None"),
    ("X | None", r"int \| None"),
    ("Iterable", r"def counter\(items: Iterable\[Item\]\) -> int"),
    ("async view", r"async def weather\("),
    ("await", r"report = await "),
    ("WSGI", r"def app\(environ, start_response\)"),
    ("ASGI", r"async def app\(scope, receive, send\)"),
    ("BaseModel", r"from pydantic import BaseModel"),
    ("the Order example", r"class Order\(BaseModel\).*Order\(\*\*order_json\)"),
    ("conversion of '123'", r"\"item_id\": \"123\""),
    ("nested models", r"class ReportSubmittal\(BaseModel\):\s+location: Location"),
    ("Jinja2 install", r"pip install jinja2"),
    ("TemplateResponse, today's form", r"TemplateResponse\(request, "),
    (
        "TemplateResponse, the old form named",
        r"TemplateResponse\(\"index\.html\", \{\"request\": request\}\)",
    ),
    ("static files", r"StaticFiles\(directory=\"static\"\)"),
    ("aiofiles", r"pip install aiofiles"),
    ("Location as a dependency", r"loc: Location = Depends\(\)"),
    ("Annotated dependencies", r"Annotated\[Location, Depends\(\)\]"),
    ("service layer", r"data access layer"),
    ("async httpx", r"httpx\.AsyncClient"),
    ("lifespan instead of on_event", r"on_event.*lifespan|lifespan.*on_event"),
    ("the cache", r"time to live"),
    ("error handling", r"raise HTTPException\(status_code=400, detail=\"z cannot be zero\"\)"),
    ("error handling: no crash", r"Instead of crashing"),
    ("POST and 201", r"status_code=201"),
    ("Location header", r"`Location` header"),
    ("PUT", r"PUT /api/reports/"),
    (
        "DELETE and 204",
        r"DELETE /api/reports/.*204 No Content|204 No Content.*DELETE /api/reports/",
    ),
    ("hosting options", r"Heroku.*Lightsail"),
    ("Ubuntu VM", r"Ubuntu VM"),
    ("ssh in as root", r"ssh root@"),
    ("apt update and upgrade", r"apt update && apt upgrade"),
    ("apt list --upgradable", r"apt list --upgradable"),
    ("reboot", r"^reboot$"),
    ("ufw", r"ufw allow 22/tcp.*ufw allow 80/tcp.*ufw allow 443/tcp.*ufw enable"),
    ("fail2ban", r"apt install fail2ban"),
    ("non-root user", r"useradd .*nologin"),
    ("venv", r"python3 -m venv /apps/venv"),
    ("git clone", r"git clone "),
    ("gunicorn with uvicorn workers", r"gunicorn -k uvicorn_worker\.UvicornWorker"),
    ("uvicorn-worker package", r"pip install uvicorn-worker"),
    ("the deprecated worker module named", r"uvicorn\.workers\.UvicornWorker"),
    (
        "systemd unit",
        r"cp /apps/app_repo/demo_api/server/units/weather\.service /etc/systemd/system/",
    ),
    ("systemctl", r"systemctl start weather.*systemctl status weather.*systemctl enable weather"),
    ("relative RuntimeDirectory", r"RuntimeDirectory=weather_api"),
    ("nginx", r"apt install nginx"),
    ("nginx test", r"nginx -t"),
    ("X-Forwarded-Proto", r"proxy_set_header X-Forwarded-Proto \$scheme"),
    ("Let's Encrypt", r"Let's Encrypt"),
    ("certbot through snap", r"snap install --classic certbot"),
    ("certbot --nginx", r"certbot --nginx -d "),
    ("the deprecated PPA named", r"ppa:certbot/certbot"),
    ("secrets out of git", r"Don't put your secrets in git"),
    ("a .env file ignored by git", r"\.gitignore\s+\.env"),
    ("docs_url=None", r"FastAPI\(docs_url=None"),
    ("topology", r"nginx → gunicorn → uvicorn"),
    ("httpie", r"http localhost:8000/"),
]

EXERCISE_KEYS = {"id", "title", "task", "start", "check", "solution", "wrong", "hint"}
CHECK_KEYS = {"status", "json", "header", "detail", "method", "path", "query", "body"}
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
ATTACHMENT_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"}

_FENCE = re.compile(r"^(?P<prefix>(?:>\s?)*)\s{0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_WIKILINK = re.compile(r"(!?)\[\[([^\]]+?)\]\]")
_INCLUDE = re.compile(r"\{\{#include\s+([^}\s]+)\s*\}\}")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BLOCK_ID = re.compile(r"\s\^([A-Za-z0-9-]+)\s*$")


@dataclass
class Fence:
    info: str
    body: str
    line: int


@dataclass
class Note:
    path: Path
    frontmatter: dict[str, Any]
    body: str
    fences: list[Fence] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.path.relative_to(NOTES).as_posix()

    @property
    def prose(self) -> str:
        """The body with fenced code, inline code and %%comments%% removed."""
        return _strip_code(self.body)


def _split_frontmatter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    data = yaml.safe_load(text[4:end]) or {}
    assert isinstance(data, dict)
    return data, text[end + 5 :]


def _fences(body: str) -> list[Fence]:
    found: list[Fence] = []
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        prefix, fence, info = match["prefix"], match["fence"], match["info"].strip()
        start = index
        content: list[str] = []
        index += 1
        while index < len(lines):
            line = lines[index]
            if prefix and line.startswith(prefix.rstrip()):
                line = line[len(prefix) :] if line.startswith(prefix) else ""
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                break
            content.append(line)
            index += 1
        found.append(Fence(info.split()[0] if info else "", "\n".join(content) + "\n", start + 1))
        index += 1
    return found


def _strip_code(body: str) -> str:
    kept: list[str] = []
    in_fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if in_fence is None and match is not None:
            in_fence = match["fence"][0] * len(match["fence"])
            continue
        if in_fence is not None:
            if (
                line.lstrip("> ").strip().startswith(in_fence)
                and not line.lstrip("> ").strip(in_fence[0]).strip()
            ):
                in_fence = None
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"%%.*?%%", "", text, flags=re.S)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text, flags=re.S)


@cache
def load_notes() -> tuple[Note, ...]:
    notes = []
    for path in sorted(NOTES.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(NOTES).parts):
            continue
        frontmatter, body = _split_frontmatter(path.read_text(encoding="utf-8"))
        notes.append(Note(path, frontmatter, body, _fences(body)))
    return tuple(notes)


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


@cache
def note_index() -> dict[str, list[Note]]:
    """Names a link may use for each note: path, path without .md, file stem, aliases."""
    index: dict[str, list[Note]] = {}
    for note in load_notes():
        names = {note.rel, note.rel.removesuffix(".md"), note.path.stem}
        names.update(str(alias) for alias in note.frontmatter.get("aliases") or [])
        for name in names:
            index.setdefault(_key(name), []).append(note)
    return index


@cache
def attachments() -> tuple[Path, ...]:
    return tuple(p for p in sorted(NOTES.rglob("*")) if p.suffix.lower() in ATTACHMENT_SUFFIXES)


def resolve(target: str) -> Note | Path | None:
    name = target.strip()
    for attachment in attachments():
        if _key(attachment.name) == _key(name):
            return attachment
    matches = note_index().get(_key(name))
    if matches:
        return matches[0]
    suffix = [n for n in load_notes() if _key(n.rel.removesuffix(".md")).endswith("/" + _key(name))]
    return suffix[0] if suffix else None


def outline() -> dict[str, list[str]]:
    index = next(note for note in load_notes() if note.rel == "index.md")
    chapters: dict[str, list[str]] = {}
    current: str | None = None
    for line in index.body.split("\n"):
        heading = re.match(r"^##\s+(.+)$", line)
        if heading:
            current = re.sub(r"^\d+\.\s*", "", heading[1]).strip()
            chapters[current] = []
        elif current is not None and re.match(r"^\s*[-*]\s+\[\[", line):
            chapters[current].extend(
                target.split("|")[0].split("#")[0] for _, target in _WIKILINK.findall(line)
            )
    return chapters


def lessons() -> list[Note]:
    found = []
    for names in outline().values():
        for name in names:
            note = resolve(name)
            assert isinstance(note, Note), name
            found.append(note)
    return found


@cache
def lesson_text() -> str:
    return "\n\n".join(note.body for note in lessons())


def exercises() -> Iterator[tuple[Note, Fence, dict[str, Any]]]:
    for note in load_notes():
        for fence in note.fences:
            if fence.info == "exercise":
                data = yaml.safe_load(fence.body)
                assert isinstance(data, dict), f"{note.rel}:{fence.line}: exercise is not a mapping"
                yield note, fence, data


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str


def parse_request(text: str) -> Request:
    lines = text.strip("\n").split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    method, _, target = lines[0].partition(" ")
    headers: dict[str, str] = {}
    index = 1
    while index < len(lines) and lines[index].strip():
        name, sep, value = lines[index].partition(":")
        assert sep, f"bad header line {lines[index]!r}"
        headers[name.strip().lower()] = value.strip()
        index += 1
    body = "\n".join(lines[index + 1 :]).strip()
    return Request(method.strip(), target.strip(), headers, body)


def all_requests() -> Iterator[tuple[str, Request]]:
    for note in load_notes():
        for fence in note.fences:
            where = f"{note.rel}:{fence.line}"
            if fence.info == "tryit":
                yield where, parse_request(fence.body)
    for note, fence, data in exercises():
        for key in ("start", "solution"):
            yield f"{note.rel}:{fence.line} ({key})", parse_request(data[key])


# ---- the outline --------------------------------------------------------------------------


def test_index_frontmatter_has_title_and_api_base() -> None:
    index = next(note for note in load_notes() if note.rel == "index.md")
    assert index.frontmatter["title"] == "Getting started with FastAPI"
    assert index.frontmatter["api_base"] == "http://127.0.0.1:8000"


def test_outline_chapters_are_the_seven_big_ideas_in_order() -> None:
    assert list(outline()) == CHAPTERS


def test_outline_every_entry_names_an_existing_note() -> None:
    missing = [name for names in outline().values() for name in names if resolve(name) is None]
    assert missing == []
    assert all(outline().values()), "a chapter without lessons"


def test_outline_lesson_names_are_unique_notes() -> None:
    names = [_key(name) for names in outline().values() for name in names]
    assert len(names) == len(set(names))
    for name in names:
        assert len(note_index()[name]) == 1, f"[[{name}]] matches several notes"


@pytest.mark.parametrize("note", lessons(), ids=lambda note: note.path.stem)
def test_lesson_opens_with_its_title_and_learning_goals_and_ends_with_related_notes(
    note: Note,
) -> None:
    # The seed's Links:/Ref:/Tags:/Rel: lines filled a phone's first screen: the lesson opens
    # with its title, and the related concepts and references close it.
    assert note.body.lstrip().startswith("# "), f"{note.rel}: does not open with its title"
    assert not re.search(r"^(Links|Ref|Tags|Rel): ", note.body, re.M), note.rel
    assert re.search(r"^## What you will learn$", note.body, re.M), note.rel
    assert note.frontmatter.get("title"), note.rel
    footer = note.body.rpartition("\n## Related\n")[2]
    assert footer != note.body and _WIKILINK.search(footer), f"{note.rel}: no related notes"
    assert "\n## " not in footer, f"{note.rel}: ## Related is not the last section"


@pytest.mark.parametrize(
    "note", [n for n in load_notes() if n.rel.startswith("concepts/")], ids=lambda n: n.path.stem
)
def test_concept_opens_with_its_title_and_ends_with_related_notes(note: Note) -> None:
    # As the lessons: the Links:/Ref:/Tags:/Rel: lines move to a footer (tags: frontmatter).
    assert note.body.lstrip().startswith("# "), f"{note.rel}: does not open with its title"
    assert not re.search(r"^(Links|Ref|Tags|Rel): ", note.body, re.M), note.rel
    footer = note.body.rpartition("\n## Related\n")[2]
    assert footer != note.body and _WIKILINK.search(footer), f"{note.rel}: no related notes"
    assert note.frontmatter.get("tags"), note.rel


def test_obsidian_config_has_strict_line_breaks_like_a_published_page() -> None:
    # The notes are hard-wrapped: with Obsidian's default, each newline was a line break.
    app = json.loads((NOTES / ".obsidian" / "app.json").read_text(encoding="utf-8"))
    assert app["strictLineBreaks"] is True


# ---- topics -------------------------------------------------------------------------------


@pytest.mark.parametrize(("topic", "pattern"), SEED_TOPICS, ids=[t for t, _ in SEED_TOPICS])
def test_lessons_teach_seed_topic(topic: str, pattern: str) -> None:
    assert re.search(pattern, lesson_text(), re.S | re.M), f"no lesson teaches {topic}"


def test_lessons_verbs_table_lists_get_post_put_delete() -> None:
    rows = {
        match[1] for match in re.finditer(r"^\|\s*(GET|POST|PUT|DELETE)\s*\|", lesson_text(), re.M)
    }
    assert rows == {"GET", "POST", "PUT", "DELETE"}


# ---- concept notes and links --------------------------------------------------------------


@pytest.mark.parametrize("target", SEED_LINK_TARGETS)
def test_concepts_seed_link_target_has_a_concept_note(target: str) -> None:
    note = resolve(target)
    assert isinstance(note, Note), f"[[{target}]] has no note"
    assert note.rel.startswith("concepts/")
    assert any(isinstance(resolve(name), Note) for name in _links_of(note)), note.rel


def _links_of(note: Note) -> list[str]:
    return [target.split("|")[0].split("#")[0] for _, target in _WIKILINK.findall(note.prose)]


def _headings_and_blocks(note: Note) -> tuple[set[str], set[str]]:
    prose_lines = _strip_code(note.body).split("\n")
    headings = {_key(m[2]) for line in prose_lines if (m := _HEADING.match(line))}
    blocks = {m[1] for line in prose_lines if (m := _BLOCK_ID.search(line))}
    return headings, blocks


def test_links_every_wikilink_and_embed_resolves() -> None:
    problems = []
    for note in load_notes():
        for _, raw in _WIKILINK.findall(note.prose):
            target = raw.replace("\\|", "|").split("|")[0]
            name, _, anchor = target.partition("#")
            found = resolve(name) if name.strip() else note
            if found is None:
                problems.append(f"{note.rel}: [[{raw}]] matches no note")
                continue
            if anchor and isinstance(found, Note):
                headings, blocks = _headings_and_blocks(found)
                if anchor.startswith("^"):
                    if anchor[1:] not in blocks:
                        problems.append(f"{note.rel}: [[{raw}]]: no block ^{anchor[1:]}")
                elif _key(anchor.split("#")[-1]) not in headings:
                    problems.append(f"{note.rel}: [[{raw}]]: no heading {anchor!r}")
    assert problems == []


def test_notes_frontmatter_has_titles_and_list_aliases() -> None:
    for note in load_notes():
        assert isinstance(note.frontmatter.get("title"), str), note.rel
        assert isinstance(note.frontmatter.get("aliases", []), list), note.rel


def test_notes_aliases_never_shadow_another_note() -> None:
    stems = {_key(note.path.stem): note.rel for note in load_notes()}
    for note in load_notes():
        for alias in note.frontmatter.get("aliases") or []:
            assert stems.get(_key(str(alias)), note.rel) == note.rel, (note.rel, alias)


def test_obsidian_config_resolves_links_like_the_site() -> None:
    app = json.loads((NOTES / ".obsidian" / "app.json").read_text(encoding="utf-8"))
    assert app["newLinkFormat"] == "shortest"
    assert app["useMarkdownLinks"] is False
    assert (NOTES / app["attachmentFolderPath"]).is_dir()


def test_vault_showcases_every_generator_feature() -> None:
    text = "\n".join(note.body for note in load_notes())
    prose = "\n".join(note.prose for note in load_notes())
    fence_kinds = {fence.info for note in load_notes() for fence in note.fences}
    assert re.search(r"!\[\[[^\]#|]+#[^\]^]+\]\]", prose), "a section embed"
    assert re.search(r"!\[\[[^\]]+#\^[\w-]+\]\]", prose), "a block embed"
    assert re.search(r"!\[\[[^\]]+\.svg\]\]", prose), "an embedded SVG"
    assert any(note.frontmatter.get("aliases") for note in load_notes()), "an alias"
    assert "mermaid" in fence_kinds
    assert re.search(r"(?<!\$)\$[^$\s][^$]*\$(?!\$)", prose), "inline math"
    assert re.search(r"==[^=\s][^=]*==", prose), "a highlight"
    assert re.search(r"\[\^\w+\]:", text), "a footnote"
    assert re.search(r"^- \[[ x/]\] ", text, re.M), "a task list"
    assert re.search(r"^> \[!\w+\]-", text, re.M), "a folded callout"


def test_attachments_svg_diagram_is_well_formed() -> None:
    import xml.etree.ElementTree as ElementTree

    svg = NOTES / "attachments" / "deployment-topology.svg"
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    for layer in ("nginx", "gunicorn", "uvicorn worker", "systemd"):
        assert layer in text


# ---- exercises and try-its ----------------------------------------------------------------


def test_exercises_at_least_thirty_six_with_unique_ids() -> None:
    ids = [data["id"] for _, _, data in exercises()]
    assert len(ids) >= 36
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def chapter_exercises() -> dict[str, list[dict[str, Any]]]:
    by_note = {note.path: [data for n, _, data in exercises() if n.path == note.path]
               for note in lessons()}
    return {
        chapter: [data for name in names for data in by_note[_lesson(name).path]]
        for chapter, names in outline().items()
    }


def _lesson(name: str) -> Note:
    note = resolve(name)
    assert isinstance(note, Note), name
    return note


def test_exercises_at_least_two_in_every_chapter() -> None:
    counts = {chapter: len(found) for chapter, found in chapter_exercises().items()}
    assert all(count >= 2 for count in counts.values()), counts


def test_exercises_build_along_twelve_or_more_in_every_chapter_from_2_to_6() -> None:
    student = {chapter: [d["id"] for d in found if d.get("target") == "student"]
               for chapter, found in chapter_exercises().items()}
    assert sum(len(ids) for ids in student.values()) >= 12
    assert [chapter for chapter, ids in student.items() if ids] == CHAPTERS[1:6]


# Lessons of chapters 2-6 that are read, not practised: they get "mark as read".
READING_LESSONS = {"Async and await", "WSGI versus ASGI", "The service layer"}


def test_exercises_every_lesson_of_chapters_2_to_6_has_one_but_the_reading_lessons() -> None:
    names = [name for chapter in CHAPTERS[1:6] for name in outline()[chapter]]
    with_exercise = {note.path for note, _, _ in exercises()}
    without = {name for name in names if _lesson(name).path not in with_exercise}
    assert without == READING_LESSONS


def test_exercises_list_two_to_four_wrong_answers_and_constrain_the_request() -> None:
    for note, fence, data in exercises():
        where = f"{note.rel}:{fence.line}"
        assert 2 <= len(data["wrong"]) <= 4, where
        assert set(data["check"]) & {"method", "path"}, f"{where}: the request is unchecked"


def test_exercises_title_task_and_hint_do_not_give_the_solution_away() -> None:
    for note, fence, data in exercises():
        solution = parse_request(data["solution"])
        target = solution.path
        told = " ".join(str(data.get(key, "")) for key in ("title", "task", "hint"))
        assert target not in told, f"{note.rel}:{fence.line}: {target} is in the text"


def test_exercises_use_exactly_the_block_keys_and_a_checkable_status() -> None:
    for note, fence, data in exercises():
        where = f"{note.rel}:{fence.line}"
        keys = set(data) - {"target"}
        assert keys == EXERCISE_KEYS, (where, sorted(keys ^ EXERCISE_KEYS))
        assert data.get("target", "demo") in {"demo", "student"}, where
        check = data["check"]
        assert set(check) <= CHECK_KEYS, where
        assert isinstance(check["status"], int) and 100 <= check["status"] <= 599, where
        for key in ("json", "header"):
            assert isinstance(check.get(key, {}), dict), where
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", data["id"]), where


def test_exercises_start_differs_from_solution() -> None:
    for note, _fence, data in exercises():
        assert parse_request(data["start"]) != parse_request(data["solution"]), note.rel


def test_requests_are_well_formed_http() -> None:
    for where, request in all_requests():
        assert request.method in HTTP_METHODS, where
        assert request.path.startswith("/"), where
        if request.body:
            assert request.headers.get("content-type") == "application/json", where
            json.loads(request.body)


def test_requests_to_the_demo_reach_the_app_behind_the_shipped_nginx_too() -> None:
    # Deployed, the course is built with api_base "" and takes /: a panel's request reaches
    # the demo API only on a path the nginx site proxies (its API location's regex).
    site = (ROOT / "demo_api/server/nginx/weather.nginx").read_text(encoding="utf-8")
    proxied = re.search(r"location ~ (\^/\(api/[^ ]+) \{", site)
    assert proxied, "the nginx site has no API location"
    student = {f"{note.rel}:{fence.line}" for note, fence, data in exercises()
               if data.get("target") == "student"}  # those call the student's own app
    unreachable = [
        f"{where}: {request.method} {request.path}"
        for where, request in all_requests()
        if where.split(" (")[0] not in student and not re.match(proxied[1], request.path)
    ]
    assert unreachable == []


def demo_api_endpoints() -> list[tuple[str, str]]:
    """Every (method, path pattern) the demo API serves: its OpenAPI paths plus the docs."""
    from fastapi.routing import APIRoute
    from starlette.routing import Route

    from demo_api.main import create_app
    from demo_api.settings import Settings

    app = create_app(Settings(database_path=":memory:"))
    found: list[tuple[str, str]] = []
    for path, operations in app.openapi()["paths"].items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path))
        found += [(method.upper(), pattern) for method in operations]
    for route in app.routes:
        if isinstance(route, Route) and not isinstance(route, APIRoute):
            found += [(m, re.escape(route.path)) for m in sorted(route.methods or ()) if m == "GET"]
    return sorted(set(found))


def test_requests_cover_every_demo_api_endpoint() -> None:
    seen = {(request.method, request.path.split("?")[0]) for _, request in all_requests()}
    endpoints = demo_api_endpoints()
    assert ("DELETE", "/api/reports/[^/]+") in endpoints  # the schema was really read
    uncovered = [
        f"{method} {pattern}"
        for method, pattern in endpoints
        if not any(m == method and re.fullmatch(pattern, path) for m, path in seen)
    ]
    assert uncovered == []


def test_check_live_on_the_course_passes_with_no_warnings() -> None:
    from typer.testing import CliRunner

    from generator.cli import app

    result = CliRunner().invoke(app, ["check", str(NOTES), "--live", "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["diagnostics"] == []
    assert result.exit_code == 0
    assert len(payload["runs"]) >= 40
    by_kind: dict[str, list[bool | None]] = {}
    for run in payload["runs"]:
        by_kind.setdefault(run["kind"], []).append(run["passed"])
    assert all(by_kind["solution"]) and not any(by_kind["start"])
    assert len(by_kind["solution"]) >= 12
    # every wrong answer of every demo exercise was sent, and failed
    assert len(by_kind["wrong"]) >= 2 * len(by_kind["solution"])
    assert not any(by_kind["wrong"])


@cache
def built_course() -> dict[str, bytes]:
    from generator.build import BuildOptions, assemble

    return assemble(BuildOptions(vault=NOTES, cache_dir=None)).files


def test_every_lesson_page_has_an_exercise_or_mark_as_read() -> None:
    from selectolax.lexbor import LexborHTMLParser

    files = built_course()
    home = LexborHTMLParser(files["index.html"].decode())
    links = [a.attributes.get("href") or "" for a in home.css("#sidebar .lesson > a")]
    assert len(links) == len(lessons())
    for href in links:
        name = (href.removeprefix("./").split("#")[0] or "") + "index.html"
        page = LexborHTMLParser(files[name].decode())
        exercises_here = page.css("section.exercise")
        read = page.css(".mark-read[data-read-key] button")
        assert bool(exercises_here) != bool(read), f"{name}: needs an exercise or mark as read"


@pytest.mark.parametrize("note", lessons(), ids=lambda note: note.path.stem)
def test_lesson_that_shows_an_api_path_has_a_tryit(note: Note) -> None:
    kinds = {fence.info for fence in note.fences}
    if re.search(r"/api/\w+", note.prose):
        assert kinds & {"tryit", "exercise"}, f"{note.rel} talks about the API but calls nothing"


# ---- includes -----------------------------------------------------------------------------


def _includes() -> list[tuple[str, str]]:
    return [
        (note.rel, spec)
        for note in load_notes()
        for fence in note.fences
        for spec in _INCLUDE.findall(fence.body)
    ]


def test_includes_of_the_demo_in_build_along_chapters_are_labelled_the_finished_version() -> None:
    # From chapter 2 on the student writes their own app: code from demo_api/ must not pass
    # for the code to type, so each such block (or run of blocks) carries the caption.
    unlabelled = []
    for name in (name for chapter in CHAPTERS[1:6] for name in outline()[chapter]):
        note = _lesson(name)
        lines = note.body.split("\n")
        for fence in note.fences:
            if "{{#include demo_api/" not in fence.body:
                continue
            above = [line for line in lines[: fence.line - 1] if line.strip()]
            label = above[-1] if above else ""
            if not label.startswith("```") and "The finished version" not in label:
                unlabelled.append(f"{note.rel}:{fence.line}")
    assert unlabelled == []


def test_includes_exist_for_the_demo_code() -> None:
    assert len(_includes()) >= 15


@pytest.mark.parametrize(("source", "spec"), _includes(), ids=lambda value: str(value))
def test_include_names_an_existing_file_and_anchor(source: str, spec: str) -> None:
    relative, _, anchor = spec.partition(":")
    path = (ROOT / relative).resolve()
    assert path.is_relative_to(ROOT), f"{source}: {spec} leaves the project"
    assert path.is_file(), f"{source}: {relative} does not exist"
    text = path.read_text(encoding="utf-8")
    if not anchor:
        return
    if re.fullmatch(r"\d*:\d*", anchor):
        first, last = (int(part) if part else None for part in anchor.split(":"))
        assert (first or 1) <= (last or len(text.splitlines())) <= len(text.splitlines())
        return
    if f"ANCHOR: {anchor}" in text:
        assert f"ANCHOR_END: {anchor}" in text, f"{source}: region {anchor} is not closed"
        return
    assert path.suffix == ".py", f"{source}: {spec}: named anchors need a Python file"
    names = {
        node.name
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    assert anchor in names, f"{source}: {relative} has no function or class {anchor}"
