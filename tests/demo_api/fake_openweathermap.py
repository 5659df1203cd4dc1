"""A fake OpenWeatherMap on 127.0.0.1: real sockets, so the app's real HTTP client talks to it.

The city asked for picks the answer, so one server covers the happy path and each failure:

``Portland``     200 with a recorded answer
``Brokenville``  500
``Garbleton``    200 whose body is not JSON
``Hangup``       the connection is closed without an answer
``Sleepyton``    no answer for ``SLEEP_SECONDS`` (longer than any timeout a test sets)
``Dribbleton``   a 200 whose body comes one byte every ``DRIBBLE_INTERVAL_SECONDS``

``delay_seconds`` makes every other city's answer come that much later (a slow upstream).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/data/2.5/weather"
SLEEP_SECONDS = 5.0
DRIBBLE_INTERVAL_SECONDS = 0.3
DRIBBLE_BYTES = 34  # about ten seconds of dribbling
PORTLAND: dict[str, Any] = {
    "weather": [{"id": 701, "main": "Mist", "description": "mist", "icon": "50n"}],
    "main": {
        "temp": 8.47,
        "feels_like": 7.09,
        "temp_min": 6.82,
        "temp_max": 9.96,
        "pressure": 1021,
        "humidity": 93,
    },
    "wind": {"speed": 2.06, "deg": 170},
    "dt": 1732838400,
    "sys": {"country": "US"},
    "name": "Portland",
}


@dataclass
class FakeOpenWeatherMap:
    """What the fake saw: the query strings it was sent, and how far each dribble got."""

    url: str = ""
    queries: list[dict[str, str]] = field(default_factory=list)
    dribbles_finished: int = 0
    dribbles_cut_short: int = 0
    delay_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(fake: FakeOpenWeatherMap) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            query = {
                name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()
            }
            with fake.lock:
                fake.queries.append(query)
            city = query.get("q", "").split(",")[0]
            if city == "Brokenville":
                self._answer(500, b'{"cod": "500", "message": "Internal error"}')
            elif city == "Garbleton":
                self._answer(200, b"<html>not the weather</html>")
            elif city == "Hangup":
                self.close_connection = True
            elif city == "Sleepyton":
                time.sleep(SLEEP_SECONDS)
                self._answer(200, json.dumps(PORTLAND).encode())
            elif city == "Dribbleton":
                self._dribble()
            else:
                time.sleep(fake.delay_seconds)
                self._answer(200, json.dumps(PORTLAND).encode())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                self.close_connection = True  # the client gave up waiting

        def _dribble(self) -> None:
            body = json.dumps(PORTLAND).encode()[:DRIBBLE_BYTES]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(DRIBBLE_INTERVAL_SECONDS)
            except OSError:  # the client hung up: the dribble was cut short
                with fake.lock:
                    fake.dribbles_cut_short += 1
                self.close_connection = True
                return
            with fake.lock:
                fake.dribbles_finished += 1

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    return Handler


@contextmanager
def fake_openweathermap() -> Iterator[FakeOpenWeatherMap]:
    """Serve the fake on a free port of 127.0.0.1; ``.url`` is its weather endpoint."""
    fake = FakeOpenWeatherMap()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
