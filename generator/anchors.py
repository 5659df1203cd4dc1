"""Finding a heading or a block in a note: what ``[[Note#Heading]]``, ``[[Note#H1#H2]]`` and
``[[Note#^block]]`` select, and a hint when they select nothing."""

from __future__ import annotations

import difflib

from generator.parse import ParsedNote
from generator.slugs import slugify


def find_anchor(parsed: ParsedNote, fragment: str) -> str | None:
    """The element id that ``#fragment`` selects in a note: a block or a (nested) heading."""
    if fragment.startswith("^"):
        block = fragment[1:].strip()
        for known in parsed.block_ids:
            if known.casefold() == block.casefold():
                return "^" + known
        return None
    position = find_heading(parsed, fragment)
    return parsed.headings[position].id if position is not None else None


def find_heading(parsed: ParsedNote, fragment: str) -> int | None:
    """Index into ``parsed.headings`` for ``H1#H2`` (H2 under H1), case-insensitively."""
    parts = [p.strip().casefold() for p in fragment.split("#") if p.strip()]
    if not parts:
        return None
    start, level_floor, found = 0, 0, None
    for part in parts:
        found = None
        for i in range(start, len(parsed.headings)):
            heading = parsed.headings[i]
            if found is None and level_floor and heading.level <= level_floor and i > start:
                break
            if heading.text.casefold() == part or heading.id == slugify(part):
                found = i
                break
        if found is None:
            return None
        start, level_floor = found + 1, parsed.headings[found].level
    return found


def heading_hint(parsed: ParsedNote, fragment: str) -> str | None:
    names = [h.text for h in parsed.headings]
    close = difflib.get_close_matches(fragment.split("#")[-1], names, n=1, cutoff=0.6)
    return f"did you mean '#{close[0]}'?" if close else None
