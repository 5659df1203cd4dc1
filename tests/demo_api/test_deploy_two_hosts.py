"""nginx/weather-two-hosts.nginx in place of the site's upstream, through real nginx.

Two "hosts" are two gunicorns (one worker each) on two loopback ports, sharing one SQLite
file as two machines would share one PostgreSQL; the shipped site runs with the two-host
upstream block put in place of its own, as the file's comment tells an operator to do.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import VaultFactory
from deploy.stack import Topology, build_site, free_port, stop
from deploy.two_hosts import served_by, start_host, use_two_hosts, wait_for_host

VAULT: dict[str, str | bytes] = {"index.md": "# Weather course\n\nWelcome.\n"}


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
        use_two_hosts(topology, (ports[0], ports[1]))
        yield topology, ports
    finally:
        topology.close()
        shutil.rmtree(root, ignore_errors=True)


def start_sqlite_host(topology: Topology, name: str, port: int) -> subprocess.Popen[bytes]:
    settings = {
        "WEATHER_DATABASE_PATH": str(topology.root / "shared.sqlite3"),
        "WEATHER_PROVIDER": "offline",
    }
    return start_host(topology, name, port, 1, settings)


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

    host_a = start_sqlite_host(topology, "host-a", ports[0])
    host_b = start_sqlite_host(topology, "host-b", ports[1])
    topology.spawn("nginx", topology.nginx_command(nginx_path, "-g", "daemon off;"))
    wait_for_host(topology, "host-a", host_a, ports[0], 1)
    wait_for_host(topology, "host-b", host_b, ports[1], 1)

    with httpx.Client(base_url=topology.base_url, timeout=10) as client:
        assert [client.get("/api/health").status_code for _ in range(20)] == [200] * 20
        # Round robin: both hosts answered through nginx.
        health = "GET /api/health"
        assert served_by(topology, "host-a", health) >= 5
        assert served_by(topology, "host-b", health) >= 5

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
