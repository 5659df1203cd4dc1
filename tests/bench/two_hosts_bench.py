"""Benchmark ``POST /api/reports`` through nginx: two app hosts against one, in the same run.

One host is the course's single-server deploy: nginx -> gunicorn (unix socket, the shipped
config, 4 uvicorn workers), reports on PostgreSQL. Two hosts are nginx with the shipped
two-host upstream (``weather-two-hosts.nginx``) in front of two gunicorns of 2 workers each on
loopback ports, sharing one PostgreSQL and one Redis, as the chapter 7 lesson sets them up.
Both stacks use the shipped nginx site, each its own upstream block as shipped (the two-host
one keeps connections to the hosts alive); the same number of workers serves both, on one
machine, so the figures show what the extra hop and the shared services cost, not the gain of
a second machine.

nginx's per-address write limit (30 a minute) is taken out of both sites: fifty clients on one
loopback address are a load generator, not a class. Fifty clients post at once on keep-alive
connections (api_bench's small load generator); the stacks take turns in short rounds, as in
reports_store_bench. Without nginx, PostgreSQL or redis-server nothing is measured, and the
lines say which is missing.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parents[1]
# The project's root first (demo_api the package, never tests/demo_api the folder of tests),
# then tests/ for realservers and tests/demo_api for the stack helpers of the deploy tests.
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))
sys.path.append(str(ROOT / "tests" / "demo_api"))

from api_bench import (  # noqa: E402
    REPORTS,
    Measurement,
    _wait_until_ready,
    interleaved_runs,
    pooled,
)
from deploy.stack import Topology, free_port  # noqa: E402
from deploy.two_hosts import start_host, use_two_hosts  # noqa: E402
from realservers.postgres import PostgresServer, find_postgres_bin, running_postgres  # noqa: E402
from realservers.redis import RedisServer  # noqa: E402

CLIENTS = 50
ROUNDS = 3
REQUESTS_PER_ROUND = 1000
WARMUP_REQUESTS = 200
ONE_HOST = "one host (1 gunicorn x 4 workers, PostgreSQL)"
TWO_HOSTS = "two hosts (2 gunicorns x 2 workers, PostgreSQL + Redis)"
WRITE_LIMIT = re.compile(r"^\s*limit_req zone=weather_writes .*;\n", re.MULTILINE)


def _binary(name: str, *candidates: str) -> str | None:
    for candidate in (name, *candidates):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _without_write_limit(topology: Topology) -> None:
    site = topology.root / "weather.nginx"
    text, count = WRITE_LIMIT.subn("", site.read_text())
    assert count == 1, "weather.nginx has no single `limit_req zone=weather_writes` line"
    site.write_text(text)


def _folder(stack: ExitStack, prefix: str) -> Path:
    # nginx's workers run as www-data under root: they must reach the unix socket in it.
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    return folder


@contextmanager
def _one_host(nginx: str, database_url: str) -> Iterator[int]:
    """nginx -> gunicorn on a unix socket, 4 workers; yield nginx's port."""
    with ExitStack() as stack:
        topology = Topology(_folder(stack, "two-hosts-bench-one-"))
        stack.callback(topology.close)
        topology.write_nginx_conf()
        _without_write_limit(topology)
        topology.start_gunicorn(4, {"WEATHER_DATABASE_URL": database_url})
        server = topology.spawn("nginx", topology.nginx_command(nginx, "-g", "daemon off;"))
        asyncio.run(_wait_until_ready(topology.port, server, topology.root / "gunicorn.log"))
        yield topology.port


@contextmanager
def _two_hosts(nginx: str, database_url: str, cache_url: str) -> Iterator[int]:
    """nginx with the two-host upstream -> two gunicorns of 2 workers; yield nginx's port."""
    with ExitStack() as stack:
        topology = Topology(_folder(stack, "two-hosts-bench-two-"))
        stack.callback(topology.close)
        ports = (free_port(), free_port())
        topology.write_nginx_conf()
        use_two_hosts(topology, ports)
        _without_write_limit(topology)
        settings = {
            "WEATHER_DATABASE_URL": database_url,
            "WEATHER_CACHE_URL": cache_url,
            "WEATHER_PROVIDER": "offline",
        }
        for name, port in zip(("host-a", "host-b"), ports, strict=True):
            host = start_host(topology, name, port, 2, settings)
            asyncio.run(_wait_until_ready(port, host, topology.root / f"{name}.log"))
        server = topology.spawn("nginx", topology.nginx_command(nginx, "-g", "daemon off;"))
        asyncio.run(_wait_until_ready(topology.port, server, topology.root / "nginx-error.log"))
        yield topology.port


def _line(name: str, runs: list[Measurement]) -> str:
    rate = statistics.median(run.per_second for run in runs)
    every = pooled(runs)
    errors = sum(run.errors for run in runs)
    return (
        f"api reports, {name:<55}: {rate:7,.0f} req/s, p50 {every.percentile(0.5):7.2f} ms, "
        f"p99 {every.percentile(0.99):8.2f} ms, {errors} errors"
    )


def _missing() -> tuple[dict[str, str], list[str]]:
    found = {
        "nginx": _binary("nginx", "/usr/sbin/nginx"),
        "redis-server": _binary("redis-server", "/usr/bin/redis-server"),
    }
    bin_dir = find_postgres_bin()
    found["postgres"] = str(bin_dir) if bin_dir else None
    return (
        {name: path for name, path in found.items() if path},
        [name for name, path in found.items() if not path],
    )


def run_two_hosts_bench() -> list[str]:
    """Measure and return the printable figure lines."""
    setup = (
        f"POST /api/reports through nginx, {CLIENTS} concurrent clients, "
        f"{ROUNDS}x{REQUESTS_PER_ROUND} requests per setup, nginx's write limit off"
    )
    lines = [f"api two hosts ({setup}):"]
    found, missing = _missing()
    if missing:
        return [*lines, f"api two hosts: not measured ({', '.join(missing)} not installed)"]
    with ExitStack() as stack:
        postgres: PostgresServer = stack.enter_context(
            running_postgres(Path(found["postgres"]), durable=True)
        )
        redis = RedisServer(found["redis-server"], _folder(stack, "two-hosts-bench-redis-"))
        redis.start()
        stack.callback(redis.stop)
        ports = {
            ONE_HOST: stack.enter_context(_one_host(found["nginx"], postgres.create_database())),
            TWO_HOSTS: stack.enter_context(
                _two_hosts(found["nginx"], postgres.create_database(), redis.url)
            ),
        }
        runs = interleaved_runs(ports, REPORTS, rounds=ROUNDS, requests=REQUESTS_PER_ROUND,
                                clients=CLIENTS, warmup=WARMUP_REQUESTS)
    lines += [_line(name, measured) for name, measured in runs.items()]
    rate = {name: statistics.median(run.per_second for run in runs[name]) for name in runs}
    p99 = {name: pooled(runs[name]).percentile(0.99) for name in runs}
    lines.append(
        f"api reports two hosts / one host: throughput {rate[TWO_HOSTS] / rate[ONE_HOST]:.2f}, "
        f"p99 {p99[TWO_HOSTS] / p99[ONE_HOST]:.2f}"
    )
    return lines


if __name__ == "__main__":
    for figure in run_two_hosts_bench():
        print(figure)
