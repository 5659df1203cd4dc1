"""Pagefind indexing from memory, behind one synchronous call."""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from generator import search
from generator.search import (
    SearchIndexError,
    build_search_index,
    lighten,
    shard_count,
    shard_groups,
)

PAGE = (
    '<!doctype html><html lang="en"><head><title>{t}</title></head><body>'
    '<main data-pagefind-body><h1 data-pagefind-meta="title">{t}</h1><p>{body}</p></main>'
    "</body></html>"
)

# A rendered note body as the build writes it: links, a tag, a code span, a highlight, a
# heading with inline code, Pygments output and a footnote reference with an id.
RENDERED = (
    '<!doctype html><html lang="en"><head><title>Routing</title></head><body>'
    '<main data-pagefind-body><h1 data-pagefind-meta="title">Routing</h1>'
    '<p>Read <a class="internal" href="../setup/" data-target="setup">the setup note</a> and '
    '<a class="tag" href="../tags/api/">#api</a> before <code>app.get()</code>, '
    "<mark>carefully</mark>.</p>"
    '<h2 id="path-parameters">Path <code>{city}</code> parameters</h2>'
    '<p>Each <em>segment</em> is a <strong>parameter</strong><sup class="footnote-ref">'
    '<a href="#fn1" id="fnref1">[1]</a></sup>.</p>'
    '<pre class="highlight"><code class="language-python"><span class="nd">@app</span>'
    '<span class="o">.</span><span class="n">get</span><span class="p">(</span>'
    '<span class="s2">"/weather/</span><span class="si">{city}</span><span class="s2">"'
    '</span><span class="p">)</span>\n</code></pre>'
    '<ul><li id="^step">First <mark>install</mark> uvicorn</li></ul>'
    "</main></body></html>"
)


def fragments(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """Pagefind's per-page records (url, content, anchors), keyed by URL."""
    found = {}
    for name, data in files.items():
        if "/fragment/" in name:
            record = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
            found[record["url"]] = record
    return found


def test_build_search_index_returns_pagefind_bundle_under_pagefind() -> None:
    files = build_search_index(
        {
            "a/index.html": PAGE.format(t="Alpha", body="zebra crossing"),
            "b/index.html": PAGE.format(t="Beta", body="other words"),
        }
    )
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
    first, second = shard_groups(pages, 2)
    assert sum(name.startswith("pagefind/fragment/") for name in files) == len(first)
    assert sum(name.startswith("pagefind/shard-2/fragment/") for name in files) == len(second)
    assert len(first) + len(second) == 4


def test_build_search_index_small_site_is_one_bundle() -> None:
    files = build_search_index({"a/index.html": PAGE.format(t="Alpha", body="words")})
    assert json.loads(files["pagefind/shards.json"]) == []
    assert not any(name.startswith("pagefind/shard-") for name in files)


def test_a_new_page_leaves_every_other_page_in_its_shard() -> None:
    paths = [f"notes/note-{i:04d}/index.html" for i in range(900)]
    before = shard_groups(paths, 3)
    after = shard_groups([*paths, "notes/a-new-one/index.html"], 3)
    assert sum(len(group) for group in after) == 901
    for old, new in zip(before, after, strict=True):
        assert set(new) - set(old) <= {"notes/a-new-one/index.html"}
        assert set(old) <= set(new)
    assert min(map(len, before)) > 250  # the hash spreads pages about evenly


def test_a_tiny_site_gets_a_page_in_every_shard() -> None:
    assert all(shard_groups(["a/index.html", "b/index.html"], 2))


def test_an_edit_reindexes_only_its_shard_and_gives_the_same_files_as_a_fresh_index() -> None:
    pages = {f"p{i}/index.html": PAGE.format(t=f"Page {i}", body=f"word{i}") for i in range(12)}
    shards: dict[str, dict[str, bytes]] = {}
    build_search_index(pages, shards=2, reuse=shards)
    kept = dict(shards)
    assert len(kept) == 2
    edited = shard_groups(pages, 2)[1][0]
    pages[edited] = PAGE.format(t="Edited", body="xylophone")
    files = build_search_index(pages, shards=2, reuse=shards)
    assert len(shards) == 2
    assert sum(bundle is kept.get(key) for key, bundle in shards.items()) == 1
    assert files == build_search_index(pages, shards=2)
    url = "/" + edited.removesuffix("index.html")
    assert fragments(files)[url]["content"] == "Edited. xylophone."


def test_a_big_site_leaves_a_core_to_page_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_FEWER_AT_ONCE_FROM", 8)  # "big" from 8 pages
    monkeypatch.setattr(search, "default_workers", lambda: 3)  # so two Pagefind services at a time
    running, most = 0, 0
    real = search._index_group

    async def counted(pages: Any, paths: list[str]) -> dict[str, bytes]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return await real(pages, paths)
        finally:
            running -= 1

    monkeypatch.setattr(search, "_index_group", counted)
    pages = {f"p{i}/index.html": PAGE.format(t=f"Page {i}", body=f"word{i}") for i in range(12)}
    records = fragments(build_search_index(pages, shards=4))
    assert most == 2
    assert len(records) == 12
    monkeypatch.setattr(search, "_FEWER_AT_ONCE_FROM", 1000)
    running, most = 0, 0
    build_search_index(pages, shards=4)
    assert most == 4


def test_shard_count_one_for_small_sites_then_grows_to_a_cap() -> None:
    assert [shard_count(n) for n in (1, 499, 500, 899, 900, 1250, 100_000)] == [1, 1, 3, 5, 6, 8, 8]


def test_build_search_index_streams_a_site_larger_than_the_send_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "_IN_FLIGHT_BYTES", 1)  # one page in flight at a time
    pages = {f"p{i}/index.html": PAGE.format(t=f"Page {i}", body=f"word{i}") for i in range(40)}
    pages["bytes/index.html"] = PAGE.format(t="Bytes", body="given as bytes").encode()
    records = fragments(build_search_index(pages, shards=2))
    assert len(records) == 41
    assert records["/p39/"]["content"] == "Page 39. word39."
    assert records["/bytes/"]["content"] == "Bytes. given as bytes."


