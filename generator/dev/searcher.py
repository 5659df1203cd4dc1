"""The dev loop's search index: rebuilt in the background, after a quiet moment, politely.

Pagefind re-indexes the whole site (its API cannot patch an index), which takes a second or
more on a big vault. Running it right after each rebuild would compete for the CPU with the
next save's rebuild, so it waits until no rebuild came for ``quiet`` seconds, runs on a
lower-priority thread (Pagefind, its child, inherits the niceness) and throws its result
away when pages changed meanwhile.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

QUIET_SECONDS = 1.0
NICENESS = 10


class BackgroundSearch:
    """Runs ``update`` on a worker thread once requests stop coming for ``quiet`` seconds."""

    def __init__(self, update: Callable[[], object], *, quiet: float = QUIET_SECONDS) -> None:
        self.update = update
        self.quiet = quiet
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._flush = threading.Event()
        self._last_request = 0.0
        self._thread: threading.Thread | None = None
        self._closing = False

    def request(self) -> None:
        """The pages changed: index them again a moment from now."""
        self._last_request = time.monotonic()
        self._idle.clear()
        self._wanted.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="coursegen-search",
                                            daemon=True)
            self._thread.start()

    def wait(self, timeout: float = 60.0) -> None:
        """Index now (skipping the quiet period) and block until the index is current."""
        deadline = time.monotonic() + timeout
        self._flush.set()
        while time.monotonic() < deadline:
            if not self._wanted.is_set() and self._idle.wait(0.05):
                if not self._wanted.is_set():
                    self._flush.clear()
                    return
        raise TimeoutError("the search index did not catch up in time")

    def close(self) -> None:
        self._closing = True
        self._wanted.set()
        self._flush.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        _lower_priority()
        while not self._closing:
            if not self._wanted.wait(0.5):
                continue
            while not self._closing and not self._flush.is_set():
                left = self._last_request + self.quiet - time.monotonic()
                if left <= 0:
                    break
                self._flush.wait(left)
            self._flush.clear()
            self._wanted.clear()
            if self._closing:
                break
            try:
                self.update()
            except Exception as exc:  # search is a convenience; never take the loop down
                print(f"search index not updated: {exc}", flush=True)
            if not self._wanted.is_set():
                self._idle.set()
        self._idle.set()


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux: per thread; children inherit it)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):
        pass
