"""Stage 6, write: swap a complete new site in whole, or (dev mode) write only changed files."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.errors import OutputError
from generator.outfolder import (
    MARKER_TEXT,
    OLD_SITE_INFIX,
    SITE_MARKER,
    carried_over,
    check_output_folder,
    git_inside,
    old_sites,
)

# Replacing a site of this many files or more, the old one is deleted in the background.
REMOVE_IN_BACKGROUND_FROM = 1000


class Staging:
    """A new site written into a temporary folder beside ``out``, then swapped in whole.

    Files may be written in several rounds (a build writes its pages while the search index
    is still being made). Leaving the ``with`` block without :meth:`swap`, by an error or
    Ctrl+C, removes the half-written folder and leaves ``out`` as it was.
    """

    def __init__(self, out: Path) -> None:
        check_output_folder(out)
        self.out = out.absolute()
        with _writing(out):
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.folder = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent)
            )
            # First, so that any folder coursegen writes into is marked as its own.
            (self.folder / SITE_MARKER).write_bytes(MARKER_TEXT)
            for leftover in old_sites(self.out):
                remove_soon(leftover)  # a site replaced earlier whose removal was cut short
        self._folders: set[str] = {""}  # folders (relative, POSIX) known to exist
        self.written: set[str] = set()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)  # gone already once swapped in

    def write(self, files: Mapping[str, bytes]) -> None:
        with _writing(self.out):
            self._write(files)

    def _write(self, files: Mapping[str, bytes]) -> None:
        root = str(self.folder)
        for rel, data in files.items():
            folder = rel.rpartition("/")[0]
            if folder not in self._folders:
                os.makedirs(os.path.join(root, folder), exist_ok=True)
                while folder and folder not in self._folders:
                    self._folders.add(folder)
                    folder = folder.rpartition("/")[0]
            with open(os.path.join(root, rel), "wb") as handle:
                handle.write(data)
            self.written.add(rel)

    def swap(self) -> None:
        """Make the written files the site at ``out``; top-level dot-files already in ``out``
        (such as a ``.gitignore``) are carried over. A folder with a ``.git`` anywhere in it
        is never moved: :class:`OutputError`."""
        with _writing(self.out):
            self._swap()

    def _swap(self) -> None:
        out = self.out
        if out.exists():
            check_output_folder(out)  # again: the folder may have changed during the build
            if (repository := git_inside(out)) is not None:
                raise OutputError(
                    f"Output folder '{out}' holds a Git repository ({repository}); coursegen "
                    "never replaces or deletes one. Move it out of the folder, or build into "
                    "another folder with -o."
                )
            for keep in out.iterdir():
                if carried_over(keep):
                    shutil.copy2(keep, self.folder / keep.name, follow_symlinks=False)
        os.chmod(self.folder, 0o755)
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}{OLD_SITE_INFIX}", dir=out.parent))
        if out.exists():
            os.replace(out, old)  # an empty folder can be replaced
        os.replace(self.folder, out)
        if len(self.written) >= REMOVE_IN_BACKGROUND_FROM:
            remove_soon(old)
        else:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """Say which site could not be written, and why, rather than fail with a traceback."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise OutputError(
            f"Cannot write the site to '{out}': {exc.strerror or exc}{where}. Check that its "
            "folder can be created and written to, and that the disk has room."
        ) from exc


def remove_soon(folder: Path) -> None:
    """Delete ``folder`` in a process of its own, which outlives this one if need be.

    Deleting the ten thousand files of a big site took 3-8 s on an ext4 disk: the new site
    is in place by then, so the build need not wait. If the removal is cut short, the next
    build starts it again. Without a POSIX shell, the folder is deleted here.
    """
    try:
        # The shell starts ``rm`` on its own and returns: nothing is left to wait for.
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$1" </dev/null >/dev/null 2>&1 &', "sh", str(folder)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(folder, ignore_errors=True)


def write_pickle(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` whole or not at all (a temporary file, then a rename);
    OSError when it cannot be written, with nothing left behind."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def mark_site(out: Path) -> None:
    """Create ``out`` if need be and mark it as a site coursegen writes (the dev loop writes
    into the folder itself, so it marks it before its first file)."""
    with _writing(out):
        out.mkdir(parents=True, exist_ok=True)
        marker = out / SITE_MARKER
        if marker.is_file() and not marker.is_symlink() and marker.read_bytes() == MARKER_TEXT:
            return
        temporary = out / f"{SITE_MARKER}.{os.getpid()}.tmp"
        temporary.write_bytes(MARKER_TEXT)
        os.replace(temporary, marker)


def write_changed(
    out: Path, files: dict[str, bytes], *, remove: set[str] | None = None
) -> list[str]:
    """Write only the files whose bytes differ from what is on disk; return what was written."""
    with _writing(out):
        return _write_changed(out, files, remove)


def _write_changed(out: Path, files: dict[str, bytes], remove: set[str] | None) -> list[str]:
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
