"""Task lists with any one-character status, as Obsidian themes show them.

.. code-block:: md

    - [ ] to do
    - [x] done
    - [/] in progress
    - [-] cancelled
    - [?] question

renders ``<li class="task-list-item" data-task="x"><input type="checkbox" disabled checked>``;
``data-task`` holds the status (empty for ``[ ]``). Every status but a space and ``/`` is
checked; ``[/]``, "in progress" in Obsidian, is an unchecked box labelled so (the theme draws
it half filled), since a checked box would say that the task is done. The status is also
stored as ``meta["task"]`` on the ``list_item_open`` token.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# Statuses that are not done: an unchecked box, with what the status means as its label.
_NOT_DONE = {" ": "", "/": "in progress"}


def tasks_plugin(md: MarkdownIt) -> None:
    """Turn list items starting with ``[c]`` into task items."""
    md.core.ruler.after("inline", "tasks", _tasks_rule)


def _status(tokens: list[Token], i: int) -> str | None:
    if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open":
        return None
    inline = tokens[i + 2]
    if not inline.children or inline.children[0].type != "text":
        return None
    text = inline.children[0].content
    if len(text) < 3 or text[0] != "[" or text[2] != "]" or text[1] in "\n\t":
        return None
    if len(text) > 3 and text[3] not in " \t":
        return None
    return text[1]


def _tasks_rule(state: StateCore) -> None:
    tokens = state.tokens
    lists: list[Token] = []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token)
            continue
        if token.type in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
            continue
        if token.type != "list_item_open":
            continue
        status = _status(tokens, i)
        if status is None:
            continue
        data_task = "" if status == " " else status
        token.meta["task"] = status
        token.attrJoin("class", "task-list-item")
        token.attrSet("data-task", data_task)
        if lists and "contains-task-list" not in str(lists[-1].attrGet("class") or ""):
            lists[-1].attrJoin("class", "contains-task-list")
        inline = tokens[i + 2]
        assert inline.children is not None
        first = inline.children[0]
        first.content = first.content[3:].lstrip(" \t")
        if not first.content:
            inline.children.pop(0)
        checkbox = Token("html_inline", "", 0)
        label = _NOT_DONE.get(status)
        if label is None:
            state_attrs = " checked"
        else:
            state_attrs = f' aria-label="{label}" title="{label}"' if label else ""
        checkbox.content = (
            f'<input type="checkbox" class="task-list-item-checkbox" '
            f'data-task="{escapeHtml(data_task)}" disabled{state_attrs}> '
        )
        inline.children.insert(0, checkbox)
