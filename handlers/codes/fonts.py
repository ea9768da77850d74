"""Where the CJK font of the printed slips and of the /stats charts (handlers/stats/chart_font.py)
is: the one place that knows. Noto Sans CJK SC (SIL Open Font License 1.1) comes with the PyPI
package `mplfonts`, a main dependency, so the README's `pip install -e .` brings it; no system
font or apt step is needed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Final

FONT_PACKAGE: Final = "mplfonts"
FONT_FILE: Final = "fonts/NotoSansCJKsc-Regular.otf"
FONT_NAME: Final = "NotoSansCJKsc"


class FontMissing(RuntimeError):
    """The slips or the charts cannot be drawn: an operator's installation problem, never a
    user's."""


def cjk_font_path() -> Path:
    """The font file, found without importing `mplfonts` (which would import matplotlib)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / FONT_FILE
        if path.is_file():
            return path
    raise FontMissing(
        f"The letterbox slips and the /stats charts need the CJK font {FONT_FILE} of the Python"
        f" package {FONT_PACKAGE!r}, which is not installed: run `pip install -e .` in the bot's"
        " environment (see README.md)."
    )
