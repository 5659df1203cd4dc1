"""A deterministic synthetic vault with realistic link, embed, callout, tag and code density.

Calibrated on the course's own notes (``notes/``: 2.0 KiB a note; per KiB 4.5 wikilinks,
1.8 tags, 1.1 code blocks, 0.35 callouts) and on quartz-docs (2.3 KiB a note; 0.6 callouts
and 0.6 code blocks per KiB): a synthetic note averages 2.2 KiB, with 4.8 wikilinks, 2.0 tags,
0.7 code blocks, 0.4 callouts and 0.2 embeds per KiB.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "request response endpoint model field value server client route query status "
    "worker process cache report city weather units schema header body token async "
    "await typing pydantic template static deploy nginx gunicorn uvicorn systemd"
).split()
FOLDERS = ["lessons", "concepts", "reference", "lessons/advanced", "archive/2024"]
TAGS = [
    "api",
    "python",
    "http",
    "deploy",
    "pydantic",
    "async",
    "course/chapter-1",
    "course/chapter-2",
    "draft-ideas",
    "typing",
]


def note_name(i: int) -> str:
    return f"{FOLDERS[i % len(FOLDERS)]}/Note {i:05d}"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    # about three links in five sentences, some aliased, some to headings
    if rng.random() < 0.6:
        j = rng.randrange(n)
        target = note_name(j).rsplit("/", 1)[-1]
        form = rng.random()
        if form < 0.2:
            link = f"[[{target}|{rng.choice(WORDS)}]]"
        elif form < 0.35:
            link = f"[[{target}#Section 2]]"
        elif form < 0.4:
            link = f"[[Missing {j}]]"
        else:
            link = f"[[{target}]]"
        words.insert(rng.randrange(len(words)), link)
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words)), "#" + rng.choice(TAGS))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"`{rng.choice(WORDS)}()`")
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), f"=={rng.choice(WORDS)}==")
    return " ".join(words).capitalize() + "."


def synthetic_note(i: int, n: int, rng: random.Random) -> str:
    parts = [
        "---",
        f"title: Synthetic note {i}",
        f"tags: [{rng.choice(TAGS)}]",
        f"aliases: [alias-{i}]",
        "---",
        f"# Synthetic note {i}",
        "",
    ]
    for section in range(1, 4):
        parts.append(f"## Section {section}")
        parts.append("")
        for _ in range(rng.randint(1, 2)):
            parts.append(" ".join(_sentence(rng, n) for _ in range(rng.randint(2, 5))))
            parts.append("")
        if rng.random() < 0.3:
            kind = rng.choice(["note", "tip", "warning", "example"])
            parts += [f"> [!{kind}] A {kind}", f"> {_sentence(rng, n)}", ""]
        if rng.random() < 0.5:
            parts += [
                "```python",
                "def handler(city: str) -> dict[str, str]:",
                f"    return {{'city': city, 'n': '{i}'}}",
                "```",
                "",
            ]
        if rng.random() < 0.15:
            j = rng.randrange(n)
            parts += [f"![[{note_name(j).rsplit('/', 1)[-1]}#Section 1]]", ""]
        if rng.random() < 0.2:
            parts += [f"- {_sentence(rng, n)}", f"- {_sentence(rng, n)} ^item-{i}-{section}", ""]
    return "\n".join(parts) + "\n"


def write_synthetic_vault(root: Path, n: int, seed: int = 0) -> None:
    """Write ``n`` notes plus a home note with an outline into ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    outline = ["---", "title: Synthetic course", "---", "# Synthetic course", ""]
    for chapter in range(1, 6):
        outline += [f"## {chapter}. Chapter {chapter}", ""]
        for lesson in range(8):
            outline.append(f"- [[{note_name(chapter * 8 + lesson).rsplit('/', 1)[-1]}]]")
        outline.append("")
    (root / "index.md").write_text("\n".join(outline), encoding="utf-8")
    for i in range(n):
        path = root / f"{note_name(i)}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(synthetic_note(i, n, rng), encoding="utf-8")
