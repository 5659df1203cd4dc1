"""Writing the files a rebuild changed: whole for every reader, and without a disk flush.

The dev server (and anything else serving the folder) may read a page while it is being
written, so each file is written beside its target and then takes the target's name. On ext4,
the usual Linux file system, renaming a file over an existing one makes the kernel start
writing the new data to disk there and then (``auto_da_alloc``, which saves editors' files
from a crash): about 3 ms a page and 7 ms for content-index.json, more than rendering them.
Swapping the two names (``renameat2`` with ``RENAME_EXCHANGE``) is just as atomic for readers
and skips that; the old file, now under the temporary name, is removed. Losing the latest
files in a crash is harmless here: the next start compares the folder and rewrites them.
Where the swap is not available (not Linux, old kernels, some file systems) ``os.replace``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable, Collection
from pathlib import Path

from generator.write import remove_files

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_files(out: Path, files: dict[str, bytes], *, remove: Collection[str] = ()) -> list[str]:
    """Write ``files`` (known to differ from what is on disk) and remove ``remove``; return
    the output paths written or removed, like :func:`generator.write.write_changed`."""
    written: list[str] = []
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        if _exchange(temporary, target):
            temporary.unlink()
        else:
            os.replace(temporary, target)
        written.append(rel)
    return written + remove_files(out, remove)


def _load_renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function: Callable[..., int] = libc.renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    return function


_renameat2 = _load_renameat2()


def _exchange(new: Path, target: Path) -> bool:
    """Swap the names of ``new`` and ``target``; False when that cannot be done here."""
    global _renameat2
    if _renameat2 is None:
        return False
    if (
        _renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE)
        == 0
    ):
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        _renameat2 = None  # the kernel or this file system cannot: do not ask again
    return False  # ENOENT (a new file) and the rest: a plain rename does it or reports it
