"""Stage 1, load: walk the vault and read every note and attachment."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG

from generator.diagnostics import Diagnostic, error, warning
from generator.errors import VaultNotFound
from generator.model import SourceFile, Vault, normalise_path

SKIPPED_DIRS = {".obsidian", ".trash", "node_modules", "__pycache__"}
MAX_FILE_BYTES = 50 * 1024 * 1024


def load_vault(root: Path, *, skip: Iterable[Path] = ()) -> tuple[Vault, list[Diagnostic]]:
    """Read the vault at ``root``: sorted, NFC paths, dot-folders skipped, nothing outside it.

    The folders in ``skip`` are not read either: the site and the cache a build writes, when
    they are inside the vault, are not part of it.
    """
    if not root.is_dir():
        raise VaultNotFound(f"Vault folder '{root}' does not exist or is not a folder.")
    root = root.resolve()
    skipped = {str(folder.resolve()) for folder in skip}
    vault = Vault(root=str(root), name=root.name)
    diagnostics: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if not skipped_dir(d) and os.path.join(dirpath, d) not in skipped
        )
        for filename in sorted(filenames):
            if filename.startswith(".") or filename.endswith("~"):
                continue
            absolute = Path(dirpath) / filename
            rel = normalise_path(absolute.relative_to(root).as_posix())
            found = read_file(root, absolute, rel, diagnostics)
            if found is not None:
                vault.files[rel] = found
    vault.files = dict(sorted(vault.files.items()))
    diagnostics.extend(vault_problems(vault))
    return vault, diagnostics


def vault_problems(vault: Vault) -> list[Diagnostic]:
    """What is wrong with the vault as a whole (its diagnostics have no file)."""
    if any(f.is_note for f in vault.files.values()):
        return []
    return [
        warning(
            "",
            0,
            "vault.empty",
            "this folder holds no notes (.md files), so the site has only its own pages",
            "point coursegen at the folder that holds your notes",
        )
    ]


def skipped_dir(dirname: str) -> bool:
    return dirname.startswith(".") or dirname in SKIPPED_DIRS


def read_file(root: Path, path: Path, rel: str, diagnostics: list[Diagnostic]) -> SourceFile | None:
    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):  # nothing there, or links that lead back round
                diagnostics.append(
                    warning(
                        rel,
                        0,
                        "load.broken-symlink",
                        f"symlink points to {os.readlink(path)!r}, which does not exist or "
                        "leads back to itself, and was skipped",
                        "fix or remove the link",
                    )
                )
                return None
            if not target.is_relative_to(root):
                diagnostics.append(
                    error(
                        rel,
                        0,
                        "load.outside-vault",
                        f"symlink points outside the vault ({target}) and was skipped",
                        "copy the file into the vault instead of linking to it",
                    )
                )
                return None
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a named pipe or a device: reading it could wait forever
            diagnostics.append(
                warning(
                    rel,
                    0,
                    "load.not-a-file",
                    "not a regular file (a named pipe, socket or device) and was skipped",
                    "remove it from the vault, or move it elsewhere",
                )
            )
            return None
        if stat.st_size > MAX_FILE_BYTES:
            diagnostics.append(
                warning(rel, 0, "load.too-large", f"file is {stat.st_size} bytes and was skipped")
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.append(error(rel, 0, "load.unreadable", f"cannot read file: {exc.strerror}"))
        return None
    return SourceFile(path=rel, data=data, mtime_ns=stat.st_mtime_ns)


def vault_file(rel: str) -> bool:
    """Whether :func:`load_vault` reads the file at vault path ``rel``: not in a skipped or
    dot-folder, not a dot-file or an editor's backup."""
    parts = rel.split("/")
    if any(skipped_dir(part) for part in parts[:-1]):
        return False
    name = parts[-1]
    return bool(name) and not name.startswith(".") and not name.endswith("~")
