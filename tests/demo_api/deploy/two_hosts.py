"""Two application hosts behind one nginx: the shipped two-host upstream and a host's gunicorn.

A "host" is a gunicorn with the shipped config on a loopback port of its own, as each machine's
gunicorn listens on its private address; ``nginx/weather-two-hosts.nginx`` goes in place of the
site's ``upstream weather_api`` block, as the file's comment tells an operator to do.
"""

from __future__ import annotations

import os
import re
import subprocess

import httpx

from deploy.stack import (
    GUNICORN_CONF,
    SERVER_DIR,
    VENV_BIN,
    Topology,
    child_pids,
    fill_placeholders,
    wait_until,
)

TWO_HOSTS = SERVER_DIR / "nginx" / "weather-two-hosts.nginx"
UPSTREAM_BLOCK = re.compile(r"^upstream weather_api \{.*?^\}\n", re.MULTILINE | re.DOTALL)


def two_host_upstream(ports: tuple[int, int]) -> str:
    """The shipped two-host ``upstream`` block, its hosts two loopback ports."""
    block = UPSTREAM_BLOCK.search(TWO_HOSTS.read_text())
    assert block, f"{TWO_HOSTS} has no `upstream weather_api {{ ... }}` block"
    return fill_placeholders(
        block.group(0), {"HOST_A": f"127.0.0.1:{ports[0]}", "HOST_B": f"127.0.0.1:{ports[1]}"}
    )


def use_two_hosts(topology: Topology, ports: tuple[int, int]) -> None:
    """Put the two-host upstream in place of the one in the site ``write_nginx_conf`` wrote."""
    site = topology.root / "weather.nginx"
    text, count = UPSTREAM_BLOCK.subn(two_host_upstream(ports), site.read_text())
    assert count == 1, "weather.nginx has no single upstream weather_api block to replace"
    site.write_text(text)


def host_env(port: int, workers: int, settings: dict[str, str]) -> dict[str, str]:
    """One host's environment: the test's, minus any WEATHER_*/GUNICORN_* of a developer's,
    plus gunicorn on ``127.0.0.1:port`` with ``workers`` workers and the app's ``settings``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEATHER_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))
    }
    return {
        **inherited,
        # gunicorn imports its config file: no __pycache__ in the checkout's server folder.
        "PYTHONDONTWRITEBYTECODE": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        **settings,
    }


def start_host(
    topology: Topology, name: str, port: int, workers: int, settings: dict[str, str]
) -> subprocess.Popen[bytes]:
    """gunicorn with the shipped config on ``127.0.0.1:port``; cwd is the stack's folder, so a
    developer's .env in the checkout is never read."""
    command = [str(VENV_BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "demo_api.main:app"]
    env = host_env(port, workers, settings)
    return topology.spawn(name, command, env=env, cwd=topology.root)


def wait_for_host(
    topology: Topology, name: str, process: subprocess.Popen[bytes], port: int, workers: int
) -> None:
    """Until the host answers /api/health with 200 and runs ``workers`` workers."""

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited:\n{topology.log_text(name)}")
        if len(child_pids(process.pid)) != workers:
            return False
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).is_success
        except httpx.TransportError:
            return False

    wait_until(f"{name} on port {port}", up, lambda: topology.log_text(name))


def loopback_addresses(count: int) -> list[str]:
    """Distinct client addresses on loopback (all of 127/8 is): nginx limits writes and weather
    lookups per client address, so a class of students is many addresses, not one."""
    return [f"127.0.{1 + n // 250}.{1 + n % 250}" for n in range(count)]


def served_by(topology: Topology, name: str, request_line: str) -> int:
    """How many times the host ``name`` logged ``request_line`` with a 200."""
    return topology.log_text(name).count(f'"{request_line} HTTP/1.1" 200')
