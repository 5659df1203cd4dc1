"""The ``coursegen`` command: build, check and dev. ``python -m generator`` is the same."""

from __future__ import annotations

import json
import sys
import threading
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from generator import __version__
from generator.diagnostics import Diagnostic, count, count_info
from generator.errors import CoursegenError

app = typer.Typer(
    name="coursegen",
    help="Turn an Obsidian vault of course notes into a static course site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

VaultArg = Annotated[
    Path, typer.Argument(help="The vault folder (Obsidian notes).", show_default=True)
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _site_url(value: str | None) -> str | None:
    """``--base-url``: where the site will be served, an absolute http(s) address."""
    from generator.urls import absolute_http

    if value is not None and not absolute_http(value):
        raise typer.BadParameter(
            f"{value!r} is not an absolute http:// or https:// address; write it like "
            "https://example.org/course/"
        )
    return value


def _api_url(value: str | None) -> str | None:
    """``--api-base``: "" (the site's own server), a path on it, or an absolute http(s) address."""
    from generator.urls import usable_api_base

    if value is not None and not usable_api_base(value):
        raise typer.BadParameter(
            f"{value!r} is not an http:// or https:// address; write it like "
            'http://127.0.0.1:8000, or "" for the site\'s own server'
        )
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coursegen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn an Obsidian vault of course notes into a static course site."""


STYLES = {"error": "red", "warning": "yellow", "info": "dim"}


def print_diagnostics(items: list[Diagnostic], vault: Path, *, info: bool = True) -> None:
    """Print ``items`` like a compiler; ``info=False`` leaves out the info ones."""
    prefix = "" if str(vault) in ("", ".") else f"{vault.as_posix().rstrip('/')}/"
    for item in items:
        if info or item.severity != "info":
            err.print(item.format(prefix), style=STYLES[item.severity], markup=False)


def tally(items: list[Diagnostic]) -> str:
    """The counts a summary line shows: ``0 errors, 1 warning``, then ``, 2 info`` if any."""
    errors, warnings = count(items)
    text = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    notes = count_info(items)
    return text + (f", {notes} info" if notes else "")


def exit_code(items: list[Diagnostic], strict: bool) -> int:
    errors, warnings = count(items)
    return 1 if errors or (strict and warnings) else 0


@app.command()
def build(
    vault: VaultArg = Path("notes"),
    out: OutOpt = Path("site"),
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) on warnings too.")] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Absolute URL the site is served at (for sitemap.xml).", callback=_site_url
        ),
    ] = None,
    api_base: Annotated[
        str | None,
        typer.Option(
            help='Where try-it panels send requests; "" means same origin.', callback=_api_url
        ),
    ] = None,
    cache: Annotated[bool, typer.Option(help="Reuse parsed notes from .coursegen-cache.")] = True,
) -> None:
    """Build the site once. Exit 0 when clean, 1 on errors (or warnings with --strict)."""
    # Only what tells whether the site is up to date: the pipeline is imported if it is not.
    from generator.options import DEFAULT_CACHE_DIR, BuildOptions, UpToDate
    from generator.uptodate import update

    options = BuildOptions(
        vault=vault,
        out=out,
        base_url=base_url,
        api_base=api_base,
        cache_dir=DEFAULT_CACHE_DIR if cache else None,
    )
    started = time.perf_counter()
    try:
        with _progress_after(1.0, "Building the site") as progress:
            options.progress = progress.update
            result = update(options)
    except CoursegenError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        raise typer.Exit(2 if "does not exist" in str(exc) else 1) from exc
    elapsed = time.perf_counter() - started
    # Info (attachments no page publishes) is for `check` to list; a build only counts it.
    print_diagnostics(result.diagnostics, vault, info=False)
    done = (
        f"Site is up to date ({result.pages} pages, nothing changed since the last build)"
        if isinstance(result, UpToDate)
        else f"Built {result.pages} page{'s' * (result.pages != 1)}"
    )
    listed = " (coursegen check lists them)" if count_info(result.diagnostics) else ""
    err.print(f"{done} in {elapsed:.2f} s: {tally(result.diagnostics)}{listed}", markup=False)
    raise typer.Exit(exit_code(result.diagnostics, strict))


@app.command()
def check(
    vault: VaultArg = Path("notes"),
    live: Annotated[
        bool, typer.Option(help="Send every try-it and exercise to the demo API in-process.")
    ] = False,
    format: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = (
        OutputFormat.text
    ),
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) on warnings too.")] = False,
) -> None:
    """Report problems in the vault without writing a site."""
    from generator.build import assemble
    from generator.options import DEFAULT_CACHE_DIR, BuildOptions

    try:
        result = assemble(BuildOptions(vault=vault, cache_dir=DEFAULT_CACHE_DIR))
    except CoursegenError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        raise typer.Exit(2 if "does not exist" in str(exc) else 1) from exc
    diagnostics = list(result.diagnostics)
    runs: list[dict[str, object]] = []
    if live:
        from generator.tryit.live import run_live_checks

        live_diagnostics, runs = run_live_checks(result)
        diagnostics.extend(live_diagnostics)
    if format is OutputFormat.json:
        payload: dict[str, object] = {"diagnostics": [d.to_dict() for d in diagnostics]}
        if live:
            payload["runs"] = runs
        errors, warnings = count(diagnostics)
        payload["summary"] = {
            "errors": errors,
            "warnings": warnings,
            "info": count_info(diagnostics),
            "notes": len(result.parsed),
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        print_diagnostics(diagnostics, vault)
        for run in runs:
            err.print(f"{run['file']}:{run['line']}: {run['summary']}", markup=False)
        notes = len(result.parsed)
        err.print(f"Checked {notes} note{'s' * (notes != 1)}: {tally(diagnostics)}", markup=False)
    raise typer.Exit(exit_code(diagnostics, strict))


@app.command()
def dev(
    vault: VaultArg = Path("notes"),
    out: OutOpt = Path("site"),
    port: Annotated[int, typer.Option(help="Port of the site server.")] = 8080,
    api_port: Annotated[int, typer.Option(help="Port of the demo API.")] = 8000,
    no_api: Annotated[bool, typer.Option("--no-api", help="Do not run the demo API.")] = False,
) -> None:
    """Build, serve with live reload, rebuild on every save, and run the demo API beside it."""
    from generator.dev.server import run_dev

    try:
        code = run_dev(vault, out, port=port, api_port=None if no_api else api_port)
    except CoursegenError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


class _progress_after:
    """A progress bar on a terminal, shown only when the work takes longer than ``delay``
    seconds; :meth:`update` is the build's ``progress``."""

    def __init__(self, delay: float, label: str) -> None:
        self.delay = delay
        self.label = label
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> _progress_after:
        if err.is_terminal:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self._task = self._bar.add_task(self.label, total=1.0)
            self._timer = threading.Timer(self.delay, self._bar.start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def update(self, label: str, done: float) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=label, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is not None:
            self._bar.stop()
