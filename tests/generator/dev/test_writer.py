"""Writing a rebuild's files: new, replaced and removed files, and no leftovers."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator.dev.writer
from generator.dev.writer import write_files


def listing(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("swap", [True, False], ids=["exchange", "replace"])
def test_write_files_replaces_adds_and_removes_without_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    if not swap:  # as on a system without renameat2
        monkeypatch.setattr(generator.dev.writer, "_renameat2", None)
    out = tmp_path / "site"
    (out / "old" / "gone").mkdir(parents=True)
    (out / "old" / "gone" / "index.html").write_bytes(b"old page")
    (out / "index.html").write_bytes(b"home v1")
    written = write_files(
        out,
        {"index.html": b"home v2", "new/page/index.html": b"new page"},
        remove={"old/gone/index.html"},
    )
    assert sorted(written) == ["index.html", "new/page/index.html", "old/gone/index.html"]
    assert listing(out) == {"index.html": b"home v2", "new/page/index.html": b"new page"}
    assert not (out / "old").exists()  # emptied folders go too


def test_write_files_keeps_old_content_for_a_reader_that_opened_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "content-index.json").write_bytes(b'{"version":1}')
    with (out / "content-index.json").open("rb") as reader:
        write_files(out, {"content-index.json": b'{"version":1,"notes":{}}'})
        assert reader.read() == b'{"version":1}'  # a whole old file, never a half new one
    assert (out / "content-index.json").read_bytes() == b'{"version":1,"notes":{}}'
