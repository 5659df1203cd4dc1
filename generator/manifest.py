"""Knowing when a site on disk is already what a build would write.

After each build the cache keeps a manifest: a digest of every input the site was made
from (each file of the vault, the build options, the generator's code and theme, the
versions of the libraries that shape the HTML) and the size and modification time of every
file written. A later build whose inputs have the same digest, and whose output folder still
holds those files untouched, has nothing to do: it reports the same diagnostics and stops.

Notes with try-it panels, exercises or ``{{#include}}`` read files outside the vault (the
code they include, an API's schema), which the digest does not cover: a vault with such
notes is always built.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.model import Vault
from generator.version import CODE_VERSION, theme_fingerprint
from generator.write import write_pickle

FORMAT = 1
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "jinja2", "latex2mathml", "pagefind")


@dataclass
class Manifest:
    inputs: str
    files: dict[str, tuple[int, int]]  # output path -> (size, mtime_ns) as written
    pages: int
    notes: int
    diagnostics: list[Diagnostic]

    def matches(self, out: Path) -> bool:
        """Whether every file written is still in ``out``, unchanged by size and time."""
        for rel, (size, mtime_ns) in self.files.items():
            try:
                stat = os.stat(out / rel)
            except OSError:
                return False
            if stat.st_size != size or stat.st_mtime_ns != mtime_ns:
                return False
        return True


def inputs_digest(vault: Vault, settings: tuple[str | None, ...]) -> str:
    """A digest of everything a build of ``vault`` with ``settings`` reads."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}\0{CODE_VERSION}\0{theme_fingerprint()}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    h.update(repr(settings).encode() + b"\0" + vault.name.encode() + b"\0")
    settings_file = Path(vault.root) / ".obsidian" / "app.json"  # strictLineBreaks
    try:
        h.update(settings_file.read_bytes())
    except OSError:
        h.update(b"-")
    for path in sorted(vault.files):
        data = vault.files[path].data
        h.update(f"\0{path}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def read_manifest(path: Path) -> Manifest | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # missing, corrupt or from another version: build as usual
        return None
    return stored if isinstance(stored, Manifest) else None


def write_manifest(
    path: Path,
    inputs: str,
    out: Path,
    written: list[str],
    *,
    pages: int,
    notes: int,
    diagnostics: list[Diagnostic],
) -> None:
    files: dict[str, tuple[int, int]] = {}
    for rel in written:
        stat = os.stat(out / rel)
        files[rel] = (stat.st_size, stat.st_mtime_ns)
    # Without a manifest the next build is a full one; the parse cache says why it failed.
    with contextlib.suppress(OSError):
        write_pickle(path, Manifest(inputs, files, pages, notes, diagnostics))


def forget(path: Path) -> None:
    """Drop the manifest: the folder is about to change."""
    with contextlib.suppress(OSError):  # none there, or no cache folder to hold one
        path.unlink()
