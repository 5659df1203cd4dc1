"""Stage 2, parse: markdown to tokens plus per-note facts, cached by content hash."""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.diagnostics import Diagnostic, error
from generator.fences import PANELS, fence_kind
from generator.frontmatter import read_frontmatter
from generator.markdown.wikilinks import split_link
from generator.model import Heading, SourceFile
from generator.version import CODE_VERSION
from generator.write import write_pickle

CACHE_FORMAT = 6
# A note's body HTML, its diagnostics and the attachments it links to or shows.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class LinkFact:
    """A link, embed or image as written in a note, before resolution."""

    raw: str
    target: str
    fragment: str
    alias: str | None
    line: int
    embed: bool
    kind: str  # "wiki", "markdown" (a [text](path) link), "image", "frontmatter"
    in_list: bool = False
    context: str = ""
    options: str | None = None


@dataclass
class ParsedNote:
    """Everything about one note that depends only on its own text."""

    digest: str
    tokens: list[Token]
    frontmatter: dict[str, Any]
    headings: list[Heading]
    heading_tokens: list[int]  # index in ``tokens`` of each heading_open, parallel to headings
    links: list[LinkFact]
    tags: list[tuple[str, int]]
    block_ids: dict[str, int]  # "^id" without the caret -> index of the block's opening token
    text: str  # plain text of the body
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the normalised note text, to parse again when tokens were not cached
    special: bool = False  # has tryit/exercise/include fences, whose output reads other files
    panels: bool = False  # has tryit/exercise fences, checked against the API's schema

    def __post_init__(self) -> None:
        if not self.tokens and self.source:
            self.tokens = LazyTokens(self.source)


class LazyTokens(list[Token]):
    """Tokens left out of the on-disk cache, parsed again on first use."""

    def __init__(self, source: str, on_load: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._source = source
        self._loaded = False
        self._on_load = on_load  # told once the tokens are made (not kept when pickled)

    def __reduce__(self) -> tuple[type[LazyTokens], tuple[str]]:
        return (LazyTokens, (self._source,))

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.extend(markdown().parse(self._source, {"path": ""}))
            if self._on_load is not None:
                self._on_load()

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        self._load()
        return super().__getitem__(index)

    def __bool__(self) -> bool:
        return not self._loaded or super().__len__() > 0


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data + CODE_VERSION.encode(), digest_size=16).hexdigest()


_MD: MarkdownIt | None = None


def markdown() -> MarkdownIt:
    """The process's one MarkdownIt, built by the factory on first use."""
    global _MD
    if _MD is None:
        from generator.markdown.factory import create_markdown

        _MD = create_markdown()
    return _MD


