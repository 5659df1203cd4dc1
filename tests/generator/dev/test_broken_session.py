"""An author's bad afternoon: every kind of broken note, and the dev loop never dies."""

from __future__ import annotations

from pathlib import Path

from generator.build import BuildOptions
from generator.dev.session import LiveSite
from tests.conftest import VaultFactory


def test_dev_session_of_broken_notes_keeps_building_and_recovers(
    make_vault: VaultFactory, tmp_path: Path
) -> None:
    vault = make_vault(
        {
            "index.md": "# Course\n\n## 1. Start\n\n- [[A]]\n- [[B]]\n",
            "A.md": "# A\n\n## Part\n\nAlpha ![[pic.png]]\n",
            "B.md": "# B\n\nSee [[A#Part]].\n",
            "pic.png": b"\x89PNG\r\n\x1a\n",
        }
    )
    dev = LiveSite(
        BuildOptions(vault=vault, out=tmp_path / "site", cache_dir=None), background_search=False
    )
    dev.full_build()
    steps: list[tuple[str, str | bytes | None, str]] = [
        ("A.md", "---\ntitle: [unclosed\n---\n# A\n", "frontmatter.invalid"),
        ("B.md", "# B\n\n```python\nnever closed\n[[A]]\n", ""),
        ("A.md", "# A\n\n![[B]]\n", ""),
        ("B.md", "# B\n\n![[A]]\n", "embed.cycle"),
        ("pic.png", None, ""),
        ("A.md", "# A\n\n![[pic.png]]\n", "embed.unresolved"),
        ("B.md", b"\xff\xfe not text", "note.encoding"),
    ]
    for name, content, code in steps:
        path = vault / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        result = dev.rebuild({path})
        assert result.error is None, (name, result.error)
        if code:
            assert code in [d.code for d in dev.diagnostics], (name, code)
        assert (dev.options.out / "index.html").is_file()
    # a note renamed while open: its page goes, links to it become unresolved
    (vault / "A.md").rename(vault / "A2.md")
    dev.rebuild({vault / "A.md", vault / "A2.md"})
    assert not (dev.options.out / "a" / "index.html").exists()
    assert (dev.options.out / "a2" / "index.html").is_file()
    assert "course.outline-unresolved" in [d.code for d in dev.diagnostics]
    # everything fixed: no diagnostics left
    (vault / "A2.md").rename(vault / "A.md")
    (vault / "A.md").write_text("# A\n\n## Part\n\nAlpha\n", encoding="utf-8")
    (vault / "B.md").write_text("# B\n\nSee [[A#Part]].\n", encoding="utf-8")
    dev.rebuild({vault / "A.md", vault / "A2.md", vault / "B.md", vault / "pic.png"})
    assert dev.diagnostics == []
