"""Search indexing figures: our in-memory Pagefind indexing next to the pagefind CLI.

Both index the same 1,250 synthetic pages (shaped as the build's search documents: a title
and the note's HTML inside ``data-pagefind-body``); the CLI reads them from disk, the build
hands them over from memory. Medians of a few rounds, measured in the same run.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from markdown_it import MarkdownIt
from pagefind_bin import get_executable  # type: ignore[import-untyped]

from generator.search import build_search_index

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import synthetic_note  # noqa: E402

PAGES = 1250
ROUNDS = 3


def synthetic_pages(n: int = PAGES, seed: int = 0) -> dict[str, str]:
    """``{output path: search document}`` for ``n`` synthetic notes."""
    rng = random.Random(seed)
    md = MarkdownIt("commonmark")
    pages = {}
    for i in range(n):
        text = synthetic_note(i, n, rng).split("---\n", 2)[2]
        title = f"Synthetic note {i}"
        pages[f"notes/note-{i:05d}/index.html"] = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><main data-pagefind-body>"
            f'<h1 data-pagefind-meta="title">{title}</h1>{md.render(text)}</main></body></html>'
        )
    return pages


def _cli_seconds(site: Path, out: Path) -> float:
    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("the pagefind binary (PyPI pagefind[bin]) is not installed")
    started = time.perf_counter()
    subprocess.run(
        [str(binary), "--site", str(site), "--output-path", str(out), "--force-language", "en",
         "--silent"],
        check=True,
    )
    return time.perf_counter() - started


def run_search_bench() -> list[str]:
    pages = synthetic_pages()
    ours: list[float] = []
    cli: list[float] = []
    with tempfile.TemporaryDirectory(prefix="coursegen-search-bench-") as tmp:
        site = Path(tmp) / "site"
        for name, html in pages.items():
            target = site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        for round_ in range(ROUNDS):
            started = time.perf_counter()
            files = build_search_index(pages)
            ours.append(time.perf_counter() - started)
            cli.append(_cli_seconds(site, Path(tmp) / f"cli-{round_}"))
    assert "pagefind/pagefind.js" in files
    return [
        f"search: index {PAGES} pages from memory (build_search_index): "
        f"{statistics.median(ours):.2f} s (target <= 1.4 s)",
        f"search: baseline, pagefind CLI indexing the same pages from disk: "
        f"{statistics.median(cli):.2f} s",
    ]


if __name__ == "__main__":
    for line in run_search_bench():
        print(line)
