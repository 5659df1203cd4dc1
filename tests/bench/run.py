"""``make bench``: print every benchmark figure next to a baseline measured in the same run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    sections = []
    from vault_bench import run_vault_bench

    sections.append(("Vault builds", run_vault_bench))
    try:
        from search_bench import run_search_bench

        sections.append(("Search indexing", run_search_bench))
    except ImportError:
        pass
    try:
        from dev_bench import run_dev_bench

        sections.append(("Author's loop (coursegen dev)", run_dev_bench))
    except ImportError:
        pass
    try:
        from api_bench import run_api_bench

        sections.append(("Demo API", run_api_bench))
    except ImportError:
        pass
    try:
        from reports_store_bench import run_reports_store_bench

        sections.append(("Reports store: SQLite against PostgreSQL", run_reports_store_bench))
    except ImportError:
        pass
    try:
        from two_hosts_bench import run_two_hosts_bench

        sections.append(("Reports through nginx: two hosts against one", run_two_hosts_bench))
    except ImportError:
        pass
    for title, run in sections:
        print(f"== {title}", flush=True)
        for line in run():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
