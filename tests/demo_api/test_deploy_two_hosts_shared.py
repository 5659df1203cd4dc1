"""Two hosts behind one nginx sharing one PostgreSQL and one Redis, all of them real.

Each host is a gunicorn with the shipped config and 2 uvicorn workers on a loopback port of its
own; nginx runs the shipped site with the two-host upstream (``weather-two-hosts.nginx``) in
place of its own. Both hosts write reports to one PostgreSQL server and keep the weather in
one Redis; the weather comes from the fake OpenWeatherMap, which counts what it is asked and
answers half a second late, so that concurrent asks meet while the first is still upstream.

One stack serves the whole module (bringing it up is most of the time); the tests run in file
order, and those that take a worker, Redis or PostgreSQL away leave the stack whole again.
Clients come from many loopback addresses, as a class of students does: nginx limits writes
and weather lookups per client address.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from conftest import require_binary
from deploy.stack import Topology, child_pids, free_port, wait_until
from deploy.two_hosts import loopback_addresses, start_host, use_two_hosts, wait_for_host
from realservers.postgres import PASSWORD, PostgresServer, require_postgres_bin, running_postgres
from realservers.redis import RedisServer

from tests.demo_api.fake_openweathermap import FakeOpenWeatherMap, fake_openweathermap

pytestmark = [pytest.mark.deploy, pytest.mark.nginx, pytest.mark.slow]

HOSTS = ("host-a", "host-b")
WORKERS_PER_HOST = 2
CLIENTS = 20  # writers at once
ADDRESSES = 100  # client addresses they write from (nginx allows a burst of 20 writes each)
ATTEMPTS = 5  # a writer asks again after an error answer, as a user clicks again
# What nginx answers when a worker dies under a request (weather.nginx, @api_bad_gateway).
NGINX_502 = "The weather API is restarting or unavailable; try again in a moment."
STORE_DOWN = "The reports database is unavailable"


@dataclass
class TwoHosts:
    topology: Topology
    ports: dict[str, int]
    processes: dict[str, Any]
    postgres: PostgresServer
    redis: RedisServer
    upstream: FakeOpenWeatherMap

    @property
    def nginx_url(self) -> str:
        return self.topology.base_url

    def host_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def workers(self, name: str) -> set[int]:
        return child_pids(self.processes[name].pid)

    def wait_until_whole(self) -> None:
        for name in HOSTS:
            wait_for_host(
                self.topology, name, self.processes[name], self.ports[name], WORKERS_PER_HOST
            )


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoHosts]:
    nginx = require_binary("nginx", "/usr/sbin/nginx")
    redis_binary = require_binary("redis-server", "/usr/bin/redis-server")
    postgres_bin = require_postgres_bin()
    # Not tmp_path: pytest makes it 0700, and as root nginx's workers run as www-data.
    root = Path(tempfile.mkdtemp(prefix="weather-two-hosts-shared-"))
    root.chmod(0o755)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        # A server of the module's own: one test stops it.
        postgres = stack.enter_context(running_postgres(postgres_bin))
        redis = RedisServer(redis_binary, tmp_path_factory.mktemp("redis"))
        redis.start()
        stack.callback(redis.stop)
        upstream = stack.enter_context(fake_openweathermap())
        upstream.delay_seconds = 0.5
        topology = Topology(root)
        stack.callback(topology.close)
        ports = {name: free_port() for name in HOSTS}
        topology.write_nginx_conf()  # the course's static files are not needed here
        use_two_hosts(topology, (ports["host-a"], ports["host-b"]))
        settings = {
            "WEATHER_DATABASE_URL": postgres.url(),
            "WEATHER_CACHE_URL": redis.url,
            "WEATHER_OPENWEATHERMAP_API_KEY": "test-key",
            "WEATHER_OPENWEATHERMAP_URL": upstream.url,
        }
        processes = {
            name: start_host(topology, name, ports[name], WORKERS_PER_HOST, settings)
            for name in HOSTS
        }
        topology.spawn("nginx", topology.nginx_command(nginx, "-g", "daemon off;"))
        stack_ = TwoHosts(topology, ports, processes, postgres, redis, upstream)
        stack_.wait_until_whole()
        wait_until("nginx", lambda: answers(f"{topology.base_url}/api/health"), topology.log_tails)
        yield stack_


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@asynccontextmanager
async def clients_from(addresses: list[str]) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One HTTP client per loopback address, each connecting from that address."""
    clients = [
        httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=address), timeout=30)
        for address in addresses
    ]
    try:
        yield clients
    finally:
        for client in clients:
            await client.aclose()


@dataclass
class Writes:
    """What the writers saw: each description's 201 bodies, and every other answer."""

    created: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    refused: list[tuple[str, int, str]] = field(default_factory=list)

    def ids(self) -> list[int]:
        return [body["id"] for bodies in self.created.values() for body in bodies]


