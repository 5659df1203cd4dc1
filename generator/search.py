"""Search: a Pagefind index built from the rendered pages in memory, behind one sync call."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import re
from collections import deque
from collections.abc import Iterable, Mapping, MutableMapping
from importlib.metadata import version
from typing import Any

from pagefind.index import IndexConfig, PagefindIndex
from pagefind.service import PagefindService

from generator.errors import CoursegenError
from generator.workers import default_workers

SEARCH_DIR = "pagefind/"
SHARD_FROM_PAGES = 500  # below this one Pagefind service is quick enough
# Past that, a shard per this many pages, up to _MAX_SHARDS: on two cores four services
# indexed 1,250 pages 10-20% sooner than two (each ends with a long single-threaded
# compression, and smaller ones overlap better). An edit indexes its page's shard again,
# about 2 ms a page: at 1,000 pages, shards of 333 took 0.67 s, of 100 0.23 s. Each shard
# is one more bundle (70 KB of WebAssembly) for the browser to load on the first search,
# hence the cap.
_PAGES_PER_SHARD = 150
_MAX_SHARDS = 8
# A service holds about 80 KiB per page it indexes (some 200 MiB for 2,500 pages): past this
# many pages, services run one core short of all at once, leaving that core to the pages being
# rendered beside them (which the cores are busy with either way), so a big site's index
# does not hold every shard in memory at the same time.
_FEWER_AT_ONCE_FROM = 3000
# Pagefind's replies for a big site (get_files carries the whole index) exceed asyncio's
# default 64 KiB stream limit by far; its own 2 MiB is not enough past a few hundred pages.
_STREAM_LIMIT = 2**28
# Encoded bytes of pages written to one service ahead of its replies. The service reads the
# next page while it indexes one, so a little slack keeps it busy; sending everything up
# front would park the whole site, base64-encoded, in pipe buffers on both sides.
_IN_FLIGHT_BYTES = 1 << 20

# Inline elements Pagefind only reads the text of: dropping their tags (not their text)
# leaves the words, their positions and every excerpt as they were, and spares Pagefind's
# parser a node per link, highlighted token and code span. Tags and attributes are read as the
# renderer writes them (lower case, ` id="…"`); other spellings are only left for Pagefind.
_INLINE = "a|span|code|mark|em|strong|abbr|b|cite|del|dfn|i|ins|kbd|q|s|samp|small|sub|sup|u|var"
# A tag's attributes, if any: quoted values may hold ">".
_ATTRIBUTES = r"""(?:\s[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+)?"""
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE}){_ATTRIBUTES}>")
_INLINE_TAG_PARTS = re.compile(rf"<(/?)({_INLINE})({_ATTRIBUTES})>")
_INLINE_NAME = re.compile(rf"(?:{_INLINE})[\s/>]")
# What Pagefind acts on in an element: an id (an anchor for sub-results) and data-pagefind-*.
_MEANINGFUL = (" id=", "data-pagefind-")
_CONFIG: IndexConfig = {"force_language": "en"}
_PAGEFIND_VERSION = version("pagefind")


class SearchIndexError(CoursegenError):
    """Pagefind failed or stopped while indexing."""


def lighten(html: str) -> str:
    """``html`` without the tags of inline elements that carry nothing Pagefind reads.

    Their text stays, so the words, excerpts and headings Pagefind indexes are the same (an
    anchor's text even gains the words Pagefind skips inside ``<mark>``); inline elements with
    an ``id`` or a ``data-pagefind-*`` attribute keep their tags, with the matching end tag.
    Search documents go through this: Pagefind then spends about a third less time parsing
    a page full of links and highlighted code.
    """
    if not _keeps_inline_tags(html):
        return _INLINE_TAG.sub("", html)
    open_tags: list[tuple[str, bool]] = []  # (name, kept) of the inline elements still open

    def replace(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        if not closing:
            kept = any(needle in attributes for needle in _MEANINGFUL)
            open_tags.append((name, kept))
            return match.group(0) if kept else ""
        for depth in range(len(open_tags) - 1, -1, -1):
            if open_tags[depth][0] == name:
                return match.group(0) if open_tags.pop(depth)[1] else ""
        return match.group(0)  # an end tag with no start: leave the markup as it was

    return _INLINE_TAG_PARTS.sub(replace, html)


def _keeps_inline_tags(html: str) -> bool:
    """Whether an inline element in ``html`` may have an attribute Pagefind acts on."""
    for needle in _MEANINGFUL:
        found = html.find(needle)
        while found >= 0:
            start = html.rfind("<", 0, found)
            if start >= 0 and _INLINE_NAME.match(html, start + 1):
                return True
            found = html.find(needle, found + len(needle))
    return False


class _PromptService(PagefindService):
    """Pagefind's service client, reading replies as they arrive and adding pages in a stream.

    The stock client sleeps 0.1 s before reading each reply, which makes one file per
    request cost 0.1 s: two minutes for a thousand pages. This reader waits on the pipe only.
    """

    _failure: str | None = None  # why the service stopped answering, once it has

    async def launch(self) -> PagefindService:
        self._backend = await asyncio.create_subprocess_exec(
            self._bin,
            "--service",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=_STREAM_LIMIT,
        )
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    async def add_pages(self, index_id: int, pages: Iterable[tuple[str, str]]) -> None:
        """Add ``(output path, HTML)`` pages, keeping about ``_IN_FLIGHT_BYTES`` unanswered.

        Requests are encoded here rather than through ``PagefindIndex.add_html_file``, whose
        client formats every request (the whole page) into debug log messages.
        """
        waiting: deque[tuple[asyncio.Future[Any], int]] = deque()
        try:
            await self._stream(index_id, pages, waiting)
        finally:
            for future, _ in waiting:  # after a failure: no "exception never retrieved" noise
                if not future.done():
                    future.cancel()
                elif not future.cancelled():
                    future.exception()

    async def _stream(
        self,
        index_id: int,
        pages: Iterable[tuple[str, str]],
        waiting: deque[tuple[asyncio.Future[Any], int]],
    ) -> None:
        stdin = self._backend.stdin
        assert stdin is not None
        in_flight = 0
        for path, html in pages:
            self._check_alive()
            self._message_id += 1
            request = {
                "message_id": self._message_id,
                "payload": {
                    "type": "AddFile",
                    "index_id": index_id,
                    "file_path": path,
                    "file_contents": html,
                },
            }
            data = base64.b64encode(json.dumps(request).encode("utf-8")) + b","
            future: asyncio.Future[Any] = self._loop.create_future()
            self._responses[self._message_id] = future
            waiting.append((future, len(data)))
            in_flight += len(data)
            try:
                stdin.write(data)
                await stdin.drain()
            except ConnectionError as exc:  # the service is gone; its reader says why
                await asyncio.wait([self._poll_task], timeout=1)
                raise SearchIndexError(self._failure or f"pagefind stopped: {exc}") from exc
            while in_flight > _IN_FLIGHT_BYTES and len(waiting) > 1:
                await waiting[0][0]
                in_flight -= waiting.popleft()[1]
        while waiting:
            await waiting[0][0]
            waiting.popleft()

    async def send(self, payload: Any) -> Any:
        self._check_alive()  # a request to a stopped service would wait for ever
        return await super().send(payload)

    def _check_alive(self) -> None:
        if self._failure is not None:
            raise SearchIndexError(self._failure)

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        while True:
            try:
                output = await self._backend.stdout.readuntil(b",")
            except asyncio.IncompleteReadError as exc:
                self._fail_all(f"pagefind stopped: {exc.partial[-500:]!r}")
                return
            decoded = base64.b64decode(memoryview(output)[:-1])
            del output  # the index's files arrive in one reply: hold one copy at a time
            reply: Any = json.loads(decoded)
            del decoded
            if reply is None:
                continue
            message_id = reply.get("message_id")
            payload = reply.get("payload", {})
            if message_id is None and payload.get("original_message"):
                message_id = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.pop(message_id, None) if message_id is not None else None
            if future is None or future.done():
                continue
            if payload.get("type") == "Error":
                future.set_exception(SearchIndexError(f"pagefind: {payload.get('message')}"))
            else:
                future.set_result(payload)

    def _fail_all(self, message: str) -> None:
        self._failure = message
        for future in self._responses.values():
            if not future.done():
                future.set_exception(SearchIndexError(message))


# Pagefind's files for one shard, by the digest of the pages it indexed (see shard_key).
ShardCache = MutableMapping[str, dict[str, bytes]]


def build_search_index(
    pages: Mapping[str, bytes | str],
    *,
    shards: int | None = None,
    reuse: ShardCache | None = None,
) -> dict[str, bytes]:
    """Index ``{output path: HTML}`` and return Pagefind's files under ``pagefind/``.

    Only pages that mark their content with ``data-pagefind-body`` are indexed. Pagefind's
    service takes files one at a time on one core, so big sites are split into shards indexed
    side by side; the search script merges them (``pagefind/shards.json`` lists the extra ones).
    A page's shard follows from its path alone, so an edit changes one shard: with ``reuse``
    (the shards of an earlier index), a shard whose pages are all unchanged is taken from it
    rather than indexed again, and ``reuse`` is refilled with this index's shards.
    """
    count = shards if shards is not None else shard_count(len(pages))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_index(pages, max(1, count), reuse))
    # Called from async code (the dev server): index on a private loop in a worker thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _index(pages, max(1, count), reuse)).result()


def shard_count(pages: int) -> int:
    """How many Pagefind services index a site of ``pages`` pages side by side."""
    if pages < SHARD_FROM_PAGES:
        return 1
    return min(_MAX_SHARDS, max(2, pages // _PAGES_PER_SHARD))


def shard_groups(paths: Iterable[str], shards: int) -> list[list[str]]:
    """``paths`` (sorted) dealt into ``shards`` groups by a hash of each path, so adding or
    removing a page leaves every other page in its shard. A tiny site whose hashes would leave
    a shard empty is dealt round-robin instead (Pagefind needs a page per index)."""
    ordered = sorted(paths)
    groups: list[list[str]] = [[] for _ in range(shards)]
    for path in ordered:
        digest = hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()
        groups[int.from_bytes(digest, "big") % shards].append(path)
    if shards > 1 and not all(groups):
        groups = [ordered[i::shards] for i in range(shards)]
    return groups


def shard_key(pages: Mapping[str, bytes | str], paths: list[str]) -> str:
    """What one shard's index is made from: its pages, Pagefind's version and our settings."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_PAGEFIND_VERSION}\0{_CONFIG}\0".encode())
    for path in paths:
        page = pages[path]
        digest.update(path.encode("utf-8") + b"\0")
        digest.update(page.encode("utf-8") if isinstance(page, str) else page)
        digest.update(b"\0")
    return digest.hexdigest()


async def _index(
    pages: Mapping[str, bytes | str], shards: int, reuse: ShardCache | None
) -> dict[str, bytes]:
    groups = shard_groups(pages, shards)
    keys = [shard_key(pages, group) for group in groups]
    known = dict(reuse) if reuse is not None else {}  # a copy: the dev loop shares reuse
    todo = [number for number, key in enumerate(keys) if key not in known]
    big = len(pages) >= _FEWER_AT_ONCE_FROM
    at_once = asyncio.Semaphore(max(1, default_workers() - 1) if big else max(1, len(todo)))

    async def index(number: int) -> dict[str, bytes]:
        async with at_once:
            return await _index_group(pages, groups[number])

    made = await asyncio.gather(*(index(number) for number in todo))
    bundles = {key: known[key] for key in keys if key in known}
    bundles.update((keys[number], bundle) for number, bundle in zip(todo, made, strict=True))
    if reuse is not None:
        reuse.clear()
        reuse.update(bundles)
    files: dict[str, bytes] = {}
    extra: list[str] = []
    for number, key in enumerate(keys, start=1):
        folder = SEARCH_DIR if number == 1 else f"{SEARCH_DIR}shard-{number}/"
        if number > 1:
            extra.append(folder.removeprefix(SEARCH_DIR))
        files.update({folder + path: data for path, data in bundles[key].items()})
    files[SEARCH_DIR + "shards.json"] = json.dumps(extra).encode("utf-8")
    return files


async def _index_group(pages: Mapping[str, bytes | str], paths: list[str]) -> dict[str, bytes]:
    service = _PromptService()
    await service.launch()
    try:
        index: PagefindIndex = await service.create_index(_CONFIG.copy())
        assert index._index_id is not None
        await service.add_pages(index._index_id, ((path, _text(pages[path])) for path in paths))
        files = await index.get_files()
    finally:
        await _close(service)
    return {file["path"]: file["content"] for file in files}


def _text(html: bytes | str) -> str:
    return html if isinstance(html, str) else html.decode("utf-8")


async def _close(service: PagefindService) -> None:
    service._poll_task.cancel()
    if service._backend.stdin is not None:
        service._backend.stdin.close()
    if service._backend.returncode is None:
        service._backend.terminate()
    await service._backend.wait()
