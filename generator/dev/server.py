"""``coursegen dev``: build, serve with live reload, rebuild on every save, run the demo API."""

from __future__ import annotations

import html
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.dev.api import DemoApi, PortInUse, ensure_port_free
from generator.dev.events import EVENTS_PATH, LIVE_RELOAD_SCRIPT, EventHub
from generator.dev.session import LiveSite, Rebuild
from generator.dev.watch import DEBOUNCE_MS, STEP_MS, Batch, ChangeSet, run_watch_loop
from generator.dev.watch import watch_changes as real_changes
from generator.options import BuildOptions, written_folders
from generator.render import obsidian_url
from generator.urls import output_path

KEEPALIVE_SECONDS = 15.0
# Open live-reload streams, one a tab: each holds a thread while it is open.
MAX_EVENT_STREAMS = 64
# The names this server answers to. A page elsewhere whose name is made to resolve to
# 127.0.0.1 (DNS rebinding) sends its own name, and so cannot read the drafts served here.
LOOPBACK_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::[0-9]{1,5})?", re.IGNORECASE)


class DevServer(ThreadingHTTPServer):
    """Serves the output folder; every handler thread is a daemon, so stopping never waits."""

    daemon_threads = True
    block_on_close = False
    # socketserver's default of 5 turned most of a burst of requests away (a page with its
    # assets in several tabs at once); the kernel caps this at net.core.somaxconn.
    request_queue_size = socket.SOMAXCONN

    def __init__(
        self, port: int, root: Path, hub: EventHub, *, max_streams: int = MAX_EVENT_STREAMS
    ) -> None:
        self.root = root.resolve()
        self.hub = hub
        self.max_streams = max_streams
        self.streams = threading.BoundedSemaphore(max_streams)
        # Output path of each note's page -> its obsidian:// address: added to the page as it
        # is served, since a student reading the published site has no vault to open.
        self.note_links: dict[str, str] = {}
        super().__init__(("127.0.0.1", port), DevRequestHandler)


