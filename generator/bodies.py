"""Rendering note bodies for one page: links made relative, embeds transcluded, fences filled."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from html import escape
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from markdown_it.token import Token
from markdown_it.utils import OptionsDict, OptionsType

from generator.anchors import find_anchor, find_heading
from generator.diagnostics import warning
from generator.fences import fence_kind
from generator.include import render_include
from generator.markdown.hooks import LinkTarget
from generator.parse import markdown
from generator.rendercontext import RenderContext
from generator.tryit.render import render_block
from generator.urls import relative

if TYPE_CHECKING:
    from generator.addresses import NoteInfo

MAX_EMBED_DEPTH = 8
# Notes that embed the next one ten times, eight deep, would show 10**8 embeds on one page:
# past either limit a page shows links instead.
MAX_EMBEDS_PER_PAGE = 1000
MAX_EMBEDDED_CHARS = 20_000_000  # of HTML, all the embeds of one page together
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".ico"}
AUDIO_EXT = {".mp3", ".wav", ".ogg", ".m4a", ".flac", ".webm", ".3gp"}
VIDEO_EXT = {".mp4", ".mov", ".mkv", ".ogv"}


@dataclass
class PageHooks:
    """:class:`generator.markdown.hooks.RenderHooks` for the page of one note."""

    context: RenderContext
    page_path: str
    stack: list[tuple[str, str]] = field(default_factory=list)  # (note path, fragment) embeds
    exercise_ids: list[str] = field(default_factory=list)
    # (id, note, line) of each exercise shown on the page, for the vault-wide id check
    exercise_sites: list[tuple[str, str, int]] = field(default_factory=list)
    embedded: int = 0  # note embeds shown on the page so far
    embedded_chars: int = 0  # and their HTML
    cut: bool = False  # whether embeds past those limits were shown as links (said once)
    attachments: set[str] = field(default_factory=set)  # linked to or shown on the page

    @property
    def page_url(self) -> str:
        return self.context.notes[self.page_path].url

    @property
    def current(self) -> str:
        """The note whose text is being rendered (the page, or the note it embeds)."""
        return self.stack[-1][0] if self.stack else self.page_path

    def render_note(self, path: str) -> str:
        info = self.context.notes[path]
        return self._render(info.parsed.tokens, path)

    def _render(self, tokens: list[Token], source: str) -> str:
        self._prepare_markdown_links(tokens, source)
        md = markdown()
        env: dict[str, Any] = {"hooks": self, "path": source}
        options = md.options
        if not self.context.line_breaks:
            options = OptionsDict(cast("OptionsType", {**md.options, "breaks": False}))
        html: str = md.renderer.render(tokens, options, env)
        return html

    # RenderHooks -----------------------------------------------------------------------

    def link(self, target: str, fragment: str, line: int) -> LinkTarget:
        source = self.current
        if not target:
            info = self.context.notes.get(source)
            anchor = find_anchor(info.parsed, fragment) if info and fragment else None
            return LinkTarget(href="#" + anchor if anchor else "#")
        resolution = self.context.index.resolve(target, source)
        if resolution.path is None:
            reason = "not published" if resolution.problem == "unpublished" else "not written yet"
            return LinkTarget(href=None, reason=reason)
        info = self.context.notes.get(resolution.path)
        if info is None:
            return LinkTarget(href=relative(self.page_url, self._attachment_url(resolution.path)))
        href = relative(self.page_url, info.url)
        if fragment:
            anchor = find_anchor(info.parsed, fragment)
            if anchor:
                href += "#" + anchor
        return LinkTarget(href=href)

    def tag_href(self, tag: str) -> str:
        from generator.slugs import slugify

        slug = "/".join(slugify(part) or "tag" for part in tag.split("/"))
        return relative(self.page_url, f"tags/{slug}/")

    def fence(self, info: str, content: str, line: int) -> str | None:
        """HTML for a fence the build fills in itself, or None for ordinary code."""
        kind = fence_kind(info, content)
        if kind == "include":
            return render_include(self, info, content, line)
        if kind is not None:
            return render_block(self, kind, content, line)
        return None

    def embed(self, target: str, fragment: str, options: str | None, line: int) -> str:
        source = self.current
        resolution = self.context.index.resolve(target, source) if target else None
        path = source if not target else (resolution.path if resolution else None)
        if path is None:
            shown = escape(target + (f"#{fragment}" if fragment else ""))
            return (
                f'<div class="embed embed-unresolved" title="not written yet">'
                f'<span class="unresolved">{shown}</span></div>'
            )
        if path not in self.context.notes:
            return self._embed_file(path, options)
        key = (path, fragment)
        if key in self.stack or (not fragment and path == self.current and not target):
            self._note_problem(
                "embed.cycle",
                line,
                f"{_embed_text(target, fragment)} embeds itself through a cycle; the cycle was cut",
            )
            return _notice("Embed cycle cut here: this note is already shown above.")
        if len(self.stack) >= MAX_EMBED_DEPTH:
            self._note_problem(
                "embed.depth", line, f"embeds nested deeper than {MAX_EMBED_DEPTH} levels were cut"
            )
            return _notice(f"Embeds nested deeper than {MAX_EMBED_DEPTH} levels are not shown.")
        info = self.context.notes[path]
        href = relative(self.page_url, info.url)
        # A heading names the section; a block id (^safe-verbs) is the author's, not the reader's.
        title = escape(info.title + (f" › {fragment}" if fragment and fragment[0] != "^" else ""))
        if self.embedded >= MAX_EMBEDS_PER_PAGE or self.embedded_chars > MAX_EMBEDDED_CHARS:
            if not self.cut:
                self.cut = True
                self._note_problem(
                    "embed.too-many",
                    line,
                    f"the page of {self.page_path} shows more than {MAX_EMBEDS_PER_PAGE} embeds "
                    "or 20 MB of embedded text (embeds of notes that embed others multiply); "
                    "the rest are shown as links",
                    "embed fewer notes, or link to them with [[…]] instead of ![[…]]",
                )
            return _notice(
                f'Not shown here (too many embeds on this page): <a class="internal" '
                f'href="{escape(href)}">{title}</a>'
            )
        tokens = self._embedded_tokens(info, fragment)
        if tokens is None:
            return _notice(f"“{escape(fragment)}” was not found in {escape(info.title)}.")
        self.embedded += 1
        self.stack.append(key)
        try:
            body = self._render(tokens, path)
        finally:
            self.stack.pop()
        self.embedded_chars += len(body)
        return (
            f'<div class="embed" data-embed="{escape(info.url)}">'
            f'<div class="embed-title"><a class="internal" href="{escape(href)}">{title}</a></div>'
            # Search finds embedded text in the note it comes from, as Obsidian's search does,
            # not again in every note that shows it.
            f'<div class="embed-body" data-pagefind-ignore>{body}</div></div>'
        )

    # helpers ---------------------------------------------------------------------------

    def _note_problem(
        self,
        code: str,
        line: int,
        message: str,
        hint: str = "remove one embed of the cycle, or link with [[…]] instead of ![[…]]",
    ) -> None:
        self.context.diagnostics.append(warning(self.current, line, code, message, hint))

    def _embedded_tokens(self, info: NoteInfo, fragment: str) -> list[Token] | None:
        tokens = info.parsed.tokens
        if not fragment:
            return tokens
        if fragment.startswith("^"):
            block = fragment[1:].strip().casefold()
            start = next(
                (i for k, i in info.parsed.block_ids.items() if k.casefold() == block), None
            )
            if start is None:
                return None
            return _block_slice(tokens, start)
        position = find_heading(info.parsed, fragment)
        if position is None:
            return None
        start = info.parsed.heading_tokens[position]
        level = info.parsed.headings[position].level
        end = len(tokens)
        for later, heading in zip(
            info.parsed.heading_tokens[position + 1 :],
            info.parsed.headings[position + 1 :],
            strict=True,
        ):
            if heading.level <= level:
                end = later
                break
        return tokens[start:end]

    def _attachment_url(self, path: str) -> str:
        """The site URL of an attachment this page links to or shows, which publishes it."""
        self.attachments.add(path)
        return self.context.attachments.get(path, "")

    def _embed_file(self, path: str, options: str | None) -> str:
        url = relative(self.page_url, self._attachment_url(path))
        name = PurePosixPath(path).name
        suffix = PurePosixPath(path).suffix.lower()
        width, height, alt = _size_options(options, name)
        size = (f' width="{width}"' if width else "") + (f' height="{height}"' if height else "")
        if suffix in IMAGE_EXT:
            return f'<img src="{escape(url)}" alt="{escape(alt)}"{size} loading="lazy">'
        if suffix in AUDIO_EXT:
            return f'<audio controls preload="metadata" src="{escape(url)}"></audio>'
        if suffix in VIDEO_EXT:
            return f'<video controls preload="metadata" src="{escape(url)}"{size}></video>'
        if suffix == ".pdf":
            return (
                f'<object class="embed-pdf" data="{escape(url)}" type="application/pdf">'
                f'<a href="{escape(url)}">{escape(name)}</a></object>'
            )
        kind = mimetypes.guess_type(name)[0] or "file"
        return (
            f'<a class="embed-file" href="{escape(url)}" data-type="{escape(kind)}">'
            f"{escape(name)}</a>"
        )

    def _prepare_markdown_links(self, tokens: list[Token], source: str) -> None:
        """Point ``[text](Note.md)`` links and ``![](img.png)`` images at their pages."""
        for token in tokens:
            if token.type != "inline" or not token.children:
                continue
            for child in token.children:
                if child.type not in ("link_open", "image"):
                    continue
                attr = "href" if child.type == "link_open" else "src"
                original = child.meta.get("source_url")
                if original is None:
                    original = str(child.attrs.get(attr, ""))
                    child.meta["source_url"] = original
                if not is_local(original):
                    continue
                child.attrs[attr] = self._local_url(original, source, child)

    def _local_url(self, href: str, source: str, token: Token) -> str:
        from urllib.parse import unquote

        path_part, _, fragment = href.partition("#")
        resolution = self.context.index.resolve(unquote(path_part), source, relative=True)
        if resolution.path is None:
            token.attrs["class"] = "unresolved"
            token.attrs["title"] = "not written yet"
            return "#"
        if token.attrs.get("class") == "unresolved":  # it was unresolved in an earlier build
            del token.attrs["class"]
            token.attrs.pop("title", None)
        info = self.context.notes.get(resolution.path)
        if info is None:
            return relative(self.page_url, self._attachment_url(resolution.path))
        url = relative(self.page_url, info.url)
        anchor = find_anchor(info.parsed, unquote(fragment)) if fragment else None
        return url + ("#" + anchor if anchor else "")


def is_local(href: str) -> bool:
    from generator.parse import is_local as local

    return local(href)


def _block_slice(tokens: list[Token], start: int) -> list[Token]:
    opening = tokens[start]
    if opening.nesting != 1:
        return [opening]
    for end in range(start + 1, len(tokens)):
        token = tokens[end]
        if token.nesting == -1 and token.level == opening.level:
            chunk = tokens[start : end + 1]
            if opening.type == "list_item_open":
                wrap_open = Token("bullet_list_open", "ul", 1)
                wrap_close = Token("bullet_list_close", "ul", -1)
                return [wrap_open, *chunk, wrap_close]
            return chunk
    return tokens[start:]


def _size_options(options: str | None, name: str) -> tuple[str | None, str | None, str]:
    if not options:
        return None, None, name
    text = options.strip()
    width, _, height = text.partition("x")
    if width.isdigit() and (not height or height.isdigit()):
        return width, height or None, name
    return None, None, text


def _embed_text(target: str, fragment: str) -> str:
    return f"![[{target}{'#' + fragment if fragment else ''}]]"


def _notice(text: str) -> str:
    return f'<div class="embed embed-cut" role="note">{text}</div>'
