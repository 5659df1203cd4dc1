"""The search documents and index of a built course site: what Pagefind is given and keeps."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from site_fixture import build_course_site  # before generator: fixes its import

from generator.build import BuildResult
from generator.exports import search_document


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_course_site(tmp_path_factory.mktemp("course") / "vault")


def fragment(site: BuildResult, url: str) -> dict[str, Any]:
    """Pagefind's record of one page: its text and the anchors sub-results come from."""
    for name, data in site.files.items():
        if name.startswith("pagefind/") and "/fragment/" in name:
            record: dict[str, Any] = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
            if record["url"] == url:
                return record
    raise AssertionError(f"no search record for {url}")


def test_search_document_keeps_text_and_heading_ids_without_inline_tags(
    site: BuildResult,
) -> None:
    document = search_document(site.resolved.notes["lessons/Why FastAPI.md"])
    for tag in ("<a ", "<span", "<code", "<em>"):
        assert tag not in document
    assert "It builds on Pydantic models for data." in document
    assert "Fast thanks to Async and Starlette." in document
    assert "async def weather(city: str) -&gt; dict[str, str]:" in document
    assert '<h2 id="speed">Speed</h2>' in document
    assert '<h3 id="benchmarks">Benchmarks</h3>' in document
    assert '<h1 data-pagefind-meta="title">Why FastAPI</h1>' in document


def test_built_site_search_index_has_the_words_and_heading_anchors(site: BuildResult) -> None:
    record = fragment(site, "/lessons/why-fastapi/")
    assert record["meta"]["title"] == "Why FastAPI"
    assert "Fast thanks to Async and Starlette." in record["content"]
    assert "app = FastAPI()" in record["content"]
    headings = [
        (a["element"], a["id"], a["text"])
        for a in record["anchors"]
        if a["element"] in {"h2", "h3"}
    ]
    assert headings == [("h2", "speed", "Speed"), ("h3", "benchmarks", "Benchmarks")]
    assert "zebraword" in fragment(site, "/lessons/setup/")["content"]
