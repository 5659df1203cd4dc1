"""The shipped deployment files, brought up for real: nginx -> gunicorn -> 4 uvicorn workers.

Everything runs on loopback inside one temporary folder: the course built from a tiny vault,
gunicorn with ``demo_api/server/gunicorn.conf.py`` on a unix socket, and Debian's nginx with
``demo_api/server/nginx/weather.nginx`` (placeholders filled) under a minimal main config.
Nothing is written outside that folder; /etc/nginx is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import runpy
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, VaultFactory, require_binary
from deploy.stack import (
    GUNICORN_CONF,
    NGINX_SITE,
    SERVER_DIR,
    Topology,
    build_site,
    child_pids,
    stop,
    wait_until,
)
from deploy.unit import unit_directives

SETUP_SCRIPT = SERVER_DIR / "scripts" / "server_setup.sh"

WORKERS = 4
REPORTS = 200
# The reports come from ten client addresses (all of 127.0.0.0/8 is loopback), 20 each: a
# class of students, each within nginx's per-client burst for writes.
CLIENTS = [f"127.0.0.{number}" for number in range(2, 12)]
VAULT: dict[str, str | bytes] = {
    "index.md": "# Weather course\n\nWelcome.\n\n## 1. Start\n\n- [[Lesson]]\n",
    "Lesson.md": "# Lesson\n\nThe first lesson: ask the API for the weather.\n",
}
LEAKS = re.compile(r"traceback|uvicorn|gunicorn|nginx/\d", re.IGNORECASE)


# ---- helpers ---------------------------------------------------------------------------


@pytest.fixture
def topology(make_vault: VaultFactory, nginx_path: str) -> Iterator[Topology]:
    # Not tmp_path: pytest makes it 0700, and as root nginx's workers run as www-data.
    root = Path(tempfile.mkdtemp(prefix="weather-deploy-"))
    root.chmod(0o755)
    stack = Topology(root)
    try:
        build_site(make_vault(VAULT), stack.site)
        stack.write_nginx_conf()
        yield stack
    finally:
        stack.close()
        shutil.rmtree(root, ignore_errors=True)


def assert_nothing_leaks(response: httpx.Response) -> None:
    for name, value in response.headers.items():
        assert not LEAKS.search(f"{name}: {value}"), f"{response.url} leaks {name}: {value}"
    assert "traceback" not in response.text.lower(), f"{response.url} shows a traceback"


def assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert "default-src 'self'" in headers.get("content-security-policy", ""), response.url
    assert headers.get("x-content-type-options") == "nosniff", response.url
    assert headers.get("referrer-policy"), response.url
    assert headers.get("server") == "nginx", response.url  # no version


async def post_then_read_back(
    base_url: str, count: int
) -> tuple[list[httpx.Response], list[httpx.Response]]:
    """POST ``count`` reports at once from the CLIENTS (5 connections each), then GET each one
    by id."""
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=base_url,
                    transport=httpx.AsyncHTTPTransport(
                        local_address=address, limits=httpx.Limits(max_connections=5)
                    ),
                    timeout=30,
                )
            )
            for address in CLIENTS
        ]
        posted = await asyncio.gather(
            *(
                clients[number % len(clients)].post(
                    "/api/reports",
                    json={
                        "location": {"city": "Portland", "state": "OR"},
                        "description": f"deploy report {number}",
                    },
                )
                for number in range(count)
            )
        )
        assert [response.status_code for response in posted] == [201] * count
        read = await asyncio.gather(
            *(
                clients[number % len(clients)].get(response.headers["location"])
                for number, response in enumerate(posted)
            )
        )
    return posted, read


# ---- the topology ----------------------------------------------------------------------


@pytest.mark.deploy
@pytest.mark.nginx
def test_deploy_topology_on_loopback_serves_course_and_api_through_worker_loss(
    topology: Topology, nginx_path: str
) -> None:
    checked = subprocess.run(
        topology.nginx_command(nginx_path, "-t"), capture_output=True, text=True, timeout=30
    )
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "test is successful" in output
    assert "[warn]" not in output and "[emerg]" not in output, output

    gunicorn = topology.start_gunicorn(WORKERS)
    nginx = topology.spawn("nginx", topology.nginx_command(nginx_path, "-g", "daemon off;"))

    def api_ready() -> bool:
        for process, name in ((gunicorn, "gunicorn"), (nginx, "nginx")):
            if process.poll() is not None:
                pytest.fail(f"{name} exited early:\n{topology.log_text(name)}", pytrace=False)
        try:
            return httpx.get(f"{topology.base_url}/api/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_until("GET /api/health through nginx", api_ready, topology.log_tails)
    wait_until(
        f"{WORKERS} gunicorn workers",
        lambda: len(child_pids(gunicorn.pid)) == WORKERS,
        topology.log_tails,
    )

    with httpx.Client(base_url=topology.base_url, timeout=10) as client:
        # The course, served by nginx from the built site.
        home = client.get("/")
        lesson = client.get("/lesson/")
        missing = client.get("/no-such-page/")
        for page in (home, lesson):
            assert page.status_code == 200, page.url
            assert page.headers["content-type"].startswith("text/html")
            assert page.headers.get("cache-control") == "no-cache"
        assert "Lesson" in lesson.text
        no_slash = client.get("/lesson")
        assert no_slash.status_code == 301 and no_slash.headers["location"] == "/lesson/"
        assert home.headers.get("content-encoding") == "gzip"
        assert missing.status_code == 404
        assert missing.content == (topology.site / "404.html").read_bytes()
        # Scripts carry a content hash in their name: browsers may keep them for a year.
        scripts = re.findall(r'<script src="([^"]+)"', home.text)
        assert scripts, "the home page loads no scripts"
        for src in scripts:
            script = client.get(f"/{src}")
            assert script.status_code == 200, src
            assert "javascript" in script.headers["content-type"]
            assert "immutable" in script.headers.get("cache-control", ""), src

        # The API, through nginx, gunicorn and a worker.
        weather = client.get("/api/weather/Portland", params={"state": "OR"})
        assert weather.status_code == 200, weather.text
        assert weather.headers["content-type"] == "application/json"
        assert weather.json()["location"]["city"] == "Portland"
        docs = client.get("/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        assert client.get("/openapi.json").json()["paths"]
        not_found = client.get("/api/reports/999999999")
        assert not_found.status_code == 404 and "detail" in not_found.json()
        too_big = client.post("/api/reports", content=b"x" * 100_000)
        assert too_big.status_code == 413 and "detail" in too_big.json()
        # A client cannot pretend to be someone else: nginx replaces X-Forwarded-For.
        client.get(
            "/api/health", params={"probe": "xff"}, headers={"X-Forwarded-For": "203.0.113.9"}
        )

        for response in (home, lesson, missing, weather, docs, not_found, too_big):
            assert_security_headers(response)
            assert_nothing_leaks(response)

    # 200 reports at once, spread over the workers, then every one read back.
    posted, read = asyncio.run(post_then_read_back(topology.base_url, REPORTS))
    ids = [response.json()["id"] for response in posted]
    assert len(set(ids)) == REPORTS
    for number, (report_id, response) in enumerate(zip(ids, read, strict=True)):
        assert response.status_code == 200, response.text
        assert response.json()["id"] == report_id
        assert response.json()["description"] == f"deploy report {number}"

    access = topology.log_text("gunicorn")
    serving = set(re.findall(r"\[(\d+)\] access .*\"POST /api/reports HTTP/1\.1\" 201", access))
    assert len(serving) > 1, "all POSTs landed on one worker: nothing was tested across workers"
    probe = next(line for line in access.splitlines() if "probe=xff" in line)
    assert "203.0.113.9" not in probe and "127.0.0.1" in probe, probe

    # A worker killed outright is replaced, and requests keep succeeding.
    workers = child_pids(gunicorn.pid)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    with httpx.Client(base_url=topology.base_url, timeout=10) as client:
        assert [client.get("/api/health").status_code for _ in range(20)] == [200] * 20

        def replaced() -> bool:
            now = child_pids(gunicorn.pid)
            return victim not in now and len(now) == WORKERS and bool(now - workers)

        wait_until("gunicorn to replace the killed worker", replaced, topology.log_tails)
        for _ in range(20):
            response = client.get("/api/weather/Portland", params={"state": "OR"})
            assert response.status_code == 200, response.text

        # With gunicorn gone entirely, nginx answers for it: JSON, no traceback, no version.
        stop(gunicorn)
        down = client.get("/api/health")
        assert down.status_code == 502
        assert down.headers["content-type"] == "application/json"
        assert "detail" in down.json()
        assert_security_headers(down)
        assert_nothing_leaks(down)


# ---- the files themselves --------------------------------------------------------------


def test_server_setup_script_shellcheck_reports_nothing() -> None:
    shellcheck = require_binary("shellcheck", "/usr/bin/shellcheck")
    result = subprocess.run(
        [shellcheck, "--severity=style", str(SETUP_SCRIPT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_server_setup_script_help_prints_usage_and_changes_nothing() -> None:
    result = subprocess.run(["bash", str(SETUP_SCRIPT), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: ")
    assert "--domain NAME" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--bogus"], "unknown argument: --bogus"),
        (["--domain"], "--domain needs a host name"),
        (["--domain", "bad name;rm"], "is not a host name"),
        (["--email", "me@example.com"], "--email only makes sense with --domain"),
    ],
)
def test_server_setup_script_bad_arguments_exit_2_with_message(
    arguments: list[str], message: str
) -> None:
    result = subprocess.run(["bash", str(SETUP_SCRIPT), *arguments], capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Usage: " in result.stderr


def load_gunicorn_conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_defaults_use_unix_socket_and_cpu_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == ["unix:/run/weather_api/gunicorn.sock"]
    assert conf["workers"] == 5
    assert conf["worker_class"] == "uvicorn_worker.UvicornWorker"
    assert conf["forwarded_allow_ips"] == "*"  # only nginx can open the socket
    assert conf["timeout"] > 0 and conf["graceful_timeout"] > 0

    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    assert load_gunicorn_conf(monkeypatch)["workers"] == 8


def test_gunicorn_conf_tcp_bind_trusts_proxy_headers_only_from_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = load_gunicorn_conf(monkeypatch, GUNICORN_BIND="127.0.0.1:8000", GUNICORN_WORKERS="3")
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 3
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_conf_tcp_bind_trusts_the_nginx_host_it_is_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An app host behind an nginx on another machine (nginx/weather-two-hosts.nginx).
    conf = load_gunicorn_conf(
        monkeypatch, GUNICORN_BIND="10.0.0.11:8000", FORWARDED_ALLOW_IPS=" 10.0.0.10 "
    )
    assert conf["forwarded_allow_ips"] == "10.0.0.10"


@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_gunicorn_conf_bad_worker_count_stops_with_message(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(SystemExit, match=f"GUNICORN_WORKERS='{value}'"):
        load_gunicorn_conf(monkeypatch, GUNICORN_WORKERS=value)


def test_weather_unit_runs_uvicorn_workers_unprivileged_and_hardened() -> None:
    unit = {key: values[-1] for key, values in unit_directives().items()}
    assert "-k uvicorn_worker.UvicornWorker" in unit["ExecStart"]
    assert str(GUNICORN_CONF.relative_to(ROOT)) in unit["ExecStart"]
    assert unit["User"] not in {"", "root"}
    assert unit["Restart"] == "always"
    assert unit["NoNewPrivileges"] == "yes"
    assert unit["ProtectSystem"] == "strict"
    assert unit["PrivateTmp"] == "yes"
    assert unit["RuntimeDirectory"] == "weather_api"  # relative: systemd puts it under /run
    assert unit["EnvironmentFile"].endswith(".env")


def test_server_files_avoid_the_seed_mistakes() -> None:
    texts = {path: path.read_text() for path in SERVER_DIR.rglob("*") if path.is_file()}
    for path, text in texts.items():
        assert "X-Forwarded-Protocol" not in text, path
        assert "uvicorn.workers" not in text, path
    assert "X-Forwarded-Proto $scheme" in NGINX_SITE.read_text()
