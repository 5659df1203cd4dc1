"""Link resolution with Obsidian's semantics, made deterministic (DESIGN "Link resolution")."""

from __future__ import annotations

import difflib
import posixpath
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

NOTE_EXT = ".md"


def link_key(text: str) -> str:
    """How link targets are compared: trimmed, NFC, case-insensitive."""
    return unicodedata.normalize("NFC", text.strip()).casefold()


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one target: a vault path, or why not."""

    path: str | None
    candidates: tuple[str, ...] = ()  # set when several files matched (ambiguous)
    problem: str | None = None  # "outside", "unpublished", "missing"
    suggestion: str | None = None


@dataclass
class LinkIndex:
    """Lookups over the published notes and the attachments of one vault."""

    notes: list[str]
    attachments: list[str]
    aliases: dict[str, list[str]] = field(default_factory=dict)  # note path -> aliases
    unpublished: list[str] = field(default_factory=list)

    COMMON_TRIGRAM = 300

    def __post_init__(self) -> None:
        self._exact: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._alias: dict[str, list[str]] = defaultdict(list)
        self._unpublished: dict[str, str] = {}
        for path in self.notes:
            key = link_key(path[: -len(NOTE_EXT)] if path.lower().endswith(NOTE_EXT) else path)
            self._exact.setdefault(key, path)
            self._by_name[key.rsplit("/", 1)[-1]].append(path)
        for path in self.attachments:
            key = link_key(path)
            self._exact.setdefault(key, path)
            self._by_name[key.rsplit("/", 1)[-1]].append(path)
        for path, names in self.aliases.items():
            for name in names:
                self._alias[link_key(name)].append(path)
        for path in self.unpublished:
            stem = path[: -len(NOTE_EXT)] if path.lower().endswith(NOTE_EXT) else path
            self._unpublished[link_key(stem)] = path
            self._unpublished.setdefault(link_key(stem).rsplit("/", 1)[-1], path)
        self._suffix_keys = sorted(self._exact)
        self._memo: dict[tuple[str, str, bool], Resolution] = {}
        self._suggestions: dict[str, str | None] = {}
        self._trigrams: dict[str, list[str]] = defaultdict(list)
        for name in {*self._by_name, *self._alias}:
            for gram in _trigrams(name):
                self._trigrams[gram].append(name)

    def __getstate__(self) -> dict[str, object]:
        # The lookup tables are quicker to build again than to send to another process.
        return {k: getattr(self, k) for k in ("notes", "attachments", "aliases", "unpublished")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def resolve(
        self, target: str, source: str, *, relative: bool = False, suggest: bool = False
    ) -> Resolution:
        """Resolve ``target`` written in note ``source`` (vault paths, POSIX).

        ``suggest`` adds a "did you mean" for unresolved targets (slower; for diagnostics).
        """
        if not target.strip():
            return Resolution(source)  # [[#Heading]]: the note itself (not memoised by folder)
        memo_key = (target, posixpath.dirname(source), relative)
        found = self._memo.get(memo_key)
        if found is None:
            found = self._resolve(target, source, relative)
            self._memo[memo_key] = found
        if found.path is None and found.problem == "missing" and suggest:
            key = link_key(target)
            if key not in self._suggestions:
                self._suggestions[key] = self._suggest(target)
            return Resolution(None, problem="missing", suggestion=self._suggestions[key])
        return found

    def _resolve(self, target: str, source: str, relative: bool) -> Resolution:
        target = unicodedata.normalize("NFC", target.strip())
        if not target:
            return Resolution(source)
        if relative and target.startswith("/"):
            target = target.lstrip("/")  # vault-absolute markdown link
            relative = False
            if not target:
                return Resolution(None, problem="missing")
        if relative:
            # Markdown links are relative to the linking note's folder first.
            folder = posixpath.dirname(source)
            joined = posixpath.normpath(posixpath.join(folder, target))
            if joined.startswith("../") or joined == "..":
                return Resolution(None, problem="outside")
            found = self._lookup(joined, source)
            if found.path is not None:
                return found
        if target.startswith("/") or ".." in PurePosixPath(target).parts:
            return Resolution(None, problem="outside")
        return self._lookup(target, source)

    def _lookup(self, target: str, source: str) -> Resolution:
        key = link_key(target)
        bare = key[: -len(NOTE_EXT)] if key.endswith(NOTE_EXT) else key
        keys = (key, bare) if bare != key else (key,)
        # 2. exact vault path
        for candidate in keys:
            if candidate in self._exact:
                return Resolution(self._exact[candidate])
        # 3. path suffix on segment boundaries
        if "/" in key:
            for candidate in keys:
                matches = [self._exact[k] for k in self._suffix_keys if k.endswith("/" + candidate)]
                if matches:
                    return self._pick(matches, source)
            return self._missing(bare)
        # 4. file name (notes by stem, attachments by full name), then 5. aliases
        for table in (self._by_name, self._alias):
            for candidate in keys:
                if candidate in table:
                    return self._pick(table[candidate], source)
        return self._missing(bare)

    def _pick(self, matches: list[str], source: str) -> Resolution:
        unique = sorted(set(matches))
        if len(unique) == 1:
            return Resolution(unique[0])
        folder = posixpath.dirname(source)
        ranked = sorted(
            unique,
            key=lambda p: (posixpath.dirname(p) != folder, p.count("/"), p.casefold(), p),
        )
        return Resolution(ranked[0], candidates=tuple(ranked))

    def _missing(self, key: str) -> Resolution:
        if key in self._unpublished:
            return Resolution(None, problem="unpublished")
        return Resolution(None, problem="missing")

    def _suggest(self, target: str) -> str | None:
        """The closest note name or alias, when one is close enough to be a typo."""
        key = link_key(target).rsplit("/", 1)[-1]
        # Only names sharing the most trigrams with the target are worth difflib's time.
        shared: Counter[str] = Counter()
        for gram in _trigrams(key):
            names = self._trigrams.get(gram, ())
            if len(names) <= self.COMMON_TRIGRAM:  # common trigrams tell names apart poorly
                shared.update(names)
        names = [name for name, _ in shared.most_common(12)]
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
        if not close:
            return None
        if close[0] in self._alias and close[0] not in self._by_name:
            return close[0]
        paths = self._by_name.get(close[0]) or []
        return _display_name(sorted(paths)[0]) if paths else None


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _display_name(path: str) -> str:
    name = PurePosixPath(path).name
    return name[: -len(NOTE_EXT)] if name.lower().endswith(NOTE_EXT) else name
