from __future__ import annotations

from generator.cli import app

app(prog_name="coursegen")