async def write_reports(
    base_url: str, descriptions: list[str], writes: Writes | None = None
) -> Writes:
    """POST a report per description, ``CLIENTS`` at a time, into ``writes`` (which another
    thread may watch); an error answer (or a dropped connection) is asked again, up to
    ``ATTEMPTS`` times, as a user clicks again."""
    writes = Writes() if writes is None else writes
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(len(descriptions)):
        queue.put_nowait(number)

    async def writer(clients: list[httpx.AsyncClient]) -> None:
        while not queue.empty():
            number = queue.get_nowait()
            description = descriptions[number]
            client = clients[number % len(clients)]
            body = {"location": {"city": "Portland", "state": "OR"}, "description": description}
            for _ in range(ATTEMPTS):
                try:
                    answer = await client.post(f"{base_url}/api/reports", json=body)
                except httpx.TransportError as error:
                    writes.refused.append((description, 0, repr(error)))
                    await asyncio.sleep(0.2)
                    continue
                if answer.status_code == 201:
                    writes.created.setdefault(description, []).append(answer.json())
                    break
                writes.refused.append((description, answer.status_code, answer.text))
                if answer.status_code not in (502, 503, 504):
                    break
                await asyncio.sleep(0.2)

    async with clients_from(loopback_addresses(ADDRESSES)) as clients:
        await asyncio.gather(*(writer(clients) for _ in range(CLIENTS)))
    return writes


async def read_reports(base_url: str, ids: list[int]) -> dict[int, tuple[int, Any]]:
    """GET each report by id from ``base_url``: id -> (status, body)."""
    limit = asyncio.Semaphore(CLIENTS)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def read(report_id: int) -> tuple[int, tuple[int, Any]]:
            async with limit:
                answer = await client.get(f"/api/reports/{report_id}")
            return report_id, (answer.status_code, answer.json())

        return dict(await asyncio.gather(*(read(report_id) for report_id in ids)))


def assert_readable_from_both_hosts(two_hosts: TwoHosts, writes: Writes) -> None:
    """Every report a 201 announced reads back, the same, from each host's own port."""
    expected = {body["id"]: (200, body) for bodies in writes.created.values() for body in bodies}
    for name in HOSTS:
        found = asyncio.run(read_reports(two_hosts.host_url(name), list(expected)))
        missing = {i: found[i] for i in expected if found[i] != expected[i]}
        assert not missing, f"{len(missing)} reports differ or are missing on {name}: {missing}"


def test_two_hosts_shared_400_reports_through_nginx_read_back_from_both_hosts(
    two_hosts: TwoHosts,
) -> None:
    descriptions = [f"report a{number}" for number in range(400)]
    writes = asyncio.run(write_reports(two_hosts.nginx_url, descriptions))

    assert writes.refused == []
    assert set(descriptions) - set(writes.created) == set()
    assert len(set(writes.ids())) == 400
    # nginx spread the writes over both hosts.
    for name in HOSTS:
        assert two_hosts.topology.log_text(name).count('"POST /api/reports HTTP/1.1" 201') > 50
    assert_readable_from_both_hosts(two_hosts, writes)


def detail(text: str) -> object:
    """The ``detail`` of a JSON error body, or the text itself when it is not one."""
    try:
        return json.loads(text)["detail"]
    except (ValueError, TypeError, KeyError):
        return text


