"""Dev-loop figures on synthetic vaults of 1,000 and 10,000 notes: save-to-disk and save-to-SSE
times, the first save after start, and how an edit's cost grows with the vault."""

from __future__ import annotations

import contextlib
import io
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change

from generator.build import BuildOptions
from generator.dev.server import DevSession
from generator.dev.session import LiveSite
from generator.dev.watch import DEBOUNCE_MS, STEP_MS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_synthetic_vault  # noqa: E402

NOTES = 1000
ROUNDS = 9  # medians: the machine may be shared, and single rounds vary


def _timed(builder: LiveSite, path: Path, change: Callable[[str, int], str]) -> float:
    """Milliseconds from writing ``path`` to the rebuilt files on disk (median of rounds)."""
    times = []
    for round_ in range(ROUNDS):
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        path.write_text(change(text, round_), encoding="utf-8")
        builder.rebuild({path})
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _note_with_backlinks(builder: LiveSite, wanted: int) -> Path:
    assert builder.resolved is not None
    counts = {
        path: len({b.source for b in links}) for path, links in builder.resolved.backlinks.items()
    }
    path = min(sorted(counts), key=lambda p: abs(counts[p] - wanted))
    return Path(builder.resolved.notes[path].path)


def _sse_latency(vault: Path, out: Path, note: Path) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    session = DevSession(vault, out, port, None)
    session.builder.background_search = True
    session.start()
    times = []
    try:
        for round_ in range(ROUNDS):
            received = threading.Event()
            ready = threading.Event()

            def listen(
                received: threading.Event = received, ready: threading.Event = ready
            ) -> None:
                url = f"http://127.0.0.1:{port}/__coursegen/events"
                with urllib.request.urlopen(url, timeout=60) as stream:
                    for raw in stream:
                        if raw.startswith(b"data:"):
                            if b'"reload": true' in raw:
                                received.set()
                                return
                            ready.set()

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            ready.wait(30)
            target = vault / note
            started = time.perf_counter()
            target.write_text(target.read_text("utf-8") + f"\nSSE round {round_}.\n", "utf-8")
            session.watch([{(Change.modified, str(target))}])
            received.wait(60)
            times.append((time.perf_counter() - started) * 1000)
            listener.join(5)
    finally:
        session.stop()
    return statistics.median(times)


def _first_edit_ms(builder: LiveSite, path: Path) -> float:
    """Milliseconds of the first save after the start (a second after it, as an author saves)."""
    time.sleep(1.0)
    text = path.read_text(encoding="utf-8")
    started = time.perf_counter()
    path.write_text(text + "\nThe first edit.\n", encoding="utf-8")
    builder.rebuild({path})
    return (time.perf_counter() - started) * 1000


def _text_edit_at(notes: int) -> tuple[float, float, float]:
    """(start seconds, first edit ms, median text edit ms) on a vault of ``notes`` notes."""
    with tempfile.TemporaryDirectory(prefix="coursegen-dev-bench-") as tmp:
        root = Path(tmp)
        vault = root / "vault"
        write_synthetic_vault(vault, notes)
        options = BuildOptions(vault=vault, out=root / "site", cache_dir=root / "cache")
        builder = LiveSite(options, auto_search=False)
        started = time.perf_counter()
        builder.full_build()
        startup = time.perf_counter() - started
        note = vault / "concepts" / "Note 00001.md"
        first = _first_edit_ms(builder, note)
        median = _timed(builder, note, lambda text, i: text + f"\nAnother sentence, round {i}.\n")
        builder.close()
    return startup, first, median


def run_dev_bench() -> list[str]:
    """Build a synthetic vault, then time the common edits, the SSE event, and the same text
    edit on a vault ten times as large."""
    lines = _run_dev_bench()
    small = _text_edit_at(NOTES)
    large = _text_edit_at(NOTES * 10)
    lines += [
        f"dev: first save after start ({NOTES} notes): {small[1]:.0f} ms; later saves "
        f"{small[2]:.0f} ms (target: no slower)",
        f"dev: text edit at {NOTES * 10} notes: {large[2]:.0f} ms, x{large[2] / small[2]:.2f} "
        f"the same edit at {NOTES} notes (target x2 at most); first save {large[1]:.0f} ms; "
        f"start {large[0]:.1f} s",
    ]
    return lines


def _run_dev_bench() -> list[str]:
    """Build a synthetic vault, then time the three common edits and the SSE event."""
    with tempfile.TemporaryDirectory(prefix="coursegen-dev-bench-") as tmp:
        root = Path(tmp)
        vault = root / "vault"
        write_synthetic_vault(vault, NOTES)
        options = BuildOptions(vault=vault, out=root / "site", cache_dir=root / "cache")
        builder = LiveSite(options, background_search=True)
        started = time.perf_counter()
        builder.full_build()
        startup = time.perf_counter() - started
        text_note = vault / "concepts" / "Note 00001.md"
        text_ms = _timed(builder, text_note,
                         lambda text, i: text + f"\nAnother sentence, round {i}.\n")
        hub = _note_with_backlinks(builder, 20)
        assert builder.resolved is not None
        linkers = len({b.source for b in builder.resolved.backlinks[str(hub)]})
        title_ms = _timed(builder, vault / hub, lambda text, i: text.replace(
            "title: ", f"title: Retitled {i} ", 1))
        link_note = vault / "reference" / "Note 00002.md"
        link_ms = _timed(builder, link_note,
                         lambda text, i: text + f"\nSee [[Note {100 + i:05d}]] too.\n")
        builder.wait_for_search(timeout=600)
        builder.close()
        with contextlib.redirect_stderr(io.StringIO()):  # the session's own per-rebuild lines
            sse_ms = _sse_latency(vault, root / "site", Path("concepts/Note 00006.md"))
    return [
        f"dev: full build of {NOTES} notes at start: {startup:.1f} s",
        f"dev: (a) text edit, write -> files on disk: {text_ms:.0f} ms (target 50)",
        f"dev: (b) title change, {linkers} backlinks, write -> disk: {title_ms:.0f} ms "
        "(target 150)",
        f"dev: (c) add a link, write -> files on disk: {link_ms:.0f} ms (target 50)",
        f"dev: write -> SSE reload event: {sse_ms:.0f} ms (target 100)",
        f"dev: debounce (not included above): {STEP_MS} ms of quiet, at most {DEBOUNCE_MS} ms",
    ]


if __name__ == "__main__":
    for line in run_dev_bench():
        print(line)
