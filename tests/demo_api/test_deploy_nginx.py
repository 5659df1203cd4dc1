"""The shipped nginx site's defences, checked through real nginx on loopback.

One stack for the module (nginx with the shipped site, placeholders filled, plus an HTTPS
port as certbot adds one; gunicorn with 2 workers). The tests that count requests against
nginx's per-client limits each send from their own loopback address (all of 127.0.0.0/8 is
loopback), so they do not share a budget.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import shutil
import ssl
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from conftest import VaultFactory, require_binary
from deploy.stack import NGINX_SITE, Topology, build_site

VAULT: dict[str, str | bytes] = {
    "index.md": "# Weather course\n\nWelcome.\n\n## 1. Start\n\n- [[Lesson]]\n- [[Topology]]\n",
    "lessons/Lesson.md": "# Lesson\n\nThe zebraword lesson: ask the API for the weather.\n",
    "lessons/Topology.md": "# Topology\n\n```mermaid\ngraph LR\n  nginx --> gunicorn\n```\n",
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REPORT = {"location": {"city": "Portland", "state": "OR"}, "description": "burst"}


def write_vault(folder: Path) -> Path:
    for rel, text in VAULT.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    nginx = require_binary("nginx", "/usr/sbin/nginx")
    openssl = require_binary("openssl", "/usr/bin/openssl")
    # Not tmp_path: pytest makes it 0700, and as root nginx's workers run as www-data.
    root = Path(tempfile.mkdtemp(prefix="weather-nginx-"))
    root.chmod(0o755)
    topology = Topology(root)
    try:
        build_site(write_vault(tmp_path_factory.mktemp("vault")), topology.site)
        topology.add_tls(openssl)
        topology.write_nginx_conf()
        topology.start(nginx, workers=2)
        yield topology
    finally:
        topology.close()
        shutil.rmtree(root, ignore_errors=True)


def default_csp() -> str:
    """The Content-Security-Policy nginx sends with every site page (the map's default)."""
    found = re.search(r'map \$uri \$weather_csp \{\s*default\s*"([^"]+)"', NGINX_SITE.read_text())
    assert found, f"no default Content-Security-Policy in {NGINX_SITE}"
    return found.group(1)


def csp_sources(policy: str, directive: str) -> list[str]:
    for part in policy.split(";"):
        name, *sources = part.split()
        if name == directive:
            return sources
    return []


def inline_script_hashes(site: Path) -> dict[str, str]:
    """``'sha256-…'`` of every inline script in the site's pages, with a page that has it."""
    found: dict[str, str] = {}
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        for attributes, code in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
            if "src=" in attributes or re.search(r'type="(?!text/javascript|module)', attributes):
                continue
            digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
            found.setdefault(f"'sha256-{digest}'", str(page.relative_to(site)))
    return found


# ---- Content-Security-Policy -----------------------------------------------------------


def test_nginx_csp_lets_build_along_exercises_reach_the_students_own_app() -> None:
    allowed = csp_sources(default_csp(), "connect-src")
    assert allowed == ["'self'", "http://127.0.0.1:*", "http://localhost:*"]


def test_nginx_csp_allows_each_inline_script_of_a_built_site_by_its_hash(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    build_site(make_vault(VAULT), tmp_path / "site")
    allowed = csp_sources(default_csp(), "script-src")
    assert "'unsafe-inline'" not in allowed
    for digest, page in inline_script_hashes(tmp_path / "site").items():
        assert digest in allowed, (
            f"{page} has an inline script the shipped Content-Security-Policy blocks: put "
            f"{digest} in script-src of {NGINX_SITE} in place of the old hash"
        )


@pytest.mark.deploy
@pytest.mark.nginx
@pytest.mark.browser
def test_nginx_404_page_deep_in_chromium_is_whole_with_no_csp_violation(
    stack: Topology,
) -> None:
    pytest.importorskip("playwright")
    from playwright.sync_api import expect, sync_playwright

    chromium = require_binary("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            # Before any of the page's own scripts: every violation, whatever blocked it.
            context.add_init_script(
                "window.cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', function (e) {"
                "  window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"
            )
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            response = page.goto(f"{stack.base_url}/lessons/no/such/page/")
            assert response is not None and response.status == 404
            assert "content-security-policy" in response.headers
            expect(page.locator("h1")).to_have_text("Page not found")
            # The stylesheet applied, the links lead to the site's root, search (site.js and
            # pagefind's WebAssembly) finds the lesson.
            display = page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).display"
            )
            assert display in ("flex", "grid")
            outline = page.get_by_role("link", name="course outline")
            assert outline.evaluate("a => a.href") == f"{stack.base_url}/"
            page.locator("#search-input").fill("zebraword")
            expect(page.locator(".search-result").first).to_contain_text("Lesson")
            assert page.evaluate("window.cspViolations") == []
            assert not [text for text in console if "Content Security Policy" in text]
        finally:
            browser.close()


@pytest.mark.deploy
@pytest.mark.nginx
@pytest.mark.browser
def test_nginx_mermaid_diagram_is_drawn_under_the_csp(stack: Topology) -> None:
    pytest.importorskip("playwright")
    from playwright.sync_api import expect, sync_playwright

    chromium = require_binary("chromium", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(
                "window.cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', function (e) {"
                "  window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            response = page.goto(f"{stack.base_url}/lessons/topology/")
            assert response is not None and response.status == 200
            expect(page.locator("pre.mermaid svg")).to_contain_text("gunicorn")
            assert page.evaluate("window.cspViolations") == []
            assert errors == []
        finally:
            browser.close()


# ---- HTTPS -----------------------------------------------------------------------------


@pytest.mark.deploy
@pytest.mark.nginx
def test_nginx_hsts_is_sent_over_https_only(stack: Topology) -> None:
    trust = ssl.create_default_context(cafile=str(stack.certificate))
    with httpx.Client(verify=trust, timeout=10) as client:
        secure = [client.get(f"{stack.https_url}{path}") for path in ("/", "/api/health")]
        plain = [client.get(f"{stack.base_url}{path}") for path in ("/", "/api/health")]
    for response in secure:
        assert response.status_code == 200, response.url
        assert response.headers.get("strict-transport-security") == "max-age=31536000"
    for response in plain:
        assert response.status_code == 200, response.url
        assert "strict-transport-security" not in response.headers, response.url


# ---- the app's own pages ---------------------------------------------------------------


@pytest.mark.deploy
@pytest.mark.nginx
def test_nginx_serves_the_app_home_page_at_api_with_its_stylesheet(stack: Topology) -> None:
    # The course takes /, so the app's Jinja home page and its /static/ files need their
    # own addresses, or the lessons on templates and static files show nothing in production.
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        course = client.get("/")
        home = client.get("/api/")
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.text)
        assert href, home.text
        stylesheet = client.get(httpx.URL(href.group(1)).path)
    assert course.status_code == 200 and "Weather course" in course.text
    assert home.status_code == 200, home.text
    assert home.headers["content-type"].startswith("text/html")
    assert "Weather demo API" in home.text
    assert stylesheet.status_code == 200, stylesheet.url
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert stylesheet.request.url.path == "/static/site.css"


JINJA_LESSON = NGINX_SITE.parents[3].joinpath(
    "notes", "lessons", "05 Serving HTML", "Rendering templates with Jinja2.md"
)


def lesson_requests(lesson: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(what, request line, check) for each try-it and each demo exercise's solution."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    text = lesson.read_text(encoding="utf-8")
    for kind, body in re.findall(r"^```(tryit|exercise)\n(.*?)^```$", text, re.S | re.M):
        if kind == "tryit":
            line = next(ln for ln in body.splitlines() if ln and not ln.startswith("#"))
            found.append(("try-it", line, {"status": 200}))
            continue
        exercise = yaml.safe_load(body)
        if exercise.get("target", "demo") == "demo":
            found.append((exercise["id"], exercise["solution"].strip(), exercise["check"]))
    return found


@pytest.mark.deploy
@pytest.mark.nginx
def test_nginx_jinja_lesson_panel_and_exercise_reach_the_app_home_page(stack: Topology) -> None:
    # The course is built with api_base "" behind nginx: a panel's GET goes to the course's
    # own origin, so a request for the app's page must use a path nginx passes to the app.
    requests = lesson_requests(JINJA_LESSON)
    assert {what for what, _, _ in requests} >= {"try-it", "html-home-page"}
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        for what, line, check in requests:
            method, _, target = line.partition(" ")
            answer = client.request(method, target)
            assert answer.status_code == check["status"], (what, line)
            for name, value in (check.get("header") or {}).items():
                assert answer.headers[name] == value, (what, line)
            assert "Weather demo API" in answer.text, (what, line, "the course's page instead")


# ---- redirects -------------------------------------------------------------------------


@pytest.mark.deploy
@pytest.mark.nginx
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_nginx_trailing_slash_redirect_stays_on_the_site_whatever_the_host(
    stack: Topology, scheme: str
) -> None:
    base = stack.base_url if scheme == "http" else stack.https_url
    trust = ssl.create_default_context(cafile=str(stack.certificate))
    response = httpx.get(
        f"{base}/api/weather/Portland/?state=OR",
        headers={"Host": "evil.example"},
        verify=trust,
        timeout=10,
    )
    assert response.status_code == 307
    assert response.headers["location"] == "/api/weather/Portland?state=OR"


# ---- per-client request limits ---------------------------------------------------------


async def send_at_once(
    base_url: str, address: str, count: int, method: str, path: str, body: Any
) -> list[httpx.Response]:
    transport = httpx.AsyncHTTPTransport(
        local_address=address, limits=httpx.Limits(max_connections=20)
    )
    async with httpx.AsyncClient(base_url=base_url, transport=transport, timeout=60) as client:
        return await asyncio.gather(
            *(client.request(method, path, json=body) for _ in range(count))
        )


@pytest.mark.deploy
@pytest.mark.nginx
@pytest.mark.parametrize(
    ("method", "path", "body", "passed", "burst", "address"),
    [
        ("POST", "/api/reports", REPORT, 201, 20, "127.0.0.21"),
        ("GET", "/api/weather/Portland?state=OR", None, 200, 30, "127.0.0.23"),
    ],
    ids=["report-writes", "weather-lookups"],
)
def test_nginx_burst_past_the_limit_gets_429_and_spares_reads_and_other_clients(
    stack: Topology, method: str, path: str, body: Any, passed: int, burst: int, address: str
) -> None:
    count = 3 * (burst + 1)
    responses = asyncio.run(send_at_once(stack.base_url, address, count, method, path, body))
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {passed, 429}, statuses
    # The first burst + 1 always pass (time only adds to a client's allowance); then nginx
    # refuses until the rate catches up, long after these requests are all in.
    assert statuses.count(passed) >= burst + 1, statuses
    assert 429 in statuses, f"{count} requests at once from one client all passed"
    refused = responses[statuses.index(429)]
    assert refused.headers["content-type"] == "application/json"
    assert "Too many requests" in refused.json()["detail"]
    assert refused.headers.get("retry-after") == "2"
    assert "default-src 'self'" in refused.headers.get("content-security-policy", "")

    with httpx.Client(
        base_url=stack.base_url, transport=httpx.HTTPTransport(local_address=address), timeout=10
    ) as same_client:
        assert same_client.get("/api/health").status_code == 200
        assert same_client.get("/api/reports").status_code == 200
    other_address = address.rsplit(".", 1)[0] + "." + str(int(address.rsplit(".", 1)[1]) + 1)
    with httpx.Client(
        base_url=stack.base_url,
        transport=httpx.HTTPTransport(local_address=other_address),
        timeout=10,
    ) as other_client:
        assert other_client.request(method, path, json=body).status_code == passed
