"""One nginx -> gunicorn -> uvicorn workers stack in a temporary folder, for the deploy test.

Real processes on loopback, started from the shipped files in ``demo_api/server/``; every
path (socket, pid file, logs, nginx temp folders, database) stays inside the folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVER_DIR = ROOT / "demo_api" / "server"
NGINX_SITE = SERVER_DIR / "nginx" / "weather.nginx"
GUNICORN_CONF = SERVER_DIR / "gunicorn.conf.py"
VENV_BIN = Path(sys.executable).parent
# Four workers import the app and open its gazetteer in parallel: a few seconds on an idle
# 2-core machine, far more when it is busy. The waits return as soon as things are ready.
READY_TIMEOUT = 60.0


def fill_placeholders(template: str, values: dict[str, str]) -> str:
    """Fill ``{{NAME}}`` placeholders the way server_setup.sh does; fail on any left over."""
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    left = re.findall(r"\{\{[A-Z_]+\}\}", template)
    assert not left, f"unfilled placeholders: {left}"
    return template


def build_site(vault: Path, out: Path) -> None:
    """``coursegen build VAULT -o OUT --api-base ""``, as server_setup.sh builds the course."""
    command = [str(VENV_BIN / "coursegen"), "build", str(vault), "-o", str(out), "--api-base", ""]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    what: str, check: Callable[[], bool], explain: Callable[[], str] = lambda: ""
) -> None:
    """Poll ``check`` until it is true; a bounded wait that fails with ``explain()``."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(
        f"gave up after {READY_TIMEOUT:.0f} s waiting for {what}\n{explain()}", pytrace=False
    )


def child_pids(parent: int) -> set[int]:
    """Live children of ``parent``, read from /proc (each stat's 4th field is the ppid)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == parent and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: nginx's fast shutdown, gunicorn's graceful one (quick when idle)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # Anything the process left behind in its session (a stray worker) goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Topology:
    """Paths and processes of one nginx -> gunicorn -> workers stack in ``root``."""

    root: Path
    port: int = field(default_factory=free_port)
    # An HTTPS port as well, added the way `certbot --nginx` adds it (see ``add_tls``).
    tls_port: int | None = None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def socket(self) -> Path:
        return self.root / "run" / "gunicorn.sock"

    @property
    def nginx_conf(self) -> Path:
        return self.root / "nginx.conf"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def https_url(self) -> str:
        assert self.tls_port is not None, "the stack has no HTTPS port (add_tls)"
        return f"https://127.0.0.1:{self.tls_port}"

    @property
    def certificate(self) -> Path:
        return self.root / "tls" / "cert.pem"

    def spawn(self, name: str, command: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.processes.append(process)
        return process

    def log_text(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    def log_tails(self) -> str:
        tails = []
        for name in ("gunicorn", "nginx", "nginx-error"):
            path = self.root / f"{name}.log"
            if path.exists():
                lines = path.read_text(errors="replace").splitlines()[-25:]
                tails.append(f"--- {name}.log (last lines) ---\n" + "\n".join(lines))
        return "\n".join(tails)

    def start_gunicorn(
        self, workers: int, settings: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """gunicorn with the shipped config, bound to a unix socket in the folder; the app's
        ``settings`` (``WEATHER_*``) are added to the test's own (SQLite in the folder)."""
        self.socket.parent.mkdir(mode=0o755)
        command = [str(VENV_BIN / "gunicorn"), "--config", str(GUNICORN_CONF)]
        if os.geteuid() == 0:
            # As in the unit (Group=www-data): the socket's group lets nginx's workers in.
            command += ["--group", "www-data"]
        # Only this test's settings: nothing inherited from a developer's WEATHER_* or GUNICORN_*.
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("WEATHER_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))
        }
        env = {
            **inherited,
            "GUNICORN_BIND": f"unix:{self.socket}",
            "GUNICORN_WORKERS": str(workers),
            "WEATHER_DATABASE_PATH": str(self.root / "data" / "weather.sqlite3"),
            "WEATHER_PROVIDER": "offline",
            **(settings or {}),
        }
        (self.root / "data").mkdir()
        # cwd is the temporary folder, so a developer's .env in the checkout is never read.
        return self.spawn("gunicorn", [*command, "demo_api.main:app"], env=env, cwd=self.root)

    def add_tls(self, openssl: str) -> None:
        """A self-signed certificate for 127.0.0.1; ``write_nginx_conf`` then also listens
        with TLS in the site's server block, as ``certbot --nginx`` makes it listen on 443."""
        folder = self.certificate.parent
        folder.mkdir()
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(folder / "key.pem"), "-out", str(self.certificate)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        self.tls_port = free_port()

    def write_nginx_conf(self) -> None:
        """The shipped site, placeholders filled, under a main config that keeps to the folder."""
        site = fill_placeholders(
            NGINX_SITE.read_text(),
            {
                "LISTEN": f"127.0.0.1:{self.port}",
                "SERVER_NAME": "_",
                "SITE_ROOT": str(self.site),
                "UPSTREAM": f"unix:{self.socket}",
            },
        )
        if self.tls_port is not None:
            listen = f"    listen 127.0.0.1:{self.port};\n"
            assert site.count(listen) == 1, "the site has no single listen line to add TLS beside"
            site = site.replace(
                listen,
                f"{listen}    listen 127.0.0.1:{self.tls_port} ssl;\n"
                f"    ssl_certificate {self.certificate};\n"
                f"    ssl_certificate_key {self.certificate.parent / 'key.pem'};\n",
            )
        (self.root / "weather.nginx").write_text(site)
        temp = self.root / "nginx-temp"
        temp.mkdir()
        mime_types = Path("/etc/nginx/mime.types")
        types = (
            f"include {mime_types};"
            if mime_types.is_file()
            else "types { text/html html; text/css css; application/javascript js; "
            "application/json json; image/svg+xml svg; image/png png; font/woff2 woff2; }"
        )
        # nginx's workers drop to an unprivileged user only when the master runs as root.
        user = "user www-data www-data;\n" if os.geteuid() == 0 else ""
        self.nginx_conf.write_text(
            f"""{user}worker_processes 2;
pid {self.root}/nginx.pid;
error_log {self.root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    {types}
    default_type application/octet-stream;
    sendfile on;
    access_log {self.root}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.root}/weather.nginx;
}}
"""
        )

    def start(self, nginx: str, workers: int) -> subprocess.Popen[bytes]:
        """gunicorn, then nginx in the foreground; returns gunicorn once /api/health answers
        through nginx."""
        gunicorn = self.start_gunicorn(workers)
        server = self.spawn("nginx", self.nginx_command(nginx, "-g", "daemon off;"))

        def api_ready() -> bool:
            for process, name in ((gunicorn, "gunicorn"), (server, "nginx")):
                if process.poll() is not None:
                    pytest.fail(f"{name} exited early:\n{self.log_text(name)}", pytrace=False)
            try:
                return httpx.get(f"{self.base_url}/api/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until("GET /api/health through nginx", api_ready, self.log_tails)
        return gunicorn

    def nginx_command(self, nginx: str, *extra: str) -> list[str]:
        return [
            nginx,
            "-p", str(self.root),
            "-c", str(self.nginx_conf),
            "-e", str(self.root / "nginx-error.log"),
            *extra,
        ]  # fmt: skip

    def close(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        for log in self.logs:
            log.close()
