"""Live-reload events: what changed and what is wrong, fanned out to every open browser tab."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic

EVENTS_PATH = "/__coursegen/events"

# Injected before </body> of every HTML response (never into the files on disk): reloads the
# page when its file changed and shows the vault's problems (generator/theme/dev/).
LIVE_RELOAD_JS = Path(__file__).resolve().parents[1] / "theme" / "dev" / "live-reload.js"
LIVE_RELOAD_SCRIPT = (
    "<script data-coursegen-live>" + LIVE_RELOAD_JS.read_text(encoding="utf-8") + "</script>"
)


@dataclass
class LiveState:
    """The latest build outcome as the browser sees it."""

    version: int = 0
    changed: list[str] = field(default_factory=list)  # output paths written by the last rebuild
    pages: dict[str, list[str]] = field(default_factory=dict)  # output path -> diagnostics
    error: str | None = None
    problems: list[str] = field(default_factory=list)  # every error and warning of the vault

    def payload(self, *, reload: bool) -> str:
        data: dict[str, Any] = {
            "version": self.version,
            "changed": self.changed if reload else [],
            "pages": self.pages,
            "error": self.error,
            "problems": self.problems,
            "reload": reload,
        }
        return json.dumps(data, ensure_ascii=False)


class EventHub:
    """Holds the latest :class:`LiveState`; SSE handlers wait on it for the next version."""

    def __init__(self, prefix: str = "") -> None:
        # Put before every vault path, so the overlay names files as `coursegen check` does.
        self.prefix = prefix
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
        problems: list[str] = []
        for item in diagnostics:
            # Info (an attachment no page shows) needs no fixing: `check` lists it, the
            # overlay, on every page, would never go away.
            if item.severity == "info":
                continue
            line = item.format(self.prefix)
            problems.append(line)
            page = outputs.get(item.file)
            if page is not None:
                pages.setdefault(page, []).append(line)
        with self._changed:
            self.state = LiveState(
                self.state.version + 1, list(changed), pages, error, problems
            )
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
