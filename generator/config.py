"""The course's settings: from the home note's frontmatter, the vault's Obsidian settings and
the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, warning
from generator.model import (
    CourseConfig,
    Vault,
)
from generator.parse import ParsedNote
from generator.urls import absolute_http, usable_api_base

HOME_NAMES = ("index.md", "home.md", "readme.md")


def find_home(vault: Vault) -> str | None:
    names = {path.casefold(): path for path in vault.files if "/" not in path}
    for candidate in HOME_NAMES:
        if candidate in names:
            return names[candidate]
    return None


def obsidian_setting(vault: Vault, key: str, default: Any) -> Any:
    """A setting from the vault's ``.obsidian/app.json``, so the site renders as Obsidian does."""
    try:
        data = json.loads((Path(vault.root) / ".obsidian" / "app.json").read_text("utf-8"))
    except (OSError, ValueError):
        return default
    return data.get(key, default) if isinstance(data, dict) else default


def course_config(
    home: ParsedNote | None, vault: Vault, overrides: dict[str, Any] | None = None
) -> CourseConfig:
    """Course settings from the home note's frontmatter, then the command line's overrides."""
    config = CourseConfig(vault_name=vault.name, title=vault.name)
    config.line_breaks = not obsidian_setting(vault, "strictLineBreaks", False)
    data = home.frontmatter if home is not None else {}
    if isinstance(data.get("title"), str):
        config.title = data["title"]
    if isinstance(data.get("course_title"), str):
        config.title = data["course_title"]
    if isinstance(data.get("api_base"), str):
        # One that cannot work (see config_problems): the site's own server instead.
        usable = usable_api_base(data["api_base"])
        config.api_base = data["api_base"].rstrip("/") if usable else ""
    if isinstance(data.get("openapi"), str):
        config.openapi = data["openapi"]
    if isinstance(data.get("source_url"), str) and absolute_http(data["source_url"]):
        config.source_url = data["source_url"].rstrip("/") + "/"
    for key, value in (overrides or {}).items():
        if value is not None:
            setattr(config, key, value.rstrip("/") if key in ("api_base", "base_url") else value)
    return config


def config_problems(home: str | None, parsed: dict[str, ParsedNote]) -> list[Diagnostic]:
    """A course setting in the home note that cannot work (:func:`course_config` leaves it
    out), with what is used instead."""
    if home is None or home not in parsed:
        return []
    problems: list[Diagnostic] = []
    value = parsed[home].frontmatter.get("api_base")
    if isinstance(value, str) and not usable_api_base(value):
        problems.append(warning(
            home,
            1,
            "frontmatter.api-base",
            f"api_base {value!r} is not an http:// or https:// address; try-its send their "
            "requests to the site's own server instead",
            "write it like http://127.0.0.1:8000",
        ))
    source = parsed[home].frontmatter.get("source_url")
    if source is not None and not (isinstance(source, str) and absolute_http(source)):
        problems.append(warning(
            home,
            1,
            "frontmatter.source-url",
            f"source_url {source!r} is not an http:// or https:// address; included code "
            "does not link to its file",
            "write it like https://github.com/you/course/blob/main/",
        ))
    return problems
