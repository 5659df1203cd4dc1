"""Search indexing figures: our in-memory Pagefind indexing next to the pagefind CLI.

The pages are the build's own search documents for a synthetic vault of 1,250 notes (title
and rendered body with wikilinks, highlighted code, embeds and callouts, lightened as the
build lightens them), made by the real pipeline. ``build_search_index`` gets them from
memory; the CLI reads the very same documents from disk, into a fresh output folder each
round (it skips writing files that already exist). Medians of a few rounds, measured in the
same run.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pagefind_bin import get_executable  # type: ignore[import-untyped]

from generator.build import collector_paused
from generator.engine.core import Engine
from generator.exports import search_documents
from generator.options import BuildOptions
from generator.search import build_search_index

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_synthetic_vault  # noqa: E402

PAGES = 1250
ROUNDS = 3


def synthetic_pages(n: int = PAGES, seed: int = 0) -> dict[str, str]:
    """``{output path: search document}`` of a synthetic vault with ``n`` pages, home included."""
    with tempfile.TemporaryDirectory(prefix="coursegen-search-vault-") as tmp, collector_paused():
        write_synthetic_vault(Path(tmp), n - 1, seed)
        options = BuildOptions(vault=Path(tmp), out=Path(tmp, "site"), cache_dir=None)
        resolved = Engine(options).run(None, search=False).resolved
        return search_documents(resolved)


def _write_site(root: Path, pages: dict[str, str]) -> Path:
    for name, html in pages.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return root


def pagefind_cli(site: Path, out: Path) -> tuple[float, float]:
    """Index ``site`` into ``out`` with the pagefind CLI: (wall seconds, CPU seconds)."""
    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("the pagefind binary (PyPI pagefind[bin]) is not installed")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [
            str(binary),
            "--site",
            str(site),
            "--output-path",
            str(out),
            "--force-language",
            "en",
            "--silent",
        ],
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def run_search_bench() -> list[str]:
    pages = synthetic_pages()
    ours: list[float] = []
    cli: list[float] = []
    with tempfile.TemporaryDirectory(prefix="coursegen-search-bench-") as tmp:
        site = _write_site(Path(tmp) / "site", pages)
        for round_ in range(ROUNDS):
            started = time.perf_counter()
            files = build_search_index(pages)
            ours.append(time.perf_counter() - started)
            cli.append(pagefind_cli(site, Path(tmp) / f"cli-{round_}")[0])
    assert "pagefind/pagefind.js" in files
    return [
        f"search: index {len(pages)} pages from memory (build_search_index): "
        f"{statistics.median(ours):.2f} s (target <= 1.4 s)",
        f"search: baseline, pagefind CLI indexing the same pages from disk: "
        f"{statistics.median(cli):.2f} s",
    ]


if __name__ == "__main__":
    for line in run_search_bench():
        print(line)
