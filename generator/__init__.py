"""coursegen: an Obsidian vault of course notes becomes a static course site."""

from __future__ import annotations

__version__ = "0.1.0"
