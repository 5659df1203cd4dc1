"""The engine's diagnostics: sorted and capped as :func:`sort_diagnostics` and
:func:`cap_repeats` make them, kept up to date by parts.

A run after an edit replaces a few parts (the notes it parsed or
resolved again); sorting the vault's thousand diagnostics again each time cost more than the
edit. Because the sort order tells every two unequal diagnostics apart, the sorted list
depends only on which diagnostics there are, so it can be patched instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from generator.diagnostics import REPEAT_LIMIT, Diagnostic, cap_repeats, order_key

Name = TypeVar("Name", bound=Hashable)


class SortedDiagnostics:
    """``sort_diagnostics`` of named parts (one note's parse problems, its link problems, ...),
    kept up to date as parts are replaced one by one.

    :meth:`ordered` returns the same list object for as long as the set of diagnostics is
    unchanged, so later stages can tell by identity. Parts are named ``(group, name)``; a
    part's list must not be changed once given (give a new list instead).
    """

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []
        self._keys: list[tuple[str, int, str, str, str, bool, str]] = []  # order_key of _items
        self._groups: dict[str, dict[Hashable, list[Diagnostic]]] = {}
        self._counts: dict[Diagnostic, int] = {}  # how many parts hold each diagnostic
        self._added: set[Diagnostic] = set()  # since _items was last made
        self._removed: set[Diagnostic] = set()
        self._capped_from: tuple[list[Diagnostic], int] | None = None
        self._capped: list[Diagnostic] = []

    def replace(self, group: str, name: Hashable, items: list[Diagnostic]) -> None:
        """The part ``name`` of ``group`` now holds ``items`` (an empty list drops it)."""
        parts = self._groups.setdefault(group, {})
        old = parts.get(name)
        if old is items or (old is None and not items):
            return
        if items:
            parts[name] = items
        else:
            del parts[name]
        counts = self._counts
        for item in old or ():
            left = counts[item] - 1
            if left:
                counts[item] = left
                continue
            del counts[item]
            if item in self._added:
                self._added.discard(item)
            else:
                self._removed.add(item)
        for item in items:
            if item in counts:
                counts[item] += 1
                continue
            counts[item] = 1
            if item in self._removed:
                self._removed.discard(item)
            else:
                self._added.add(item)

    def replace_group(self, group: str, parts: Mapping[Name, list[Diagnostic]]) -> None:
        """``group`` holds exactly ``parts`` now: those given are replaced, others dropped."""
        for name in [n for n in self._groups.get(group, {}) if n not in parts]:
            self.replace(group, name, [])
        for name, items in parts.items():
            self.replace(group, name, items)

    def ordered(self) -> list[Diagnostic]:
        """Every diagnostic of every part, as :func:`sort_diagnostics` returns them."""
        added, removed = self._added, self._removed
        if not added and not removed:
            return self._items
        if len(added) + len(removed) > 64:  # many changes: one sort beats many inserts
            items = sorted(self._counts, key=order_key)
            keys = [order_key(item) for item in items]
        else:
            items, keys = list(self._items), list(self._keys)
            for item in removed:
                at = bisect_left(keys, order_key(item))
                del keys[at], items[at]
            for item in added:
                key = order_key(item)
                at = bisect_left(keys, key)
                keys.insert(at, key)
                items.insert(at, item)
        self._items, self._keys = items, keys
        added.clear()
        removed.clear()
        return items

    def capped(self, limit: int = REPEAT_LIMIT) -> list[Diagnostic]:
        """``cap_repeats(self.ordered(), limit)``, the same list object while nothing changed."""
        items = self.ordered()
        known = self._capped_from
        if known is None or known[0] is not items or known[1] != limit:
            self._capped_from = (items, limit)
            self._capped = cap_repeats(items, limit) if _crowded(items, limit) else items
        return self._capped


def _crowded(items: Iterable[Diagnostic], limit: int) -> bool:
    """Whether some file has more than ``limit`` diagnostics of one code."""
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.file, item.code)
        total = seen.get(key, 0) + 1
        if total > limit:
            return True
        seen[key] = total
    return False
