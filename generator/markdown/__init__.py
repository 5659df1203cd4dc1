"""Markdown parsing: one MarkdownIt built by :func:`generator.markdown.factory.create_markdown`,
with one plugin module per Obsidian syntax.

Token contract (what the parse and render stages rely on):

- ``wikilink`` inline token (``[[target#fragment|alias]]``): ``meta = {"target": str,
  "fragment": str, "alias": str | None, "raw": str, "line_offset": int}``; ``children`` hold
  the parsed inline tokens of the alias (empty when there is none).
- ``embed`` inline token (``![[target#fragment|options]]``): ``meta = {"target", "fragment",
  "options": str | None, "raw", "line_offset"}``. A paragraph holding nothing but embeds
  renders without the surrounding ``<p>``.
- ``tag`` inline token (``#nested/tag``): ``meta = {"tag": str, "line_offset": int}``; the tag
  keeps the author's case, comparisons are case-insensitive.
- Block ids (``^id`` at the end of a paragraph, list item or quote): removed from the text and
  stored as ``meta["block_id"]`` on the block's opening token, rendered as ``id="^id"``.
- Headings get a unique ``id`` attribute and ``meta["heading_id"]``.
- ``callout_open`` / ``callout_close`` block tokens: ``meta = {"type", "title", "fold"}``.
- Fences keep ``info`` and ``content``; ``tryit``, ``exercise`` and ``{{#include}}`` fences are
  rendered by :meth:`RenderHooks.fence`.

``line_offset`` counts newlines between the start of the enclosing block's inline content and the
token, so the source line is ``parent.map[0] + 1 + line_offset``.

Render rules get everything that depends on other notes from ``env["hooks"]``, a
:class:`generator.markdown.hooks.RenderHooks`; without it they use
:class:`generator.markdown.hooks.PlainHooks`.
"""