class DevRequestHandler(SimpleHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per rebuild is the terminal's budget, not one per request

    def parse_request(self) -> bool:
        """Answer only requests addressed to a loopback name (any method, any path)."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and LOOPBACK_HOST.fullmatch(hosts[0].strip()):
            return True
        port = self.server.server_address[1]
        self._plain(
            HTTPStatus.FORBIDDEN,
            "This is coursegen's dev server: it answers only requests addressed to 127.0.0.1, "
            f"localhost or [::1], so that other web pages cannot read the drafts it serves. "
            f"Open http://127.0.0.1:{port}/ instead.\n",
        )
        return False

    def _plain(self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None) -> None:
        """A short text answer, after which the connection is closed."""
        body = text.encode("utf-8")
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events()
            return
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        raw_path = urlsplit(self.path).path
        url_path = unquote(raw_path)
        root = self.server.root
        status = HTTPStatus.OK
        try:
            target = (root / url_path.lstrip("/")).resolve()
        except (ValueError, OSError):  # a NUL byte, a loop of links: nothing to serve there
            target = root / "__missing__"
        if not target.is_relative_to(root):
            target = root / "__missing__"
        if target.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                # The path as it came (still quoted), on this server: "//host" is not a page.
                self.send_header("Location", "/" + raw_path.lstrip("/") + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
        try:
            data = target.read_bytes()
        except OSError:
            status = HTTPStatus.NOT_FOUND
            target = root / "404.html"
            try:
                data = target.read_bytes()
            except OSError:
                target, data = root / "404.txt", b"Not found (the site is still being built)."
        kind = self.guess_type(str(target))
        if kind == "text/html":
            if status is HTTPStatus.OK:
                link = self.server.note_links.get(target.relative_to(root).as_posix())
                if link is not None:
                    data = inject_obsidian_link(data, link)
            data = inject_live_reload(data)
            kind = "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self) -> None:
        streams = self.server.streams
        if not streams.acquire(blocking=False):
            self._plain(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"Too many live-reload connections (at most {self.server.max_streams}): close "
                "some tabs of this course and reload this one to have it reload on save.\n",
                {"Retry-After": "5"},
            )
            return
        try:
            self._stream_events()
        finally:
            streams.release()

    def _stream_events(self) -> None:
        hub = self.server.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = hub.state
        try:
            # The current state first, so a page opened on a broken build shows the overlay.
            self._send_event(state.payload(reload=False))
            seen = state.version
            while not hub.closed:
                newer = hub.wait(seen, KEEPALIVE_SECONDS)
                if newer is None:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                seen = newer.version
                self._send_event(newer.payload(reload=True))
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def _send_event(self, data: str) -> None:
        self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
        self.wfile.flush()


def inject_live_reload(html: bytes) -> bytes:
    """Add the live-reload script before ``</body>`` (or at the end)."""
    script = LIVE_RELOAD_SCRIPT.encode("utf-8")
    at = html.rfind(b"</body>")
    if at == -1:
        return html + script
    return html[:at] + script + html[at:]


def inject_obsidian_link(html_page: bytes, url: str) -> bytes:
    """Add "Open in Obsidian" to the page's footer (at the end of ``</footer>``)."""
    link = (f'<p><a class="obsidian-link" href="{html.escape(url)}">Open in Obsidian</a></p>\n'
            .encode())
    at = html_page.rfind(b"</footer>")
    if at == -1:
        return html_page
    return html_page[:at] + link + html_page[at:]


class DevSession:
    """The dev loop's moving parts, started and stopped together."""

    def __init__(self, vault: Path, out: Path, port: int, api_port: int | None) -> None:
        self.vault = vault
        self.out = out
        # Diagnostics name files as `coursegen check <vault>` prints them.
        self.prefix = "" if str(vault) in ("", ".") else f"{vault.as_posix().rstrip('/')}/"
        self.hub = EventHub(self.prefix)
        # Pages call the API this session starts, whatever port it is on; with --no-api the
        # home note's api_base (or the default) stands.
        api_base = f"http://127.0.0.1:{api_port}" if api_port is not None else None
        self.builder = LiveSite(BuildOptions(vault=vault, out=out, api_base=api_base))
        self.port = port
        self.server: DevServer | None = None
        self.api = DemoApi(api_port) if api_port is not None else None
        self.stop_event = threading.Event()
        self._serving: threading.Thread | None = None

    def start(self) -> None:
        try:
            self.server = DevServer(self.port, self.out, self.hub)
        except OSError:
            raise PortInUse(
                f"Port {self.port} is already in use: stop the other server or pass --port "
                f"(make run PORT={self.port + 1})"
            ) from None
        if self.api is not None:
            ensure_port_free(self.api.port, "--api-port", make_variable="API_PORT")
        log(f"Building the course from {self.vault} ...")
        result = self.builder.full_build()
        log(f"Built {sum(1 for f in self.builder.files if f.endswith('.html'))} pages in "
            f"{result.seconds:.2f} s: {len(result.diagnostics)} diagnostics")
        self._publish(result)
        self._serving = threading.Thread(target=self.server.serve_forever,
                                         kwargs={"poll_interval": 0.2}, daemon=True)
        self._serving.start()
        if self.api is not None:
            self.api.start()
        log(f"Serving the course on http://127.0.0.1:{self.port}/ (live reload on)")
        if self.api is not None:
            log(f"Demo API on {self.api.url}/ (reloads on demo_api/ changes)")
        log(f"Watching {self.vault} and the theme (rebuild after {STEP_MS} ms of quiet, "
            f"at most {DEBOUNCE_MS} ms); press Ctrl+C to stop")

    def handle(self, batch: Batch) -> Rebuild | None:
        """Rebuild for one batch; a failure is logged and shown, and the old site stays."""
        try:
            result = self.builder.rebuild(batch.vault, theme_changed=batch.theme)
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
            log(f"rebuild failed, still serving the last good site: {problem}")
            traceback.print_exc(file=sys.stderr)
            self._set_note_links()
            self.hub.publish([], self.builder.diagnostics, self._outputs(), error=problem)
            return None
        log(result.summary())
        for item in result.new_diagnostics:
            log("  " + item.format(self.prefix))
        self._publish(result)
        return result

    def watch(self, changes: Iterable[ChangeSet] | None = None) -> None:
        source = changes if changes is not None else real_changes(self.vault, self.stop_event)
        skip = written_folders(self.builder.options)
        run_watch_loop(source, self.vault, self._guarded(self.handle), skip=skip)

    def stop(self) -> None:
        self.stop_event.set()
        self.hub.close()
        if self.server is not None:
            if self._serving is not None:
                self.server.shutdown()  # waits for serve_forever, so only once it runs
            self.server.server_close()
        if self.api is not None:
            self.api.stop()
        self.builder.close()

    def _publish(self, result: Rebuild) -> None:
        self._set_note_links()
        self.hub.publish(result.written, result.diagnostics, self._outputs())

    def _set_note_links(self) -> None:
        resolved = self.builder.resolved
        if self.server is None or resolved is None:
            return
        name = resolved.config.vault_name
        self.server.note_links = {
            output_path(note): obsidian_url(name, path) for path, note in resolved.notes.items()
        }

    def _outputs(self) -> dict[str, str]:
        resolved = self.builder.resolved
        if resolved is None:
            return {}
        return {path: output_path(note) for path, note in resolved.notes.items()}

    def _guarded(self, handle: Callable[[Batch], Rebuild | None]) -> Callable[[Batch], None]:
        def run(batch: Batch) -> None:
            if not self.stop_event.is_set():
                handle(batch)

        return run


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def run_dev(vault: Path, out: Path, *, port: int = 8080, api_port: int | None = 8000) -> int:
    """The ``coursegen dev`` loop; returns the exit code (0 after Ctrl+C, 1 on a taken port)."""
    session = DevSession(vault, out, port, api_port)
    try:
        session.start()
    except PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        session.stop()
        return 1
    except BaseException:
        session.stop()
        raise

    def request_stop(signum: int, frame: FrameType | None) -> None:
        session.stop_event.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        session.watch()
    finally:
        log("Stopping")
        session.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
