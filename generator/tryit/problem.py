"""One thing wrong in a ``tryit`` or ``exercise`` block, located inside the fence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """Something wrong in a block: ``offset`` is the 0-based line inside the fence content."""

    offset: int
    code: str
    message: str
    hint: str | None = None
    severity: Literal["error", "warning"] = "error"
