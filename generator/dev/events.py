"""Live-reload events: what changed and what is wrong, fanned out to every open browser tab."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic

EVENTS_PATH = "/__coursegen/events"

# Injected before </body> of every HTML response (never into the files on disk). It reloads
# the page when its own file changed, keeps the scroll position, and shows build errors and
# the open page's diagnostics in an overlay that goes away when they are fixed.
LIVE_RELOAD_SCRIPT = """<script data-coursegen-live>(() => {
  const key = "coursegen-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => scrollTo(0, +saved));
  }
  let file = decodeURIComponent(location.pathname).replace(/^\\//, "");
  if (file === "" || file.endsWith("/")) file += "index.html";
  const overlay = (problems) => {
    let box = document.getElementById("coursegen-overlay");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div"); box.id = "coursegen-overlay";
      box.style.cssText = "position:fixed;right:1rem;bottom:1rem;max-width:40rem;" +
        "max-height:50vh;overflow:auto;z-index:99999;background:#1e1e1e;color:#f5f5f5;" +
        "font:13px/1.4 monospace;padding:.75rem 1rem;border-left:4px solid #e5484d;" +
        "border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.4);white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = problems.join("\\n");
  };
  const source = new EventSource("/__coursegen/events");
  source.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    const problems = state.error
      ? ["Build failed (still showing the last good site):", state.error] : [];
    overlay(problems.concat(state.pages[file] || []));
    if (state.reload && state.changed.includes(file)) {
      sessionStorage.setItem(key, String(scrollY));
      source.close();
      location.reload();
    }
  });
})();</script>"""


@dataclass
class LiveState:
    """The latest build outcome as the browser sees it."""

    version: int = 0
    changed: list[str] = field(default_factory=list)  # output paths written by the last rebuild
    pages: dict[str, list[str]] = field(default_factory=dict)  # output path -> diagnostics
    error: str | None = None

    def payload(self, *, reload: bool) -> str:
        data: dict[str, Any] = {
            "version": self.version,
            "changed": self.changed if reload else [],
            "pages": self.pages,
            "error": self.error,
            "reload": reload,
        }
        return json.dumps(data, ensure_ascii=False)


class EventHub:
    """Holds the latest :class:`LiveState`; SSE handlers wait on it for the next version."""

    def __init__(self) -> None:
        self.state = LiveState()
        self._changed = threading.Condition()
        self.closed = False

    def publish(
        self,
        changed: list[str],
        diagnostics: list[Diagnostic],
        outputs: dict[str, str],
        error: str | None = None,
    ) -> None:
        """A rebuild finished: ``outputs`` maps vault paths to their page's output path."""
        pages: dict[str, list[str]] = {}
        for item in diagnostics:
            page = outputs.get(item.file)
            if page is not None:
                pages.setdefault(page, []).append(item.format())
        with self._changed:
            self.state = LiveState(self.state.version + 1, list(changed), pages, error)
            self._changed.notify_all()

    def wait(self, after: int, timeout: float) -> LiveState | None:
        """The state newer than version ``after``, or None after ``timeout`` or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self.state.version > after or self.closed, timeout)
            if self.closed or self.state.version <= after:
                return None
            return self.state

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
