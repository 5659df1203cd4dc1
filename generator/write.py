"""Stage 6, write: swap a complete new site in whole, or (dev mode) write only changed files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.errors import OutputError

MARKER = "content-index.json"


def check_output_folder(out: Path) -> None:
    """Refuse to replace a folder that holds something other than a previous site."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"Output path '{out}' exists and is not a folder.")
    entries = [p for p in out.iterdir() if not p.name.startswith(".") and p.name != "README.md"]
    if entries and not (out / MARKER).is_file():
        raise OutputError(
            f"Output folder '{out}' is not empty and does not hold a site built by coursegen "
            f"(no {MARKER}); refusing to replace it. Choose another folder with -o."
        )


def write_site(out: Path, files: dict[str, bytes]) -> None:
    """Write every file into a temporary folder beside ``out``, then swap it in whole.

    Top-level dot-files already in ``out`` (such as a ``.gitignore``) are carried over.
    """
    check_output_folder(out)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            for keep in out.iterdir():
                if keep.name.startswith(".") and keep.is_file():
                    shutil.copy2(keep, staging / keep.name)
        os.chmod(staging, 0o755)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_changed(
    out: Path, files: dict[str, bytes], *, remove: set[str] | None = None
) -> list[str]:
    """Write only the files whose bytes differ from what is on disk; return what was written."""
    written: list[str] = []
    for rel, data in files.items():
        target = out / rel
        try:
            if (
                target.is_file()
                and target.stat().st_size == len(data)
                and target.read_bytes() == data
            ):
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(rel)
    return written + remove_files(out, remove or ())


def remove_files(out: Path, remove: Iterable[str]) -> list[str]:
    """Delete ``remove`` (output paths) and the folders they leave empty; return those deleted."""
    removed: list[str] = []
    for rel in sorted(remove):
        target = out / rel
        if target.is_file():
            target.unlink()
            _prune_empty(target.parent, out)
            removed.append(rel)
    return removed


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