def local_tcp_ports(pid: int) -> set[int]:
    """The local ports of the TCP sockets process ``pid`` holds, read from /proc."""
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed while we looked
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_two_hosts_shared_worker_killed_mid_run_loses_no_report(two_hosts: TwoHosts) -> None:
    descriptions = [f"report b{number}" for number in range(400)]
    writes = Writes()
    writing = threading.Thread(
        target=lambda: asyncio.run(write_reports(two_hosts.nginx_url, descriptions, writes))
    )
    writing.start()
    victims: list[int] = []
    try:
        # len() of a dict is atomic: the writing thread adds to it meanwhile.
        wait_until("100 reports written", lambda: len(writes.created) >= 100)
        # Kill a worker of host A in the middle of a write: hold the writes back for a moment
        # (a lock on the table) until one of its connections to PostgreSQL waits with an
        # INSERT, then SIGKILL that worker and let the writes go on.
        with psycopg.connect(two_hosts.postgres.url(), autocommit=True) as connection:
            with connection.transaction():
                connection.execute("LOCK TABLE reports IN EXCLUSIVE MODE")

                def a_worker_of_host_a_is_writing() -> bool:
                    waiting = {
                        port
                        for (port,) in connection.execute(
                            "SELECT client_port FROM pg_stat_activity "
                            "WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT%'"
                        )
                    }
                    victims.extend(
                        pid
                        for pid in sorted(two_hosts.workers("host-a"))
                        if local_tcp_ports(pid) & waiting
                    )
                    return bool(victims)

                wait_until("a worker of host A writing", a_worker_of_host_a_is_writing)
                os.kill(victims[0], signal.SIGKILL)
    finally:
        writing.join()

    # What a user sees: every write answered 201 in the end (asking again after an error),
    # and the errors on the way had a clear message: nginx's 502 for the killed worker's
    # requests (or the app's 503 for one that waited too long on the locked table). A write
    # whose answer was lost may have been stored all the same, so asking again can leave a
    # second report with the same text; a 201 without its report must never happen.
    assert set(descriptions) - set(writes.created) == set()
    assert writes.refused, "the killed worker was writing: its requests must have failed"
    clear = {(502, NGINX_502), (503, STORE_DOWN)}
    unclear = [
        (status, text) for _, status, text in writes.refused if (status, detail(text)) not in clear
    ]
    assert unclear == []
    assert_readable_from_both_hosts(two_hosts, writes)
    # Nothing was written behind the user's back either: nginx sent no failed POST to the
    # other host again, so at most one extra report per error answer.
    with psycopg.connect(two_hosts.postgres.url()) as connection:
        row = connection.execute(
            "SELECT count(*) FROM reports WHERE description LIKE 'report b%'"
        ).fetchone()
    assert row is not None and 400 <= row[0] <= 400 + len(writes.refused)
    # gunicorn replaced the worker.
    two_hosts.wait_until_whole()
    assert victims[0] not in two_hosts.workers("host-a")


async def ask_at_once(urls: list[str]) -> list[httpx.Response]:
    async with clients_from(loopback_addresses(len(urls))) as clients:
        return await asyncio.gather(
            *(client.get(url) for client, url in zip(clients, urls, strict=True))
        )


def test_two_hosts_shared_city_asked_50_times_at_once_reaches_upstream_once(
    two_hosts: TwoHosts,
) -> None:
    path = "/api/weather/Portland?state=OR"
    # Half through nginx, half straight at each host's own port, all at once.
    bases = [two_hosts.nginx_url, two_hosts.host_url("host-a")] * 13
    bases += [two_hosts.nginx_url, two_hosts.host_url("host-b")] * 12
    answers_ = asyncio.run(ask_at_once([base + path for base in bases[:50]]))

    assert [answer.status_code for answer in answers_] == [200] * 50, answers_[0].text
    assert [answer.json()["cached"] for answer in answers_].count(False) == 1
    portland = [q for q in two_hosts.upstream.queries if q["q"].startswith("Portland")]
    assert len(portland) == 1


def test_two_hosts_shared_redis_stopped_answers_keep_coming(two_hosts: TwoHosts) -> None:
    path = "/api/weather/Salem?state=OR"
    two_hosts.redis.stop()
    try:
        urls = [base + path for base in (two_hosts.nginx_url, *map(two_hosts.host_url, HOSTS))]
        weather = [httpx.get(url, timeout=30) for url in urls * 2]
        health = [httpx.get(two_hosts.host_url(name) + "/api/health", timeout=30) for name in HOSTS]
    finally:
        two_hosts.redis.start()

    assert [answer.status_code for answer in weather] == [200] * 6, weather[0].text
    assert {answer.json()["cached"] for answer in weather} == {False}
    for answer in health:
        assert answer.status_code == 200
        assert answer.json()["status"] == "degraded"
        assert answer.json()["services"]["cache"]["status"] == "unavailable"


def test_two_hosts_shared_postgres_stopped_is_503_then_recovers(two_hosts: TwoHosts) -> None:
    report = {"location": {"city": "Portland", "state": "OR"}, "description": "after the outage"}
    two_hosts.postgres.stop()
    try:
        health = httpx.get(f"{two_hosts.nginx_url}/api/health", timeout=30)
        write = httpx.post(f"{two_hosts.nginx_url}/api/reports", json=report, timeout=30)
    finally:
        two_hosts.postgres.start()

    assert health.status_code == 503
    assert health.json()["detail"] == STORE_DOWN
    assert health.json()["services"]["store"]["status"] == "unavailable"
    assert write.status_code == 503 and write.json() == {"detail": STORE_DOWN}
    assert PASSWORD not in health.text + write.text

    # Back by itself: every worker of both hosts answers again, no restart.
    def all_healthy() -> bool:
        return all(
            answers(f"{two_hosts.host_url(name)}/api/health") for name in HOSTS for _ in range(4)
        )

    wait_until("both hosts healthy again", all_healthy, two_hosts.postgres.log)
    again = httpx.post(f"{two_hosts.nginx_url}/api/reports", json=report, timeout=30)
    assert again.status_code == 201, again.text
    assert_readable_from_both_hosts(two_hosts, Writes(created={"again": [again.json()]}))
