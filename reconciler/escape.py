"""Names and values from the config or the account, made safe for where they are shown.

A service key or a role name is user data: in a pull-request comment it must not close the
surrounding HTML or ping people, and on a terminal it must not move the cursor or recolour the
screen. Everything a renderer prints from user data goes through one of these.
"""

from __future__ import annotations

_MARKDOWN = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "`": "&#96;",
    "|": "&#124;",
    "@": "&#64;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "~": "&#126;",
    "#": "&#35;",
    "!": "&#33;",
    ":": "&#58;",
}


def terminal(text: str) -> str:
    """Control and invisible formatting characters shown as escapes (\\x1b, \\u202e)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def markdown(text: str) -> str:
    """Inert in GitHub Markdown, in table cells and inside HTML tags alike: no tags, no
    mentions, no links or emphasis, one line."""
    return "".join(_MARKDOWN.get(ch, ch) for ch in terminal(text))
