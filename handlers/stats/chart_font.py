"""The charts' fonts: Noto Sans CJK SC (found by `handlers/codes/fonts.py`, the one place that
knows where it is) registered with matplotlib once, DejaVu Sans (matplotlib's own) behind it
for the few glyphs Noto lacks; and `drawable`, which leaves out what neither font can draw
(the emoji of the category labels), so no label is ever drawn with the empty-box glyph."""

from __future__ import annotations

import functools
import threading
import unicodedata

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from handlers.codes.fonts import cjk_font_path

FALLBACK_FAMILY = "DejaVu Sans"
_REGISTER_LOCK = threading.Lock()


@functools.cache
def _registered_cjk_family() -> str:
    path = str(cjk_font_path())
    with _REGISTER_LOCK:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def chart_families() -> tuple[str, ...]:
    """The font families every chart text asks for, in order: matplotlib takes each glyph from
    the first family that has it. Raises `FontMissing` when the CJK font is not installed."""
    return (_registered_cjk_family(), FALLBACK_FAMILY)


@functools.cache
def _codepoints(family: str) -> frozenset[int]:
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    return frozenset(FT2Font(path).get_charmap())


def drawable(text: str, families: tuple[str, ...]) -> str:
    """`text` without symbols (the emoji of the category labels, ⚠, their variation
    selectors) and without what none of `families` has, spaces squeezed:
    "💧 Water & electricity" becomes "Water & electricity"."""

    def kept(ch: str) -> bool:
        if ch in "\n ":
            return True
        if unicodedata.category(ch) in ("So", "Cf", "Co", "Cn") or 0xFE00 <= ord(ch) <= 0xFE0F:
            return False
        return any(ord(ch) in _codepoints(family) for family in families)

    lines = "".join(ch for ch in text if kept(ch)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines)
