"""Benchmark the demo API on a real uvicorn over loopback; ``run_api_bench()`` returns the lines.

Cached ``GET /api/weather/{city}`` and ``POST /api/reports`` are measured next to a bare
endpoint that returns a constant, served by the same app (same middleware, same uvicorn
settings) in the same run, so the ratio says what our code costs, not what the machine
does. The machine is shared and noisy, so the scenarios take turns in several short
rounds (the bare and weather ones in alternating order), the ratio is the median of the
rounds' own ratios, and latency percentiles pool every round's requests. Then four
workers serve fifty concurrent clients, which must see no errors.

The load generator is a small keep-alive HTTP/1.1 client on raw asyncio streams: a
full HTTP client library in Python would be slower than the server it measures.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

HOST = "127.0.0.1"
BENCH_DIR = Path(__file__).resolve().parent
ROUNDS = 7
REQUESTS_PER_ROUND = 1500
WARMUP_REQUESTS = 500
CONNECTIONS = 16
SWARM_CLIENTS = 50
SWARM_REQUESTS_PER_CLIENT = 40
READY_TIMEOUT_SECONDS = 60.0
TARGET_RATIO = 0.8

REPORT_BODY = json.dumps(
    {"location": {"city": "Portland", "state": "OR"}, "description": "benchmark drizzle"}
).encode()


def create_bench_app() -> FastAPI:
    """The demo app plus ``GET /bench/constant``, the baseline (uvicorn ``--factory``)."""
    from demo_api.main import create_app

    app = create_app()

    @app.get("/bench/constant", include_in_schema=False)
    async def constant() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass(frozen=True)
class Scenario:
    name: str
    request: bytes
    expected_status: int


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def post_json(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


BARE = Scenario("bare GET /bench/constant", get("/bench/constant"), 200)
WEATHER = Scenario("cached GET /api/weather/Portland", get("/api/weather/Portland?state=OR"), 200)
REPORTS = Scenario("POST /api/reports", post_json("/api/reports", REPORT_BODY), 201)


@dataclass
class Measurement:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def pooled(runs: list[Measurement]) -> Measurement:
    """Every latency of ``runs`` together, for percentiles over all rounds."""
    return Measurement(0, 0, 0.0, [latency for run in runs for latency in run.latencies])


def interleaved_runs(
    ports: dict[str, int], scenario: Scenario, *, rounds: int, requests: int, clients: int,
    warmup: int,
) -> dict[str, list[Measurement]]:
    """``rounds`` of ``requests`` on each server in ``ports`` (name -> port), after a warm-up,
    alternating which goes first so that a noisy moment of the machine hits each alike."""
    for port in ports.values():
        asyncio.run(_load(port, scenario, warmup, clients))
    runs: dict[str, list[Measurement]] = {name: [] for name in ports}
    for number in range(rounds):
        for name in list(ports) if number % 2 == 0 else list(ports)[::-1]:
            runs[name].append(asyncio.run(_load(ports[name], scenario, requests, clients)))
    return runs


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _load(port: int, scenario: Scenario, total: int, connections: int) -> Measurement:
    remaining = total
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal remaining, errors
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                writer.write(scenario.request)
                try:
                    status = await _read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                latencies.append(time.perf_counter() - started)
                if status != scenario.expected_status:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return Measurement(total, errors, time.perf_counter() - started, latencies)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _uvicorn(workers: int, folder: Path) -> Iterator[int]:
    """Run the bench app under uvicorn with ``workers`` processes; yield its port."""
    port = _free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEATHER_")}
    env["WEATHER_DATABASE_PATH"] = str(folder / f"bench-{workers}.sqlite3")
    log_path = folder / f"uvicorn-{workers}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api_bench:create_bench_app"]
            + ["--app-dir", str(BENCH_DIR), "--host", HOST, "--port", str(port)]
            + ["--workers", str(workers), "--no-access-log", "--log-level", "warning"],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            asyncio.run(_wait_until_ready(port, server, log_path))
            yield port
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


async def _wait_until_ready(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            result = await _load(port, Scenario("health", get("/api/health"), 200), 1, 1)
            if not result.errors:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"uvicorn was not ready after {READY_TIMEOUT_SECONDS:g}s")


def _line(name: str, runs: list[Measurement], setup: str) -> str:
    rate = statistics.median(run.per_second for run in runs)
    errors = sum(run.errors for run in runs)
    every = pooled(runs)
    return (
        f"api {name}: {rate:,.0f} req/s, p50 {every.percentile(0.5):.2f} ms, "
        f"p99 {every.percentile(0.99):.2f} ms, {errors} errors ({setup})"
    )


def run_api_bench() -> list[str]:
    """Measure and return the printable figure lines."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        folder = Path(tmp)
        with _uvicorn(1, folder) as port:
            # The first weather request fills the cache; every scenario warms up alike.
            for scenario in (WEATHER, BARE, REPORTS):
                asyncio.run(_load(port, scenario, WARMUP_REQUESTS, CONNECTIONS))
            runs: dict[str, list[Measurement]] = {BARE.name: [], WEATHER.name: [], REPORTS.name: []}
            # Interleaved rounds, so a noisy moment on the machine hurts every scenario alike;
            # bare and weather swap places each round, so neither always runs first.
            for round_number in range(ROUNDS):
                pair = (BARE, WEATHER) if round_number % 2 == 0 else (WEATHER, BARE)
                for scenario in (*pair, REPORTS):
                    result = asyncio.run(_load(port, scenario, REQUESTS_PER_ROUND, CONNECTIONS))
                    runs[scenario.name].append(result)
        setup = f"1 worker, {CONNECTIONS} connections, {ROUNDS}x{REQUESTS_PER_ROUND} requests"
        for scenario in (BARE, WEATHER, REPORTS):
            lines.append(_line(scenario.name, runs[scenario.name], setup))
        ratios = sorted(
            cached.per_second / bare.per_second
            for bare, cached in zip(runs[BARE.name], runs[WEATHER.name], strict=True)
        )
        ratio = statistics.median(ratios)
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        lines.append(
            f"api ratio cached weather / bare: {ratio:.2f}, median of {ROUNDS} rounds "
            f"(range {ratios[0]:.2f}-{ratios[-1]:.2f}; target >= {TARGET_RATIO}: {verdict})"
        )

        with _uvicorn(4, folder) as port:
            asyncio.run(_load(port, WEATHER, 200, 8))
            total = SWARM_CLIENTS * SWARM_REQUESTS_PER_CLIENT

            async def swarm() -> list[Measurement]:
                half = total // 2
                return list(
                    await asyncio.gather(
                        _load(port, WEATHER, half, SWARM_CLIENTS // 2),
                        _load(port, REPORTS, total - half, SWARM_CLIENTS - SWARM_CLIENTS // 2),
                    )
                )

            started = time.perf_counter()
            results = asyncio.run(swarm())
            seconds = time.perf_counter() - started
        errors = sum(result.errors for result in results)
        latencies = [latency for result in results for latency in result.latencies]
        combined = Measurement(total, errors, seconds, latencies)
        lines.append(
            f"api 4 workers, {SWARM_CLIENTS} concurrent clients (weather GET + report POST): "
            f"{combined.per_second:,.0f} req/s, p50 {combined.percentile(0.5):.2f} ms, "
            f"p99 {combined.percentile(0.99):.2f} ms, {errors} errors of {total} "
            f"({'ok' if errors == 0 else 'FAILED'})"
        )
    return lines


if __name__ == "__main__":
    for figure in run_api_bench():
        print(figure)
