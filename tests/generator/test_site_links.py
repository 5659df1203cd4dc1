"""A link checker over whole built sites: every internal href and src exists, nothing loads
from the network."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser
from site_fixture import ROOT, build_course_site  # before generator: fixes its import

from generator.build import BuildOptions, assemble

SHARED_VAULTS = ROOT.parent / "shared" / "vaults"
# Attributes that make the browser load something (vs. <a href>, which only navigates).
_LOADS = {("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"),
          ("video", "src"), ("video", "poster"), ("audio", "src"), ("iframe", "src"),
          ("object", "data"), ("embed", "src"), ("track", "src"), ("input", "src")}
_NOT_FILES = ("mailto:", "obsidian:", "data:", "javascript:", "tel:")
_CSS_REMOTE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])(?:https?:)?//""", re.IGNORECASE)


def check_site(files: dict[str, bytes]) -> list[str]:
    """Every problem as 'page: message'; an empty list is a clean site."""
    problems: list[str] = []
    for name, data in sorted(files.items()):
        if name.endswith(".css") and _CSS_REMOTE.search(data.decode("utf-8", "replace")):
            problems.append(f"{name}: loads from the network")
        if not name.endswith(".html"):
            continue
        tree = LexborHTMLParser(data.decode("utf-8"))
        for node in tree.css("[href], [src], object[data], video[poster]"):
            for attr in ("href", "src", "data", "poster"):
                value = node.attributes.get(attr)
                if value is None or (attr == "data" and node.tag != "object"):
                    continue
                problem = _check_ref(name, node.tag, attr, value.strip(), files)
                if problem:
                    problems.append(f"{name}: <{node.tag} {attr}={value!r}>: {problem}")
        for style in tree.css("style"):
            if _CSS_REMOTE.search(style.text()):
                problems.append(f"{name}: <style> loads from the network")
    return problems


def _check_ref(page: str, tag: str, attr: str, value: str, files: dict[str, bytes]) -> str | None:
    if not value or value.startswith("#") or value.lower().startswith(_NOT_FILES):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if (tag, attr) in _LOADS:
            return "loads from the network"
        return None if parts.scheme in ("http", "https") else f"unexpected scheme {parts.scheme}"
    if parts.path.startswith("/"):
        return "absolute path (breaks under a sub-path)"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if target.startswith(".."):
        return "leaves the site"
    if parts.path == "":
        return None
    if value.split("?")[0].split("#")[0].endswith("/") or target == ".":
        target = "index.html" if target == "." else target + "/index.html"
    return None if target in files else f"{target} does not exist"


@pytest.fixture(scope="module")
def course_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build_course_site(tmp_path_factory.mktemp("links") / "vault").files


def test_site_links_fixture_course_has_no_broken_or_remote_refs(
    course_files: dict[str, bytes],
) -> None:
    assert check_site(course_files) == []


def test_site_links_checker_reports_broken_and_remote_refs() -> None:
    files = {
        "index.html": b'<a href="a/">a</a><a href="missing/">m</a>'
                      b'<script src="https://cdn.example/x.js"></script>'
                      b'<a href="https://example.org/">fine</a>',
        "a/index.html": b'<img src="../pic.png"><link rel="stylesheet" href="/abs.css">',
    }
    assert check_site(files) == [
        "a/index.html: <img src='../pic.png'>: pic.png does not exist",
        "a/index.html: <link href='/abs.css'>: absolute path (breaks under a sub-path)",
        "index.html: <a href='missing/'>: missing/index.html does not exist",
        "index.html: <script src='https://cdn.example/x.js'>: loads from the network",
    ]


def _vaults() -> list[object]:
    found: list[object] = [ROOT / "notes"]
    if SHARED_VAULTS.is_dir():
        for path in sorted(p for p in SHARED_VAULTS.iterdir() if p.is_dir()):
            found.append(path)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("vault", _vaults(), ids=lambda p: p.name)
def test_site_links_real_vault_has_no_broken_or_remote_refs(vault: Path, tmp_path: Path) -> None:
    if not vault.is_dir():
        pytest.skip(f"{vault} is not here")
    result = assemble(BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=None))
    assert check_site(result.files) == []
