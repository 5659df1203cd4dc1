"""Which files of the project a build may read into the site: ``{{#include}}`` code and the
home note's ``openapi:`` schema.

Only the project's own files: inside the project folder (which is never a home folder or a
filesystem root), no dot-file or dot-folder, nothing a ``.gitignore`` ignores, nothing named
like a key or credentials, and no folder of installed packages. What the build reads is
published, so a refusal here is what keeps ``.env`` or ``~/.ssh/id_ed25519`` off the site; each
refusal names the rule it broke, so the author knows what to change.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath

from pathspec import GitIgnoreSpec

# Names that hold keys or credentials, whatever folder they are in (compared lowercased).
SECRET_NAMES = ("*.pem", "*.key", "*.p12", "*.pfx", "id_*", "credentials", "credentials.*",
                ".env*")
# Folders of installed packages or caches: the project's files are never in them.
PACKAGE_FOLDERS = frozenset({"venv", "node_modules", "__pycache__", "site-packages"})
RULES = ("files inside the project folder (not a home folder), no dot-files or dot-folders, "
         "nothing .gitignore ignores, no keys or credentials (*.pem, *.key, id_*, credentials, "
         ".env*)")


class RefusedPath(Exception):
    """A file the build may not read; the message names the rule it broke."""


def project_file(root: Path, path: Path) -> Path:
    """The file ``path`` (absolute, or relative to ``root``) names, resolved, when the build
    may read it; otherwise :class:`RefusedPath`. Whether the file exists is the caller's."""
    check_project_root(root)
    root = root.resolve()
    # Both the path as written and where its symlinks lead must pass: a link named
    # notes.py that points at .env is still .env.
    written = Path(os.path.normpath(root / path))
    resolved = (root / path).resolve()
    for candidate in (written, resolved):
        if not candidate.is_relative_to(root):
            raise RefusedPath("it is outside the project folder")
    for candidate in (written, resolved):
        _check_names(PurePosixPath(candidate.relative_to(root).as_posix()))
    for candidate in (written, resolved):
        ignored = _ignored_by(root, PurePosixPath(candidate.relative_to(root).as_posix()))
        if ignored is not None:
            where = "" if ignored == "." else f" in {ignored}"
            raise RefusedPath(
                f"'{candidate.relative_to(root).as_posix()}' is ignored by the .gitignore"
                f"{where}; the build reads only files the project keeps"
            )
    return resolved


def check_project_root(root: Path) -> None:
    """Refuse a project folder that is a filesystem root, a home folder, or holds one: every
    private file of a user would count as the project's own."""
    root = root.resolve()
    home = _home()
    if root == home:
        raise RefusedPath(
            "the project folder (the folder that holds the vault) is your home folder (~); "
            "the build reads files only from a project folder: keep the vault inside one, "
            "like ~/course/notes"
        )
    if root.parent == root or (home is not None and home.is_relative_to(root)):
        raise RefusedPath(
            f"the project folder (the folder that holds the vault) is {root}, which holds "
            "home folders or the whole disk; keep the vault inside a project folder, like "
            "~/course/notes"
        )


def _home() -> Path | None:
    home = os.path.expanduser("~")
    return None if home == "~" else Path(home).resolve()


def _check_names(relative: PurePosixPath) -> None:
    parts = relative.parts
    for position, part in enumerate(parts):
        if part.startswith("."):
            kind = "dot-file" if position == len(parts) - 1 else "dot-folder"
            raise RefusedPath(
                f"'{part}' is a {kind}; the build reads no dot-files or dot-folders, "
                "where settings and secrets live"
            )
        if part in PACKAGE_FOLDERS and position < len(parts) - 1:
            raise RefusedPath(
                f"'{part}' is a folder of installed packages; the build reads only the "
                "project's own files"
            )
    name = relative.name.lower()
    for pattern in SECRET_NAMES:
        if fnmatch.fnmatchcase(name, pattern):
            raise RefusedPath(
                f"'{relative.name}' looks like a key or credentials ({pattern}); the build "
                "reads no such files"
            )


def _ignored_by(root: Path, relative: PurePosixPath) -> str | None:
    """The folder (relative to ``root``) whose ``.gitignore`` ignores ``relative``, or None.

    Read with pathspec rather than ``git check-ignore``: the project need not be a git
    checkout (a downloaded copy keeps its ``.gitignore``), git need not be installed, and no
    process is started per include. Git's rules are kept: each folder's ``.gitignore`` speaks
    for the paths below it, a deeper one overrides a shallower one (``!keep.py``), and nothing
    in an ignored folder can be taken back.
    """
    specs: list[tuple[PurePosixPath, GitIgnoreSpec]] = []
    parts = relative.parts
    for depth in range(len(parts)):
        folder = PurePosixPath(*parts[:depth])
        spec = _gitignore(root / folder)
        if spec is not None:
            specs.append((folder, spec))
        target = PurePosixPath(*parts[: depth + 1])
        is_folder = depth < len(parts) - 1
        for base, patterns in reversed(specs):
            shown = target.relative_to(base).as_posix() + ("/" if is_folder else "")
            verdict = patterns.check_file(shown).include
            if verdict is not None:
                if verdict:
                    return base.as_posix()
                break
    return None


def _gitignore(folder: Path) -> GitIgnoreSpec | None:
    try:
        text = (folder / ".gitignore").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return GitIgnoreSpec.from_lines(text.splitlines())
