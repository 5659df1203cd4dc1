"""Which output folder coursegen may take, and which leftovers beside it are its own.

A build replaces its output folder whole (:class:`generator.write.Staging`), so it takes only
a folder whose replacement loses nothing: one that does not exist yet, one that holds nothing
but top-level dot-files (``.gitignore``, ``.nojekyll``: a build carries each into the new
site), or a site coursegen wrote, which holds the :data:`SITE_MARKER` file. A folder with
``.git`` in it is never taken, marked or not. The dev loop, which writes into the folder
file by file, takes the same folders.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from generator.errors import OutputError

SITE_MARKER = ".coursegen-site"
MARKER_TEXT = (
    b"This folder is a course site written by coursegen. Every build replaces it whole,\n"
    b"keeping only top-level dot-files (such as .gitignore): keep nothing else of your own here.\n"
)
# What marked a site before SITE_MARKER; such a site is taken once and marked then.
LEGACY_INDEX = "content-index.json"
# A replaced site is moved aside under this name (plus mkdtemp's eight characters) and then
# deleted; a removal cut short is finished by the next build.
OLD_SITE_INFIX = ".coursegen-old-"
_SHOWN = 6  # entries a refusal names


def check_output_folder(out: Path, vault: Path | None = None) -> None:
    """Raise :class:`OutputError` unless coursegen may replace ``out`` (see the module)."""
    if vault is not None and vault.resolve().is_relative_to(out.resolve()):
        raise OutputError(
            f"The vault '{vault}' is inside the output folder '{out}', which a build replaces "
            "whole. Choose an output folder that does not hold the vault, with -o."
        )
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"Output path '{out}' exists and is not a folder.")
    try:
        entries = sorted(out.iterdir(), key=lambda entry: entry.name)
    except OSError as exc:
        raise OutputError(f"Cannot read the output folder '{out}': {exc.strerror or exc}.") from exc
    names = {entry.name for entry in entries}
    if ".git" in names:
        raise OutputError(
            f"Output folder '{out}' is a Git repository (it holds {_listing(entries)}); "
            "coursegen never replaces or deletes one. Build into a folder of its own with -o "
            "(for example -o site) and copy the built files into the repository from there."
        )
    if SITE_MARKER in names or _legacy_site(out, names):
        # A site's own files are all visible; a dot-folder is something else's and a build
        # would delete it (only dot-files are carried over).
        folders = [entry for entry in entries if entry.name.startswith(".") and _is_folder(entry)]
        if folders:
            raise OutputError(
                f"Output folder '{out}' holds {_listing(folders)}, which is not part of the site "
                "coursegen wrote there; a build replaces the folder whole and would delete it. "
                f"Move it out of '{out}', or choose another folder with -o."
            )
        return
    foreign = [entry for entry in entries if not carried_over(entry)]
    if foreign:
        raise OutputError(
            f"Output folder '{out}' is not empty and was not made by coursegen: it holds "
            f"{_listing(foreign)}. A build replaces its output folder whole, so it refuses "
            f"this one. Choose a new or empty folder with -o (and copy the site from there), "
            f"or empty '{out}' first."
        )


def carried_over(entry: Path) -> bool:
    """Whether a build keeps this top-level entry of the folder it replaces: a dot-file, or a
    link, never a folder (the marker is written anew)."""
    name = entry.name
    return (
        name.startswith(".")
        and name not in (".git", SITE_MARKER)
        and (entry.is_symlink() or entry.is_file())
    )


def git_inside(folder: Path) -> Path | None:
    """The first ``.git`` anywhere in ``folder`` (links not followed), or None."""
    for dirpath, dirnames, filenames in os.walk(folder):
        if ".git" in dirnames or ".git" in filenames:
            return Path(dirpath) / ".git"
    return None


def old_sites(out: Path) -> list[Path]:
    """Replaced sites of ``out`` whose removal was cut short: folders beside it named as
    :class:`generator.write.Staging` names them. Names are compared as text: the output
    folder's name is never a pattern (an ``out`` named ``*`` matches nothing else)."""
    if not out.parent.is_dir():
        return []
    named = re.compile(re.escape(f".{out.name}{OLD_SITE_INFIX}") + r"[a-z0-9_]{8}")
    return [
        entry
        for entry in sorted(out.parent.iterdir())
        if named.fullmatch(entry.name)
        and _is_folder(entry)
        and not os.path.lexists(entry / ".git")
    ]


def _legacy_site(out: Path, names: set[str]) -> bool:
    """A site built before sites were marked: its content index says so."""
    if LEGACY_INDEX not in names:
        return False
    try:
        index = json.loads((out / LEGACY_INDEX).read_bytes())
    except (OSError, ValueError):
        return False
    return (
        isinstance(index, dict)
        and index.get("version") == 1
        and isinstance(index.get("notes"), dict)
    )


def _is_folder(entry: Path) -> bool:
    return entry.is_dir() and not entry.is_symlink()


def _listing(entries: list[Path]) -> str:
    """``.git/, README.md and 3 more``: folders with a slash."""
    shown = [entry.name + ("/" if _is_folder(entry) else "") for entry in entries[:_SHOWN]]
    rest = len(entries) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
