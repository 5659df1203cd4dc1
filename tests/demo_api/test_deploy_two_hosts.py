"""nginx/weather-two-hosts.nginx in place of the site's upstream, through real nginx.

Two "hosts" are two gunicorns (one worker each) on two loopback ports, sharing one SQLite
file as two machines would share one PostgreSQL; the shipped site runs with the two-host
upstream block put in place of its own, as the file's comment tells an operator to do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import VaultFactory
from deploy.stack import (
    GUNICORN_CONF,
    SERVER_DIR,
    VENV_BIN,
    Topology,
    build_site,
    fill_placeholders,
    free_port,
    stop,
    wait_until,
)

TWO_HOSTS = SERVER_DIR / "nginx" / "weather-two-hosts.nginx"
UPSTREAM_BLOCK = re.compile(r"^upstream weather_api \{.*?^\}\n", re.MULTILINE | re.DOTALL)
VAULT: dict[str, str | bytes] = {"index.md": "# Weather course\n\nWelcome.\n"}


def two_host_upstream(ports: tuple[int, int]) -> str:
    block = UPSTREAM_BLOCK.search(TWO_HOSTS.read_text())
    assert block, f"{TWO_HOSTS} has no `upstream weather_api {{ ... }}` block"
    return fill_placeholders(
        block.group(0), {"HOST_A": f"127.0.0.1:{ports[0]}", "HOST_B": f"127.0.0.1:{ports[1]}"}
    )


@pytest.fixture
def stack(make_vault: VaultFactory, nginx_path: str) -> Iterator[tuple[Topology, list[int]]]:
    # Not tmp_path: pytest makes it 0700, and as root nginx's workers run as www-data.
    root = Path(tempfile.mkdtemp(prefix="weather-two-hosts-"))
    root.chmod(0o755)
    topology = Topology(root)
    ports = [free_port(), free_port()]
    try:
        build_site(make_vault(VAULT), topology.site)
        topology.write_nginx_conf()
        site = root / "weather.nginx"
        text, count = UPSTREAM_BLOCK.subn(two_host_upstream((ports[0], ports[1])), site.read_text())
        assert count == 1, "weather.nginx has no single upstream weather_api block to replace"
        site.write_text(text)
        yield topology, ports
    finally:
        topology.close()
        shutil.rmtree(root, ignore_errors=True)


def start_host(topology: Topology, name: str, port: int) -> subprocess.Popen[bytes]:
    # Only this test's settings: nothing inherited from a developer's WEATHER_* or GUNICORN_*.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEATHER_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))
    }
    env = {
        **inherited,
        # gunicorn imports its config file: no __pycache__ in the checkout's server folder.
        "PYTHONDONTWRITEBYTECODE": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "WEATHER_DATABASE_PATH": str(topology.root / "shared.sqlite3"),
        "WEATHER_PROVIDER": "offline",
    }
    command = [str(VENV_BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "demo_api.main:app"]
    return topology.spawn(name, command, env=env, cwd=topology.root)


def served_by(topology: Topology, name: str) -> int:
    return topology.log_text(name).count('"GET /api/health HTTP/1.1" 200')


@pytest.mark.deploy
@pytest.mark.nginx
def test_two_hosts_upstream_spreads_requests_and_survives_losing_a_host(
    stack: tuple[Topology, list[int]], nginx_path: str
) -> None:
    topology, ports = stack
    checked = subprocess.run(
        topology.nginx_command(nginx_path, "-t"), capture_output=True, text=True, timeout=30
    )
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0 and "[warn]" not in output, output

    host_a = start_host(topology, "host-a", ports[0])
    host_b = start_host(topology, "host-b", ports[1])
    topology.spawn("nginx", topology.nginx_command(nginx_path, "-g", "daemon off;"))
    for name, port in (("host-a", ports[0]), ("host-b", ports[1])):

        def up(port: int = port) -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).is_success
            except httpx.TransportError:
                return False

        wait_until(f"{name} on port {port}", up, lambda name=name: topology.log_text(name))

    with httpx.Client(base_url=topology.base_url, timeout=10) as client:
        assert [client.get("/api/health").status_code for _ in range(20)] == [200] * 20
        # Round robin: both hosts answered through nginx.
        assert served_by(topology, "host-a") >= 5 and served_by(topology, "host-b") >= 5

        report = client.post(
            "/api/reports",
            json={"location": {"city": "Portland", "state": "OR"}, "description": "two hosts"},
        )
        assert report.status_code == 201, report.text

        # Host A goes away: every request still gets an answer, from B, and so does the report.
        stop(host_a)
        assert [client.get("/api/health").status_code for _ in range(20)] == [200] * 20
        again = client.get(report.headers["location"])
        assert again.status_code == 200 and again.json()["description"] == "two hosts"
        assert host_b.poll() is None
