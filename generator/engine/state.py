"""What one run of the engine leaves for the next ``coursegen build`` of the same vault:
resolved links and rendered bodies with the reads they recorded, the pages with digests of
their inputs, the search index by shard and each page's search document. Kept in
``.coursegen-cache/`` beside the parse store, whose parsed notes it names by digest.

A state from another version of the generator, one that cannot be read, or one whose parsed
notes the parse store no longer holds, is ignored: the run then does everything, which gives
the same site, only slower.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any

from generator.addresses import NoteInfo
from generator.engine.bookkeeping import ResolveState
from generator.engine.pages import PageStore
from generator.options import BuildOptions
from generator.parse import ParseCache
from generator.version import CODE_VERSION
from generator.write import write_pickle

FORMAT = 2


def state_path(options: BuildOptions) -> Path | None:
    """Where the state of builds of ``options.vault`` into ``options.out`` is kept."""
    if options.cache_dir is None:
        return None
    where = f"{options.vault.resolve()}\0{options.out.resolve()}"
    key = hashlib.blake2b(where.encode(), digest_size=8).hexdigest()
    return options.cache_dir / f"engine-{key}.pickle"


def read_state(path: Path | None, cache: ParseCache) -> dict[str, Any] | None:
    """The parts of a saved state, or None when there is none this generator can use.
    The parsed notes it names are taken from ``cache``, saved beside it."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # a corrupt or foreign state is only a slower build
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return None
    if stored.get("version") != CODE_VERSION:
        return None
    infos: dict[str, NoteInfo] = {}
    for note, (title, slug, url, digest, published) in stored["infos"].items():
        parsed = cache.get(digest)
        if parsed is None:  # the parse store was removed or replaced: start afresh
            return None
        infos[note] = NoteInfo(note, title, slug, url, parsed, published)
    stored["resolver"] = ResolveState(
        infos=infos, home=stored["home"], index_key=stored["index_key"], index=stored["index"],
        config_key=stored["config_key"], records=stored["records"])
    return stored


def save_state(
    path: Path | None,
    resolver: ResolveState,
    pages: PageStore,
    search_shards: dict[str, dict[str, bytes]],
    documents: dict[str, Any],
) -> None:
    """Keep the state for the next build: what the full resolve of the next run compares
    (:meth:`generator.engine.resolver.IncrementalResolver._full` makes the rest again, from
    the records). Parsed notes are named by digest: the parse store beside keeps them, and
    loading them twice took a quarter of a one-edit build."""
    if path is None:
        return
    stored = {
        "format": FORMAT,
        "version": CODE_VERSION,
        "infos": {p: (i.title, i.slug, i.url, i.parsed.digest, i.published)
                  for p, i in resolver.infos.items()},
        "home": resolver.home,
        "index_key": resolver.index_key,
        "index": resolver.index,
        "config_key": resolver.config_key,
        "records": resolver.records,
        "pages": pages,
        "search": search_shards,
        "documents": documents,
    }
    try:
        write_pickle(path, stored)
    except OSError as exc:  # the state only saves time: the build itself is fine
        print(
            f"warning: cannot save the build state in '{path.parent}': {exc.strerror}; the "
            "next build will render every page again",
            file=sys.stderr,
        )
