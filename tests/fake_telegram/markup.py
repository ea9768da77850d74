"""Validates HTML / MarkdownV2 text like Telegram's entity parser and returns the visible text."""

from __future__ import annotations

import html
import re

from .errors import ApiError, bad_request

_HTML_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ]
)
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_MD_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_TOGGLES = ("```", "||", "__", "*", "_", "~", "`")
_MD_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "`": "Code",
    "```": "Pre",
    "[": "TextUrl",
    "](": "TextUrl",
}


def render(text: str, parse_mode: str | None) -> str:
    """Visible text of ``text`` under ``parse_mode``; raises 400 "can't parse entities"."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _render_html(text)
    if mode == "markdownv2":
        return _render_markdown_v2(text)
    return text


def _fail(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _render_html(text: str) -> str:
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) != -1:
        out.append(text[pos:start])
        match = _TAG.match(text, start)
        at = _offset(text, start)
        if match is None:
            raise _fail(f'Unsupported start tag "" at byte offset {at}')
        name = match.group(2).lower()
        if not match.group(1):
            if name not in _HTML_TAGS:
                raise _fail(f'Unsupported start tag "{name}" at byte offset {at}')
            stack.append(name)
        elif not stack:
            raise _fail(f"Unexpected end tag at byte offset {at}")
        elif stack[-1] != name:
            raise _fail(
                f'Unmatched end tag at byte offset {at}, expected "</{stack[-1]}>", '
                f'found "</{name}>"'
            )
        else:
            stack.pop()
        pos = match.end()
    out.append(text[pos:])
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return html.unescape("".join(out))


def _render_markdown_v2(text: str) -> str:
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        char = text[i]
        top = stack[-1][0] if stack else None
        if top == "](":
            if char == ")":
                stack.pop()
            i += 2 if char == "\\" else 1
        elif char == "\\":
            out.append(text[i + 1 : i + 2])
            i += 2
        elif top in ("`", "```"):
            if text.startswith(top, i):
                stack.pop()
                i += len(top)
            else:
                out.append(char)
                i += 1
        elif token := next((t for t in _MD_TOGGLES if text.startswith(t, i)), None):
            if top == token:
                stack.pop()
            else:
                stack.append((token, i))
            i += len(token)
        elif char == "[" or text.startswith("![", i):
            stack.append(("[", i))
            i += 1 if char == "[" else 2
        elif char == "]" and top == "[" and text.startswith("(", i + 1):
            stack[-1] = ("](", stack[-1][1])
            i += 2
        elif char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
        elif char in _MD_RESERVED:
            raise _fail(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            out.append(char)
            i += 1
    if stack:
        token, at = stack[-1]
        raise _fail(
            f"Can't find end of {_MD_NAMES[token]} entity at byte offset {_offset(text, at)}"
        )
    return "".join(out)
