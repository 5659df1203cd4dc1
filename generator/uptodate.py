"""``coursegen build``: build, unless the site on disk was built from these very inputs.

A module of its own so that the question is answered before the pipeline (Markdown, Jinja,
Pagefind) is imported: only :func:`update` imports it, and only when a build is needed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from generator.load import load_vault
from generator.manifest import inputs_digest, read_manifest
from generator.options import BuildOptions, UpToDate, manifest_path, settings, written_folders
from generator.outfolder import check_output_folder

if TYPE_CHECKING:
    from generator.build import BuildResult


def update(options: BuildOptions) -> BuildResult | UpToDate:
    """Build, unless the site on disk was built from these very inputs (``coursegen build``).

    The question is answered before the pipeline (Markdown, Jinja, Pagefind) is even
    imported, so an unchanged site is reported in a fraction of a second.
    """
    check_output_folder(options.out, options.vault)
    started = time.perf_counter()
    loaded = load_vault(options.vault, skip=written_folders(options))
    where = manifest_path(options)
    inputs = None
    if where is not None:
        previous = read_manifest(where)
        inputs = inputs_digest(loaded[0], settings(options))
        if previous is not None and previous.inputs == inputs and previous.matches(options.out):
            seconds = time.perf_counter() - started
            return UpToDate(
                previous.pages, previous.notes, previous.diagnostics, {"total": seconds}
            )
    from generator.build import build_loaded  # the whole pipeline: imported only when needed

    return build_loaded(options, loaded, started, inputs)
