"""A small course vault, built once per test module through the real pipeline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _use_real_generator_package() -> None:
    """pytest puts ``tests/`` on sys.path, so ``tests/generator`` (no ``__init__``) becomes a
    namespace package ``generator`` that shadows the real one's ``__init__``. Put it back."""
    current = sys.modules.get("generator")
    if current is not None and getattr(current, "__file__", None):
        return
    spec = importlib.util.spec_from_file_location(
        "generator", ROOT / "generator" / "__init__.py",
        submodule_search_locations=[str(ROOT / "generator")],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generator"] = module
    spec.loader.exec_module(module)


_use_real_generator_package()

from generator.build import BuildOptions, BuildResult, assemble  # noqa: E402

COURSE_VAULT: dict[str, str] = {
    "index.md": """---
title: Weather course
---
Welcome! Read [[Intro]] first.

## 1. Getting started

- [[Why FastAPI]]
- [[Setup]]

## 2. Going further

- [[Pydantic models|Models]]
- [[Not written lesson]]
""",
    "lessons/Why FastAPI.md": """---
tags: [course, lang/python]
---
# Why FastAPI

FastAPI is quick to learn. It builds on [[Pydantic models]] for data.

## Speed

Fast thanks to [[Async]] and Starlette. See [the docs](https://fastapi.tiangolo.com).

### Benchmarks

Numbers matter less than you think.

> [!tip] Try it yourself
> Run the app and open the docs page.

```python
from fastapi import FastAPI

app = FastAPI()


@app.get("/api/weather/{city}")
async def weather(city: str) -> dict[str, str]:
    return {"city": city, "note": "a long line to show that code scrolls inside its own block"}
```

| Verb | Meaning |
| --- | --- |
| GET | read |
| POST | create |

This links to [[Nowhere yet]] which is not written.
""",
    "lessons/Setup.md": """# Setup

Install the tools: a virtualenv, then `pip install fastapi`. The zebraword lives here.

Back to [[Why FastAPI#Speed]] for the reasons.
""",
    "lessons/Pydantic models.md": """---
tags: [lang/python/typing]
---
Models describe data. Everything in FastAPI uses them.

```json
{"city": "Portland", ...}
```
""",
    "concepts/Async.md": """---
description: Coroutines and the event loop.
---
Async code waits without blocking. #lang/python
""",
    "concepts/Intro.md": "An introduction, outside the lesson path.\n",
    "concepts/Orphan.md": "Nothing links here.\n",
}


def build_course_site(root: Path, files: dict[str, str] | None = None) -> BuildResult:
    for rel, text in (files or COURSE_VAULT).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return assemble(BuildOptions(vault=root, out=root.parent / "site", cache_dir=None, workers=1))
