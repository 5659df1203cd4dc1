"""Pagefind indexing from memory, behind one synchronous call."""

from __future__ import annotations

import asyncio
import json

from generator.search import build_search_index

PAGE = ('<!doctype html><html lang="en"><head><title>{t}</title></head><body>'
        '<main data-pagefind-body><h1 data-pagefind-meta="title">{t}</h1><p>{body}</p></main>'
        "</body></html>")


def test_build_search_index_returns_pagefind_bundle_under_pagefind() -> None:
    files = build_search_index({
        "a/index.html": PAGE.format(t="Alpha", body="zebra crossing"),
        "b/index.html": PAGE.format(t="Beta", body="other words"),
    })
    assert "pagefind/pagefind.js" in files
    assert "pagefind/pagefind-entry.json" in files
    assert sum(name.startswith("pagefind/fragment/") for name in files) == 2
    assert all(isinstance(data, bytes) and data for data in files.values())


def test_build_search_index_inside_running_event_loop_still_works() -> None:
    async def from_async_code() -> dict[str, bytes]:
        return build_search_index({"a/index.html": PAGE.format(t="Alpha", body="words")})

    assert "pagefind/pagefind.js" in asyncio.run(from_async_code())


def test_build_search_index_shards_are_listed_for_the_search_script() -> None:
    pages = {f"p{i}/index.html": PAGE.format(t=f"Page {i}", body=f"word{i}") for i in range(4)}
    files = build_search_index(pages, shards=2)
    assert json.loads(files["pagefind/shards.json"]) == ["shard-2/"]
    assert "pagefind/shard-2/pagefind-entry.json" in files
    assert sum(name.startswith("pagefind/fragment/") for name in files) == 2
    assert sum(name.startswith("pagefind/shard-2/fragment/") for name in files) == 2


def test_build_search_index_small_site_is_one_bundle() -> None:
    files = build_search_index({"a/index.html": PAGE.format(t="Alpha", body="words")})
    assert json.loads(files["pagefind/shards.json"]) == []
    assert not any(name.startswith("pagefind/shard-") for name in files)
