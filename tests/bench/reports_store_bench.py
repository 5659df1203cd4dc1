"""Benchmark ``POST /api/reports`` on SQLite against PostgreSQL, in the same run.

Each store is served the way the course deploys the API: gunicorn with the shipped
config and 4 uvicorn workers, on loopback. Fifty clients post at once, on keep-alive
connections (api_bench's small load generator). The two servers stay up side by side and
take turns in short rounds, so a noisy moment on the shared machine hurts both alike;
throughput is the median of the rounds, latency percentiles pool every request.

PostgreSQL runs with fsync at checkpoints and commits not waited for, which is what
SQLite's ``synchronous=NORMAL`` in WAL mode does: the figures compare the stores, not
their durability settings. When PostgreSQL is not installed, only SQLite is measured.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parents[1]
# realservers lives in tests/; the project's root comes first, so that tests/demo_api (a
# folder of tests) never stands for the demo_api package.
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))

from api_bench import (  # noqa: E402
    HOST,
    REPORTS,
    Measurement,
    _free_port,
    _wait_until_ready,
    interleaved_runs,
    pooled,
)
from realservers.postgres import find_postgres_bin, running_postgres  # noqa: E402

WORKERS = 4
CLIENTS = 50
ROUNDS = 3
REQUESTS_PER_ROUND = 1000
WARMUP_REQUESTS = 200
GUNICORN_CONF = ROOT / "demo_api" / "server" / "gunicorn.conf.py"


@contextmanager
def _gunicorn(folder: Path, name: str, database_url: str) -> Iterator[int]:
    """gunicorn with the shipped config and ``WORKERS`` uvicorn workers; yield its port."""
    port = _free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEATHER_", "GUNICORN_"))
    }
    env |= {
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_LOGLEVEL": "warning",
        "WEATHER_DATABASE_URL": database_url,
        "WEATHER_PROVIDER": "offline",
    }
    log_path = folder / f"gunicorn-{name}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]
            + ["--access-logfile", "/dev/null", "demo_api.main:app"],
            cwd=folder,  # no .env here
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            asyncio.run(_wait_until_ready(port, server, log_path))
            yield port
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _line(name: str, runs: list[Measurement]) -> str:
    rate = statistics.median(run.per_second for run in runs)
    every = pooled(runs)
    errors = sum(run.errors for run in runs)
    return (
        f"api reports on {name:<10}: {rate:7,.0f} req/s, p50 {every.percentile(0.5):7.2f} ms, "
        f"p99 {every.percentile(0.99):8.2f} ms, {errors} errors"
    )


def run_reports_store_bench() -> list[str]:
    """Measure and return the printable figure lines."""
    setup = (
        f"POST /api/reports, gunicorn {WORKERS} uvicorn workers, {CLIENTS} concurrent clients, "
        f"{ROUNDS}x{REQUESTS_PER_ROUND} requests per store"
    )
    lines = [f"api reports store ({setup}):"]
    bin_dir = find_postgres_bin()
    with tempfile.TemporaryDirectory(prefix="reports-store-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        ports = {"sqlite": stack.enter_context(
            _gunicorn(folder, "sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")
        )}  # fmt: skip
        if bin_dir is not None:
            postgres = stack.enter_context(running_postgres(bin_dir, durable=True))
            ports["postgresql"] = stack.enter_context(
                _gunicorn(folder, "postgresql", postgres.url())
            )
        runs = interleaved_runs(ports, REPORTS, rounds=ROUNDS, requests=REQUESTS_PER_ROUND,
                                clients=CLIENTS, warmup=WARMUP_REQUESTS)
    lines += [_line(name, measured) for name, measured in runs.items()]
    if "postgresql" in runs:
        p99 = {name: pooled(measured).percentile(0.99) for name, measured in runs.items()}
        lines.append(
            f"api reports p99 postgresql / sqlite: {p99['postgresql'] / p99['sqlite']:.2f}"
        )
    else:
        lines.append("api reports on postgresql: not measured (PostgreSQL is not installed)")
    return lines


if __name__ == "__main__":
    for figure in run_reports_store_bench():
        print(figure)
