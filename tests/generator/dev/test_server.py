"""The dev server: pages with the live-reload script, SSE after a rebuild, taken ports."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchfiles import Change

from generator.dev.api import PortInUse
from generator.dev.events import EventHub
from generator.dev.server import DevServer, DevSession, inject_live_reload, run_dev

VaultFactory = Callable[[dict[str, str | bytes]], Path]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


@pytest.fixture
def session(make_vault: VaultFactory, tmp_path: Path) -> Iterator[DevSession]:
    vault = make_vault({
        "index.md": "# Course\n\n## 1. Start\n\n- [[Lesson]]\n\n![[chart.png]]\n",
        "Lesson.md": "# Lesson\n\nFirst text.\n",
        "img/chart.png": b"\x89PNG chart",
    })
    dev = DevSession(vault, tmp_path / "site", free_port(), None)
    dev.builder.background_search = False
    dev.start()
    yield dev
    dev.stop()


def test_server_folder_url_serves_index_with_script(session: DevSession) -> None:
    status, kind, body = fetch(f"http://127.0.0.1:{session.port}/lesson/")
    assert status == 200 and kind.startswith("text/html")
    assert b"First text." in body and b"/__coursegen/events" in body


def test_server_script_not_written_to_disk(session: DevSession) -> None:
    assert b"__coursegen" not in (session.out / "lesson" / "index.html").read_bytes()


def test_server_non_html_served_unchanged(session: DevSession) -> None:
    status, _kind, body = fetch(f"http://127.0.0.1:{session.port}/img/chart.png")
    assert status == 200 and body == b"\x89PNG chart"


def test_server_missing_page_serves_404_page(session: DevSession) -> None:
    status, kind, body = fetch(f"http://127.0.0.1:{session.port}/no/such/page/")
    assert status == 404 and kind.startswith("text/html")
    assert body == inject_live_reload((session.out / "404.html").read_bytes())


def test_server_path_outside_site_not_served(session: DevSession) -> None:
    status, _kind, _body = fetch(f"http://127.0.0.1:{session.port}/%2e%2e/%2e%2e/etc/passwd")
    assert status == 404


def test_server_nul_byte_in_a_path_is_a_404_not_a_dropped_connection(
    session: DevSession,
) -> None:
    status, kind, _body = fetch(f"http://127.0.0.1:{session.port}/lesson/%00")
    assert status == 404 and kind.startswith("text/html")


def raw_get(port: int, path: str, host: str | None = "127.0.0.1") -> bytes:
    """The response head to a request for ``path`` exactly as written (no client cleaning),
    with ``host`` as its Host header (None: none)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        header = "" if host is None else f"Host: {host}\r\n"
        conn.sendall(f"GET {path} HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode())
        return conn.recv(4096)


def read_all(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_server_folder_redirect_stays_on_this_server_and_quoted(session: DevSession) -> None:
    head = raw_get(session.port, "//lesson")
    assert b"301" in head.split(b"\r\n")[0] and b"\r\nLocation: /lesson/\r\n" in head
    (session.out / "two words").mkdir()
    head = raw_get(session.port, "/two%20words")
    assert b"\r\nLocation: /two%20words/\r\n" in head


def test_server_sse_sends_reload_after_change(session: DevSession) -> None:
    lines: list[str] = []
    connected = threading.Event()

    def listen() -> None:
        url = f"http://127.0.0.1:{session.port}/__coursegen/events"
        with urllib.request.urlopen(url, timeout=10) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    lines.append(line)
                    connected.set()
                    if '"reload": true' in line:
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert connected.wait(10)
    note = session.vault / "Lesson.md"
    note.write_text("# Lesson\n\nSecond text.\n", encoding="utf-8")
    session.watch([{(Change.modified, str(note))}])
    listener.join(10)
    assert '"reload": true' in lines[-1] and "lesson/index.html" in lines[-1]
    _status, _kind, body = fetch(f"http://127.0.0.1:{session.port}/lesson/")
    assert b"Second text." in body


def test_server_bad_note_keeps_serving_with_diagnostic(session: DevSession) -> None:
    note = session.vault / "Lesson.md"
    note.write_text("---\ntitle: [unclosed\n---\n```python\nno end\n![[Lesson]]\n", "utf-8")
    session.watch([{(Change.modified, str(note))}])
    assert "lesson/index.html" in session.hub.state.pages
    status, _kind, _body = fetch(f"http://127.0.0.1:{session.port}/lesson/")
    assert status == 200


def test_server_note_page_gets_open_in_obsidian_link_the_built_file_has_none(
    session: DevSession,
) -> None:
    assert b"obsidian://" not in (session.out / "lesson" / "index.html").read_bytes()
    _status, _kind, body = fetch(f"http://127.0.0.1:{session.port}/lesson/")
    link = b'<a class="obsidian-link" href="obsidian://open?vault=vault1&amp;file=Lesson">'
    assert link in body
    _status, _kind, missing = fetch(f"http://127.0.0.1:{session.port}/no/such/page/")
    assert b"obsidian://" not in missing


def test_hub_lists_every_problem_with_the_vault_prefix_as_check_does(
    session: DevSession,
) -> None:
    note = session.vault / "Lesson.md"
    note.write_text("# Lesson\n\nSee [[Nowhere]].\n", encoding="utf-8")
    session.watch([{(Change.modified, str(note))}])
    state = session.hub.state
    prefix = session.vault.as_posix() + "/Lesson.md:3: "
    assert any(line.startswith(prefix) for line in state.problems)
    assert state.pages["lesson/index.html"] == [
        line for line in state.problems if line.startswith(prefix)
    ]


def test_run_dev_port_taken_exits_1_with_message(
    make_vault: VaultFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = make_vault({"index.md": "# Home\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = run_dev(vault, tmp_path / "site", port=port, api_port=None)
    assert code == 1
    assert (f"Port {port} is already in use: stop the other server or pass --port "
            f"(make run PORT={port + 1})") in capsys.readouterr().err


def test_session_api_port_taken_raises_port_in_use(make_vault: VaultFactory,
                                                    tmp_path: Path) -> None:
    vault = make_vault({"index.md": "# Home\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        api_port = taken.getsockname()[1]
        dev = DevSession(vault, tmp_path / "site", free_port(), api_port)
        advice = rf"pass --api-port \(make run API_PORT={api_port + 1}\)"
        with pytest.raises(PortInUse, match=advice):
            dev.start()
        dev.stop()


def test_session_pages_call_the_api_on_its_port(make_vault: VaultFactory,
                                                tmp_path: Path) -> None:
    vault = make_vault({
        "index.md": "---\napi_base: http://127.0.0.1:8000\n---\n# Course\n\n## 1. A\n\n- [[L]]\n",
        "L.md": "# L\n\n```tryit\nGET /api/health\n```\n",
    })
    api_port = free_port()
    dev = DevSession(vault, tmp_path / "site", free_port(), api_port)
    dev.builder.background_search = False
    dev.api = None  # the port is what counts here, not a running API
    try:
        dev.start()
        page = (tmp_path / "site" / "l" / "index.html").read_text(encoding="utf-8")
    finally:
        dev.stop()
    assert f'data-api-base="http://127.0.0.1:{api_port}"' in page


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
     "localhost.evil.example", "localhost:{port}@evil.example", "0.0.0.0:{port}", None],
)
@pytest.mark.parametrize("path", ["/lesson/", "/__coursegen/events"])
def test_server_request_for_another_host_name_is_refused_with_403(
    session: DevSession, host: str | None, path: str
) -> None:
    """A page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
    sends its own name: it gets no page."""
    with socket.create_connection(("127.0.0.1", session.port), timeout=10) as conn:
        header = "" if host is None else f"Host: {host.format(port=session.port)}\r\n"
        conn.sendall(f"GET {path} HTTP/1.1\r\n{header}\r\n".encode())
        answer = read_all(conn)
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"answers only requests addressed to 127.0.0.1, localhost or [::1]" in answer
    assert f"Open http://127.0.0.1:{session.port}/ instead.".encode() in answer
    assert b"First text." not in answer and b"event: state" not in answer


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LocalHost", "[::1]:{port}"]
)
def test_server_loopback_host_names_are_served(session: DevSession, host: str) -> None:
    head = raw_get(session.port, "/lesson", host.format(port=session.port))
    assert head.startswith(b"HTTP/1.1 301 ") and b"\r\nLocation: /lesson/\r\n" in head


def open_stream(port: int) -> socket.socket:
    """A live-reload stream that has received its first event (so the server counts it)."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET /__coursegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    received = b""
    while b"\n\n" not in received.partition(b"event: state")[2]:
        chunk = conn.recv(4096)
        assert chunk, received
        received += chunk
    assert received.startswith(b"HTTP/1.1 200 ")
    return conn


def test_server_live_reload_streams_past_the_cap_get_503_until_one_closes(
    tmp_path: Path,
) -> None:
    hub = EventHub()
    server = DevServer(free_port(), tmp_path, hub, max_streams=2)
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        streams = [open_stream(port), open_stream(port)]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(f"GET /__coursegen/events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
                         .encode())
            answer = read_all(conn)
        assert answer.startswith(b"HTTP/1.1 503 ") and b"\r\nRetry-After: 5\r\n" in answer
        assert b"Too many live-reload connections (at most 2)" in answer
        # Ending the streams (the server stops them all here) frees their places; the server
        # closes a stream's connection only after its place is free.
        hub.close()
        for stream in streams:
            read_all(stream)
            stream.close()
        with open_stream(port) as again:  # answered 200 with the state, not 503
            assert b"Too many" not in read_all(again)
    finally:
        server.shutdown()
        server.server_close()


def test_server_takes_a_burst_of_connections_without_turning_any_away(tmp_path: Path) -> None:
    """The connections wait in the listen queue (the server is not even accepting yet): with
    a queue of 5, the seventh connection hung."""
    server = DevServer(free_port(), tmp_path, EventHub())
    port = server.server_address[1]
    connections: list[socket.socket] = []
    try:
        for _ in range(300):
            connections.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        assert len(connections) == 300
    finally:
        for conn in connections:
            conn.close()
        server.server_close()