def test_lighten_drops_inline_tags_and_keeps_their_text() -> None:
    html = (
        '<p>See <a class="internal" href="../x/">the <code>Depends</code> note</a>, '
        '<em>then</em> <mark>this</mark> <span class="unresolved">one</span>.</p>'
    )
    assert lighten(html) == "<p>See the Depends note, then this one.</p>"


def test_lighten_keeps_blocks_headings_ids_and_highlighted_code_text() -> None:
    html = (
        '<h2 id="setup">Setup</h2><pre class="highlight"><code class="language-python">'
        '<span class="k">def</span><span class="w"> </span><span class="nf">f</span>()'
        "</code></pre>"
    )
    assert lighten(html) == '<h2 id="setup">Setup</h2><pre class="highlight">def f()</pre>'


def test_lighten_keeps_inline_elements_pagefind_reads_with_their_end_tags() -> None:
    html = (
        '<p>x<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> '
        '<span id="k"><span class="n">a</span>b</span> '
        '<span data-pagefind-meta="author">Ann</span> <b>bold</b></p>'
    )
    assert lighten(html) == (
        '<p>x<a href="#fn1" id="fnref1">[1]</a> <span id="k">ab</span> '
        '<span data-pagefind-meta="author">Ann</span> bold</p>'
    )


def test_lighten_reads_a_quoted_greater_than_inside_an_attribute() -> None:
    assert lighten("<p><span title=\"a > b\">x</span> <a title='c>d'>y</a></p>") == "<p>x y</p>"


def test_lighten_leaves_elements_whose_names_only_start_alike() -> None:
    html = (
        '<section><summary>s</summary><img alt="i"><br><ul><li>l</li></ul>'
        "<strike>k</strike><main data-pagefind-body>m</main><A HREF=x>up</A></section>"
    )
    assert lighten(html) == html


def test_lighten_indexes_the_same_words_and_excerpts_as_the_rendered_page() -> None:
    rendered = build_search_index({"routing/index.html": RENDERED})
    lightened = build_search_index({"routing/index.html": lighten(RENDERED)})
    # Word index chunks are named by a hash of their contents: same names, same words.
    assert sorted(n for n in rendered if "/index/" in n) == sorted(
        n for n in lightened if "/index/" in n
    )
    before, after = fragments(rendered)["/routing/"], fragments(lightened)["/routing/"]
    assert after["content"] == before["content"]
    assert "Path {city} parameters" in after["content"] and "app.get()" in after["content"]
    assert [(a["element"], a["id"], a["location"]) for a in after["anchors"]] == [
        (a["element"], a["id"], a["location"]) for a in before["anchors"]
    ]


def test_lighten_keeps_sub_result_headings_with_their_full_text() -> None:
    anchors = fragments(build_search_index({"routing/index.html": lighten(RENDERED)}))["/routing/"][
        "anchors"
    ]
    by_id = {a["id"]: (a["element"], a["text"]) for a in anchors}
    assert by_id["path-parameters"] == ("h2", "Path {city} parameters")
    # Pagefind leaves <mark> text out of an anchor's text; without the tag the word stays.
    assert by_id["^step"] == ("li", "First install uvicorn")
    assert by_id["fnref1"][0] == "a"


FAKE_PAGEFIND = """\
import base64, json, sys
def read():
    data = b""
    while not data.endswith(b","):
        chunk = sys.stdin.buffer.read(1)
        if not chunk:
            sys.exit(0)
        data += chunk
    return json.loads(base64.b64decode(data[:-1]))
first = read()
reply = {"message_id": first["message_id"], "payload": {"type": "NewIndex", "index_id": 0}}
sys.stdout.buffer.write(base64.b64encode(json.dumps(reply).encode()) + b",")
sys.stdout.flush()
read()
sys.stdout.write("thread 'main' panicked: out of memory")
sys.exit(101)
"""


def test_build_search_index_pagefind_stopping_midway_is_an_error_not_a_hang(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = tmp_path / "fake-pagefind"
    script.write_text(f"#!{sys.executable}\n{FAKE_PAGEFIND}", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    pages = {f"p{i}/index.html": PAGE.format(t=f"Page {i}", body="w" * 5000) for i in range(300)}
    outcome: list[BaseException] = []

    def index() -> None:
        try:
            build_search_index(pages, shards=1)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=index, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "build_search_index hung after pagefind stopped"
    assert len(outcome) == 1 and isinstance(outcome[0], SearchIndexError)
    assert "panicked" in str(outcome[0])
