"""One link of a note resolved against the vault's link index: to a note (and a heading or a
block in it) or an attachment, or a diagnostic that says why it leads nowhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.anchors import find_anchor, heading_hint
from generator.diagnostics import Diagnostic, error, warning
from generator.linkindex import LinkIndex, Resolution
from generator.model import Link
from generator.parse import LinkFact

if TYPE_CHECKING:
    from generator.addresses import NoteInfo


def resolve_link(
    fact: LinkFact,
    source: str,
    index: LinkIndex,
    notes: dict[str, NoteInfo],
    diagnostics: list[Diagnostic],
) -> Link:
    relative = fact.kind in ("markdown", "image")
    resolution: Resolution = index.resolve(fact.target, source, relative=relative, suggest=True)
    anchor: str | None = None
    shown = fact.raw or fact.target
    if resolution.path is None:
        if resolution.problem == "outside":
            diagnostics.append(
                error(
                    source,
                    fact.line,
                    "link.outside-vault",
                    f"{shown} points outside the vault and was not followed",
                    "link to notes and attachments inside the vault only",
                )
            )
        elif resolution.problem == "unpublished":
            diagnostics.append(
                warning(
                    source,
                    fact.line,
                    "link.unpublished",
                    f"{shown} links to a note that is not published (publish: false or draft)",
                    "publish that note or remove the link",
                )
            )
        else:
            hint = f"did you mean [[{resolution.suggestion}]]?" if resolution.suggestion else None
            code = "embed.unresolved" if fact.embed else "link.unresolved"
            diagnostics.append(
                warning(source, fact.line, code, f"{shown} matches no note or file", hint)
            )
    else:
        if resolution.candidates:
            names = ", ".join(resolution.candidates)
            diagnostics.append(
                warning(
                    source,
                    fact.line,
                    "link.ambiguous",
                    f"{shown} matches several files: {names}; using {resolution.path}",
                    "write more of the path to choose one, e.g. [[folder/Name]]",
                )
            )
        info = notes.get(resolution.path)
        if info is not None and fact.fragment:
            anchor = find_anchor(info.parsed, fact.fragment)
            if anchor is None:
                what = "block" if fact.fragment.startswith("^") else "heading"
                diagnostics.append(
                    warning(
                        source,
                        fact.line,
                        f"link.{what}-missing",
                        f"{shown}: {info.path} has no {what} '{fact.fragment}'; "
                        "linking to the top of the page",
                        heading_hint(info.parsed, fact.fragment),
                    )
                )
    return Link(
        raw=fact.raw,
        target=fact.target,
        fragment=fact.fragment,
        line=fact.line,
        embed=fact.embed,
        resolved=resolution.path,
        anchor=anchor,
        in_list=fact.in_list,
        alias=fact.alias,
    )
