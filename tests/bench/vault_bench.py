"""Build benchmarks: full builds of synthetic vaults, cold and warm, next to bare markdown-it-py."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from search_bench import pagefind_cli
from synth import write_synthetic_vault

from generator.workers import default_workers

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter so that peak memory and the cold cache are honest.
BUILD_SCRIPT = """
import json, os, resource, sys, threading, time
from pathlib import Path

def tree_pss_kib():
    # The proportional set size of this process and every process under it (the build
    # workers, Pagefind): pages the forked workers still share with it are counted once.
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
            if pid != os.getpid():  # a child's own peak (VmHWM), as it has run so far
                with open(f"/proc/{pid}/status") as handle:
                    hwm = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))
                child_peak[0] = max(child_peak[0], hwm)
        except (OSError, StopIteration):
            pass
    return total

# getrusage's figure for children is no use here: a child started by fork and exec is
# charged the parent's whole size for the moment between the two.
peak, child_peak, done = [0], [0], threading.Event()
def sample():
    while not done.wait(0.1):
        peak[0] = max(peak[0], tree_pss_kib())
threading.Thread(target=sample, daemon=True).start()
t0 = time.perf_counter()
from generator.uptodate import update
from generator.build import BuildOptions, build
imported = time.perf_counter() - t0
vault, out, cache, how = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
started = time.perf_counter()
run = update if how == "update" else build  # update: what `coursegen build` does
result = run(BuildOptions(vault=vault, out=out, cache_dir=cache))
seconds = time.perf_counter() - started
done.set()
figures = {
    "seconds": seconds, "imports": imported, "pages": result.pages,
    "notes": result.notes, "timings": result.timings,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_peak_mib": child_peak[0] / 1024,
    "tree_peak_mib": peak[0] / 1024,
}
if len(sys.argv) > 5:  # after measuring: the search documents, for Pagefind's CLI alone
    from generator.exports import search_documents
    for name, html in search_documents(result.resolved).items():
        target = Path(sys.argv[5], name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
print(json.dumps(figures))
"""

BARE_SCRIPT = """
import json, sys, time
from pathlib import Path
from markdown_it import MarkdownIt
files = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.md"))]
md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
started, cpu = time.perf_counter(), time.process_time()
for text in files:
    md.render(text)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "cpu": time.process_time() - cpu,
    "notes": len(files),
}))
"""


def _run(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_vault_bench(sizes: tuple[int, ...] = (1000, 10000)) -> list[str]:
    lines: list[str] = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="coursegen-bench-") as tmp:
            vault, out, cache = Path(tmp, "vault"), Path(tmp, "site"), Path(tmp, "cache")
            write_synthetic_vault(vault, n)
            bare = _run(BARE_SCRIPT, str(vault))
            documents = Path(tmp, "search-documents")
            cold = _run(BUILD_SCRIPT, str(vault), str(out), str(cache), "build", str(documents))
            pagefind_wall, pagefind_cpu = pagefind_cli(documents, Path(tmp, "pagefind-alone"))
            cores = default_workers()
            floor = (bare["cpu"] + pagefind_cpu) / cores
            same = _run(BUILD_SCRIPT, str(vault), str(out), str(cache), "update")
            warm = _run(BUILD_SCRIPT, str(vault), str(out), str(cache), "build")
            edited = vault / "lessons" / "Note 00005.md"
            edited.write_text(edited.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
            one = _run(BUILD_SCRIPT, str(vault), str(out), str(cache), "update")
            notes = cold["notes"]

            def stages(run: dict[str, Any]) -> str:
                return ", ".join(f"{k} {v:.2f}s" for k, v in run["timings"].items())

            lines += [
                f"vault {n:>6} notes: bare markdown-it-py render    {bare['seconds']:7.2f} s",
                f"vault {n:>6} notes: cold full build               {cold['seconds']:7.2f} s "
                f"({notes / cold['seconds']:.0f} notes/s, {cold['pages']:.0f} pages, "
                f"x{cold['seconds'] / bare['seconds']:.2f} bare)",
                f"vault {n:>6} notes:   peak memory: main process {cold['peak_mib']:.0f} MiB, "
                f"largest worker or Pagefind process {cold['worker_peak_mib']:.0f} MiB (sampled); "
                f"all processes together (PSS, sampled every 0.1 s) "
                f"{cold['tree_peak_mib']:.0f} MiB",
                f"vault {n:>6} notes:   stages: {stages(cold)}",
                f"vault {n:>6} notes:   floor on this machine: the pagefind CLI alone on this "
                f"build's search documents {pagefind_wall:.2f} s ({pagefind_cpu:.2f} CPU-s); "
                f"with bare markdown-it-py ({bare['cpu']:.2f} CPU-s), shared perfectly over "
                f"{cores} cores: {floor:.2f} s",
                f"vault {n:>6} notes: unchanged rebuild (site up to date) {same['seconds']:7.2f} s",
                f"vault {n:>6} notes: unchanged rebuild, every stage run on warm caches "
                f"{warm['seconds']:7.2f} s (peak {warm['peak_mib']:.0f} MiB)",
                f"vault {n:>6} notes:   stages: {stages(warm)}",
                f"vault {n:>6} notes: rebuild after editing one note {one['seconds']:7.2f} s",
                f"vault {n:>6} notes:   stages: {stages(one)}",
            ]
    return lines