def parse_note(path: str, data: bytes) -> ParsedNote:
    """Parse one note. Never raises for bad content: problems become diagnostics."""
    digest = content_digest(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = error(
            path,
            line,
            "note.encoding",
            f"note is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8 in your editor",
        )
        parsed = _parse_text(path, digest, note_text(data))
        parsed.diagnostics.insert(0, problem)
        return parsed
    return _parse_text(path, digest, _normalised(text))


def note_text(data: bytes) -> str:
    """A note's text as the parser reads it: UTF-8 (bad bytes replaced), no BOM, ``\\n`` lines."""
    return _normalised(data.decode("utf-8", errors="replace"))


def _normalised(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse_text(path: str, digest: str, text: str) -> ParsedNote:
    fm = read_frontmatter(path, text)
    env: dict[str, Any] = {"path": path}
    try:
        tokens = markdown().parse(text, env)
    except RecursionError:
        tokens = []
        fm.diagnostics.append(
            error(
                path,
                1,
                "note.too-deep",
                "note is nested too deeply to parse",
                "flatten the deepest lists or quotes",
            )
        )
    parsed = ParsedNote(
        digest=digest,
        tokens=tokens,
        frontmatter=fm.data,
        headings=[],
        heading_tokens=[],
        links=[],
        tags=[],
        block_ids={},
        text="",
        diagnostics=list(fm.diagnostics),
        source=text,
    )
    for inner, line in fm.links:
        target, fragment, alias = split_link(inner)  # the wikilink plugin's own rules
        parsed.links.append(
            LinkFact(f"[[{inner}]]", target, fragment, alias, line, False, "frontmatter")
        )
    _collect_facts(parsed)
    return parsed


def _collect_facts(parsed: ParsedNote) -> None:
    list_depth = 0
    text_parts: list[str] = []
    tokens = parsed.tokens
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            list_depth += 1
        elif token.type == "list_item_close":
            list_depth -= 1
        block_id = token.meta.get("block_id") if token.meta else None
        if block_id:
            parsed.block_ids.setdefault(str(block_id).lstrip("^"), index)
        if token.type == "heading_open":
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            heading_text = _plain_inline(inline) if inline is not None else ""
            heading_id = str(token.attrs.get("id") or token.meta.get("heading_id") or "")
            line = (token.map[0] + 1) if token.map else 0
            parsed.headings.append(Heading(int(token.tag[1]), heading_text, heading_id, line))
            parsed.heading_tokens.append(index)
        elif token.type == "inline":
            base_line = (token.map[0] + 1) if token.map else 0
            plain = _plain_inline(token)
            text_parts.append(plain)
            _inline_facts(parsed, token, base_line, list_depth > 0, plain)
        elif token.type in ("fence", "code_block"):
            text_parts.append(token.content)
            kind = fence_kind(token.info, token.content) if token.type == "fence" else None
            if kind is not None:
                parsed.special = True
                parsed.panels = parsed.panels or kind in PANELS
    parsed.text = "\n".join(part for part in text_parts if part)


_FACT_TYPES = frozenset({"wikilink", "embed", "tag", "link_open", "image"})


def _inline_facts(
    parsed: ParsedNote, inline: Token, base_line: int, in_list: bool, plain: str
) -> None:
    context: _SentenceFinder | None = None
    for child in inline.children or ():
        if child.type not in _FACT_TYPES:
            continue
        meta = child.meta or {}
        line = base_line + int(meta.get("line_offset", 0))
        if context is None:
            context = _SentenceFinder(plain)
        if child.type in ("wikilink", "embed"):
            embed = child.type == "embed"
            parsed.links.append(
                LinkFact(
                    raw=str(meta.get("raw", "")),
                    target=str(meta.get("target", "")).strip(),
                    fragment=str(meta.get("fragment", "")).strip(),
                    alias=meta.get("alias"),
                    line=line,
                    embed=embed,
                    kind="wiki",
                    in_list=in_list,
                    context=context.around(str(meta.get("alias") or meta.get("target"))),
                    options=meta.get("options"),
                )
            )
        elif child.type == "tag":
            parsed.tags.append((str(meta.get("tag", "")), line))
        elif child.type in ("link_open", "image"):
            attr = "href" if child.type == "link_open" else "src"
            href = str(child.attrs.get(attr, ""))
            if is_local(href):
                target, fragment = _split_href(href)
                parsed.links.append(
                    LinkFact(
                        raw=href,
                        target=target,
                        fragment=fragment,
                        alias=None,
                        line=line,
                        embed=child.type == "image",
                        kind="image" if child.type == "image" else "markdown",
                        in_list=in_list,
                        context=context.around(child.content or target),
                    )
                )


def is_local(href: str) -> bool:
    """A link into the vault: relative, or vault-absolute ("/folder/Note.md"), not a URL."""
    if not href or href.startswith(("#", "//", "mailto:", "tel:", "data:", "obsidian:")):
        return False
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) is None


def _split_href(href: str) -> tuple[str, str]:
    from urllib.parse import unquote

    path, _, fragment = href.partition("#")
    return unquote(path).strip(), unquote(fragment).strip()


def _plain_inline(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            meta = child.meta or {}
            parts.append(str(meta.get("alias") or meta.get("target") or ""))
        elif child.type == "tag":
            parts.append("#" + str((child.meta or {}).get("tag", "")))
    return "".join(parts).strip()


class _SentenceFinder:
    """The sentence of a paragraph that mentions a link, split and clipped once per paragraph."""

    def __init__(self, plain: str) -> None:
        self.plain = plain
        self._sentences: list[str] | None = None
        self._found: dict[str, str] = {}

    def around(self, needle: str) -> str:
        if needle in self._found:
            return self._found[needle]
        if self._sentences is None:
            self._sentences = _SENTENCE_END.split(self.plain)
        found = next((s for s in self._sentences if needle and needle in s), self.plain)
        self._found[needle] = _clip(found)
        return self._found[needle]


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text[: limit * 4].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ParseCache:
    """Parsed notes by content digest, kept in one pickle per vault between builds (the
    rest of what a build reuses is the engine's state, :mod:`generator.engine.state`).

    Each note is kept pickled on its own: a build after one edit saves the store again
    without pickling the thousand notes it did not parse (90 ms of a 1,000-note build).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, ParsedNote] = {}
        self._pickled: dict[str, bytes] = {}  # as read from the store, unpickled when asked
        self.dirty = False
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored.get("format") == CACHE_FORMAT and stored.get("version") == CODE_VERSION:
                    self._pickled = stored["entries"]
            except Exception:  # a corrupt or foreign cache is only a slower build
                self._pickled = {}

    def get(self, digest: str) -> ParsedNote | None:
        found = self.entries.get(digest)
        if found is None and digest in self._pickled:
            try:
                found = pickle.loads(self._pickled[digest])
            except Exception:  # a damaged entry is parsed again
                del self._pickled[digest]
                return None
            self.entries[digest] = found
        return found

    def put(self, parsed: ParsedNote) -> None:
        self.entries[parsed.digest] = parsed
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if self.path is None:
            return
        if not self.dirty and keep == set(self._pickled):
            return
        # Tokens are large and quick to remake; the cache keeps facts and source.
        entries = {
            digest: self._pickled.get(digest) or pickle.dumps(
                replace(self.entries[digest], tokens=[]), protocol=pickle.HIGHEST_PROTOCOL)
            for digest in sorted(keep)
            if digest in self._pickled or digest in self.entries
        }
        stored = {"format": CACHE_FORMAT, "version": CODE_VERSION, "entries": entries}
        try:
            write_pickle(self.path, stored)
        except OSError as exc:  # the cache only saves time: the build itself is fine
            print(
                f"warning: cannot save the build cache in '{self.path.parent}': {exc.strerror}; "
                "the next build will parse every note again (remove or rename what is in "
                "the way)",
                file=sys.stderr,
            )
            return
        self._pickled = entries
        self.entries = {d: p for d, p in self.entries.items() if d in keep}
        self.dirty = False


def parse_notes(
    notes: list[SourceFile],
    cache: ParseCache,
    *,
    parse_many: Callable[[list[SourceFile]], list[ParsedNote]] | None = None,
) -> dict[str, ParsedNote]:
    """Parse every note, from the cache when its content is unchanged.

    ``parse_many`` parses the rest elsewhere (:class:`generator.workers.NoteWorkers` on
    every core); without it they are parsed here, one after another.
    """
    result: dict[str, ParsedNote] = {}
    todo: list[SourceFile] = []
    for note in notes:
        cached = cache.get(content_digest(note.data))
        if cached is not None:
            result[note.path] = _with_path(cached, note.path)
        else:
            todo.append(note)
    if parse_many is not None and todo:
        parsed_list = parse_many(todo)
    else:
        parsed_list = [parse_note(n.path, n.data) for n in todo]
    for note, parsed in zip(todo, parsed_list, strict=True):
        cache.put(parsed)
        result[note.path] = parsed
    return result


def _with_path(parsed: ParsedNote, path: str) -> ParsedNote:
    """Cached diagnostics name the file they were parsed as; rename them for this path."""
    if not parsed.diagnostics or all(d.file == path for d in parsed.diagnostics):
        return parsed
    return replace(parsed, diagnostics=[replace(d, file=path) for d in parsed.diagnostics])
