"""Unit tests of the fake's pure helpers: flood windows, markup parsing, command entities."""

from __future__ import annotations

import pytest

from .errors import ApiError
from .files import image_size
from .limits import FloodGate, FloodLimits
from .markup import render
from .text import command_entities, leading_command, utf16_len
from .updates import UpdateQueue


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_private_burst_window_and_retry_after() -> None:
    clock = Clock()
    gate = FloodGate(FloodLimits(private_burst=3, private_window=3.0), clock)
    assert [gate.try_acquire(1, private=True) for _ in range(3)] == [None, None, None]
    clock.now += 0.5
    assert gate.try_acquire(1, private=True) == 3  # ceil(2.5)
    assert gate.try_acquire(2, private=True) is None  # other chats are independent
    clock.now += 2.4
    assert gate.try_acquire(1, private=True) == 1  # 0.1 s left -> at least 1
    clock.now += 0.2
    assert gate.try_acquire(1, private=True) is None


def test_group_and_overall_windows() -> None:
    clock = Clock()
    limits = FloodLimits(group_per_minute=20, overall_per_second=30, private_burst=None)
    gate = FloodGate(limits, clock)
    for _ in range(20):
        assert gate.try_acquire(-5, private=False) is None
        clock.now += 1.0
    assert gate.try_acquire(-5, private=False) == 40  # first hit (t=0) frees at t=60; now t=20
    clock.now += 40
    assert gate.try_acquire(-5, private=False) is None
    for user in range(29):  # + the group send above = 30 in this second
        assert gate.try_acquire(user, private=True) is None
    assert gate.try_acquire(99, private=True) == 1


def test_unlimited_never_refuses() -> None:
    gate = FloodGate(FloodLimits.unlimited(), Clock())
    assert all(gate.try_acquire(1, private=True) is None for _ in range(1000))


def test_update_queue_offsets_and_filter() -> None:
    queue = UpdateQueue(first_id=10)
    ids = [queue.push("message", {}), queue.push("chat_member", {}), queue.push("message", {})]
    assert ids == [10, 11, 12]
    assert [u["update_id"] for u in queue.take(100)] == [10, 12]  # chat_member not default
    queue.confirm(11)
    assert [u["update_id"] for u in queue.take(1)] == [12]
    queue.push("message", {})
    queue.confirm(-1)
    assert [u["update_id"] for u in queue.take(100)] == [13]


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("<b>bold</b> &amp; <a href='https://x.org/?a=1&b=2'>link</a>", "bold & link"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ('<pre><code class="language-python">1 &lt; 2</code></pre>', "1 < 2"),
        ("<blockquote expandable>q</blockquote>", "q"),
    ],
)
def test_html_valid(text: str, visible: str) -> None:
    assert render(text, "HTML") == visible


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("ä<p>", 'Unsupported start tag "p" at byte offset 2'),
    ],
)
def test_html_invalid(text: str, error: str) -> None:
    with pytest.raises(ApiError) as info:
        render(text, "html")
    assert info.value.status == 400
    assert info.value.description.startswith("Bad Request: can't parse entities: ")
    assert error in info.value.description


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("*bold* _it_ __u__ ~s~ ||sp||", "bold it u s sp"),
        ("Price: 5\\.00 \\- done\\!", "Price: 5.00 - done!"),
        ("[site](https://example.org/a_(b\\))", "site"),
        ("`a.b` ```\ncode.x\n```", "a.b \ncode.x\n"),
        ("> quoted", " quoted"),
    ],
)
def test_markdown_v2_valid(text: str, visible: str) -> None:
    assert render(text, "MarkdownV2") == visible


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Hello.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("3-2-501", "Character '-' is reserved"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("ok `code", "Can't find end of Code entity at byte offset 3"),
    ],
)
def test_markdown_v2_invalid(text: str, error: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as info:
        render(text, "MarkdownV2")
    assert error in info.value.description


def test_other_parse_modes_are_untouched() -> None:
    assert render("a < b. *x", None) == "a < b. *x"
    assert render("a < b. *x", "Markdown") == "a < b. *x"


def test_command_entities_use_utf16_offsets() -> None:
    text = "😀 hi /join@community_test_bot 3 and /help"
    assert command_entities(text) == [
        {"type": "bot_command", "offset": 6, "length": 24},
        {"type": "bot_command", "offset": 37, "length": 5},
    ]
    assert utf16_len("😀") == 2
    assert leading_command("/join@Bot x") == ("join", "Bot")
    assert leading_command("/units") == ("units", None)
    assert leading_command("see /units") is None
    assert command_entities("a/b http://x/y") == []


def test_image_size_of_png_gif_and_jpeg() -> None:
    png = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + (640).to_bytes(4, "big")
        + (480).to_bytes(4, "big")
    )
    gif = b"GIF89a" + (3).to_bytes(2, "little") + (2).to_bytes(2, "little")
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08"
        + (7).to_bytes(2, "big")
        + (9).to_bytes(2, "big")
        + b"\x03"
        + b"\x00" * 12
    )
    assert image_size(png) == (640, 480)
    assert image_size(gif) == (3, 2)
    assert image_size(jpeg) == (9, 7)
    assert image_size(b"nope") is None
