"""Search: a Pagefind index built from the rendered pages in memory, behind one sync call."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
from collections.abc import Mapping
from typing import Any

from pagefind.index import IndexConfig, PagefindIndex
from pagefind.service import PagefindService

from generator.errors import CoursegenError

SEARCH_DIR = "pagefind/"
SHARD_FROM_PAGES = 500  # below this one Pagefind service is quick enough
# Pagefind's replies for a big site (get_files carries the whole index) exceed asyncio's
# default 64 KiB stream limit by far; its own 2 MiB is not enough past a few hundred pages.
_STREAM_LIMIT = 2**28


class SearchIndexError(CoursegenError):
    """Pagefind failed or stopped while indexing."""


class _PromptService(PagefindService):
    """Pagefind's service client, reading replies as they arrive.

    The stock client sleeps 0.1 s before reading each reply, which makes one file per
    request cost 0.1 s: two minutes for a thousand pages. This reader waits on the pipe only.
    """

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

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        while True:
            try:
                output = await self._backend.stdout.readuntil(b",")
            except asyncio.IncompleteReadError as exc:
                self._fail_all(f"pagefind stopped: {exc.partial[-500:]!r}")
                return
            reply: Any = json.loads(base64.b64decode(output[:-1]))
            if reply is None:
                continue
            message_id = reply.get("message_id")
            payload = reply.get("payload", {})
            if message_id is None and payload.get("original_message"):
                message_id = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.get(message_id) if message_id is not None else None
            if future is None or future.done():
                continue
            if payload.get("type") == "Error":
                future.set_exception(SearchIndexError(f"pagefind: {payload.get('message')}"))
            else:
                future.set_result(payload)

    def _fail_all(self, message: str) -> None:
        for future in self._responses.values():
            if not future.done():
                future.set_exception(SearchIndexError(message))


def build_search_index(
    pages: Mapping[str, bytes | str], *, shards: int | None = None
) -> dict[str, bytes]:
    """Index ``{output path: HTML}`` and return Pagefind's files under ``pagefind/``.

    Only pages that mark their content with ``data-pagefind-body`` are indexed. Pagefind's
    service takes files one at a time on one core, so big sites are split into shards indexed
    side by side; the search script merges them (``pagefind/shards.json`` lists the extra ones).
    """
    count = shards if shards is not None else (2 if len(pages) >= SHARD_FROM_PAGES else 1)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_index(pages, max(1, count)))
    # Called from async code (the dev server): index on a private loop in a worker thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _index(pages, max(1, count))).result()


async def _index(pages: Mapping[str, bytes | str], shards: int) -> dict[str, bytes]:
    items = sorted(pages.items())
    groups = [items[i::shards] for i in range(shards)]
    bundles = await asyncio.gather(*(_index_group(group) for group in groups))
    files: dict[str, bytes] = {}
    extra: list[str] = []
    for number, bundle in enumerate(bundles, start=1):
        folder = SEARCH_DIR if number == 1 else f"{SEARCH_DIR}shard-{number}/"
        if number > 1:
            extra.append(folder.removeprefix(SEARCH_DIR))
        files.update({folder + path: data for path, data in bundle.items()})
    files[SEARCH_DIR + "shards.json"] = json.dumps(extra).encode("utf-8")
    return files


async def _index_group(pages: list[tuple[str, bytes | str]]) -> dict[str, bytes]:
    service = _PromptService()
    await service.launch()
    try:
        config: IndexConfig = {"force_language": "en"}
        index: PagefindIndex = await service.create_index(config)
        # Send every page before awaiting any reply: the service works while we write.
        await asyncio.gather(
            *(
                index.add_html_file(
                    content=html if isinstance(html, str) else html.decode("utf-8"),
                    source_path=path,
                )
                for path, html in pages
            )
        )
        files = await index.get_files()
    finally:
        await _close(service)
    return {file["path"]: file["content"] for file in files}


async def _close(service: PagefindService) -> None:
    service._poll_task.cancel()
    if service._backend.stdin is not None:
        service._backend.stdin.close()
    if service._backend.returncode is None:
        service._backend.terminate()
    await service._backend.wait()
