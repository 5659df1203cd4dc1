"""The engine's resolve stage on its own, for tests of links and workers."""

from __future__ import annotations

from pathlib import Path

from generator.engine.problems import SortedDiagnostics
from generator.engine.resolver import IncrementalResolver, RecordRenderer
from generator.model import ResolvedVault, Vault
from generator.options import BuildOptions
from generator.parse import ParsedNote


def resolve_vault(
    vault: Vault, parsed: dict[str, ParsedNote], render: RecordRenderer | None = None
) -> ResolvedVault:
    """Every link and body of ``vault`` resolved from nothing; its diagnostics sorted."""
    problems = SortedDiagnostics()
    resolver = IncrementalResolver(BuildOptions(vault=Path(vault.root)), problems)
    resolved, _ = resolver.resolve(vault, parsed, None, render=render)
    resolved.diagnostics = list(problems.ordered())
    return resolved
