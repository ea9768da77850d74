"""The /stats charts as PNG images: pure functions of plain values (labels already in the
reader's language) to PNG bytes, drawn with matplotlib's object API (`Figure` and its own Agg
canvas, never pyplot's global figures), so they can run in a worker thread
(`asyncio.to_thread`); one lock lets one chart draw at a time, as matplotlib is not thread-safe.

Made for a phone: every chart is `CHART_SIZE_PX` (1080 × 1080), its texts at least 28 px, one
series (tickets: at most `MAX_STATUS_GROUPS` stacked statuses), every value written on its bar.
Labels that would overlap are broken onto lines or turned upright; rows beyond the limit are left
out with a note saying how many. Chinese renders in Noto Sans CJK SC (`chart_font.py`).

Empty data: each function still returns a chart of the same size, its title and a large
"No data yet" (`charts.no_data`), so the caller can always send the image. Values outside their
range (a share outside 0..1, a negative count or duration, NaN) raise `ValueError`: a bug of
the caller, never a user's input. Without the CJK font installed, `FontMissing`
(handlers/codes/fonts.py), as for the slips: an operator's problem."""

from __future__ import annotations

import io
import math
import re
import statistics
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Final

from babel.numbers import format_percent
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from bot.config import Language
from bot.i18n import LANGUAGES, number, t
from handlers.stats.chart_font import chart_families, drawable

CHART_SIZE_PX: Final = (1080, 1080)  # width, height: a square fills a phone's chat width
DPI: Final = 100
TITLE_PX: Final = 44
LABEL_PX: Final = 30
SMALL_PX: Final = 28  # the smallest text on any chart
MAX_VOTES: Final = 10  # the latest ones; older are left out with a note
MAX_ROWS: Final = 20  # buildings or categories, one row each
MAX_STATUS_GROUPS: Final = 5  # stacked statuses, the rarest merged into "other"
# Time-to-fix buckets: upper bounds in hours (the last is open) and their text keys.
BUCKETS: Final = (
    (24.0, "charts.bucket.under_day"),
    (72.0, "charts.bucket.one_to_three_days"),
    (168.0, "charts.bucket.three_to_seven_days"),
    (math.inf, "charts.bucket.over_week"),
)
# Okabe–Ito, readable with colour blindness; the first is every one-series chart's colour.
PALETTE: Final = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
OTHER_COLOUR: Final = "#8C8C8C"
INK: Final = "#1A1A1A"
MUTED: Final = "#4D4D4D"
_LOCALES: Final = {"zh": "zh_Hans_CN", "en": "en_GB"}
_RENDER_LOCK: Final = threading.Lock()


def participation_chart(votes: Sequence[tuple[str, float]], *, lang: str, title: str) -> bytes:
    """One bar per vote, oldest first (e.g. `("#7 11/20", 0.42)`), its share of the eligible
    households written as a percent on the bar, their average as a dashed line; the latest
    `MAX_VOTES` only."""
    return _render(lambda: _participation_figure(votes, lang=_language(lang), title=title))


def building_chart(buildings: Sequence[tuple[str, float]], *, lang: str, title: str) -> bytes:
    """One horizontal bar per building, in the order given, its share as a percent; the first
    `MAX_ROWS` only."""
    return _render(lambda: _building_figure(buildings, lang=_language(lang), title=title))


def tickets_chart(
    counts: Mapping[tuple[str, str], int],
    *,
    categories: Sequence[str],
    statuses: Sequence[str],
    lang: str,
    title: str,
) -> bytes:
    """One horizontal bar per category (in the order given), stacked by status (in the order
    given), each part's count written in it and the category's total at its end. Statuses that
    never occur are left out; beyond `MAX_STATUS_GROUPS`, the rarest merge into "other".
    `counts` maps (category, status) to a count; a pair missing is 0, a label not among
    `categories` or `statuses` is a `ValueError`."""
    return _render(
        lambda: _tickets_figure(
            counts, categories=categories, statuses=statuses, lang=_language(lang), title=title
        )
    )


def resolve_time_chart(hours: Sequence[float], *, lang: str, title: str) -> bytes:
    """How long fixed repairs took, in `BUCKETS` (under 24 h, 1–3 days, 3–7 days, over 7 days),
    the count on each bar and the median above."""
    return _render(lambda: _resolve_time_figure(hours, lang=_language(lang), title=title))


# --- the four figures ---------------------------------------------------------------------


def _participation_figure(
    votes: Sequence[tuple[str, float]], *, lang: Language, title: str
) -> Figure:
    for _, value in votes:
        _check_share(value)
    if not votes:
        return _empty_figure(title, lang)
    shown = list(votes)[-MAX_VOTES:]
    fig, ax, fonts = _figure(title)
    positions = list(range(len(shown)))
    shares = [share for _, share in shown]
    bars = ax.bar(positions, shares, width=0.7, color=PALETTE[0], zorder=2)
    _value_labels(ax, bars, [_percent(share, lang) for share in shares], fonts)
    average = statistics.fmean(shares)  # of the bars shown
    ax.axhline(average, color=PALETTE[1], linewidth=3, linestyle=(0, (6, 4)), zorder=1)
    ax.set_ylim(0, 1.15)
    ax.set_yticks([])
    ax.set_ylabel(t(lang, "charts.axis_participation"), fontproperties=fonts.label)
    notes = [t(lang, "charts.average", percent=_percent(average, lang))]
    _subtitle(ax, notes, fonts)
    _left_out(fig, len(votes) - len(shown), lang, fonts)
    labels = [_shortened(fig, _text(label), fonts.small, 300) for label, _ in shown]
    _fit_x_labels(fig, ax, labels, fonts.small)
    _fit_title(fig, fonts)
    return fig


def _building_figure(
    buildings: Sequence[tuple[str, float]], *, lang: Language, title: str
) -> Figure:
    for _, value in buildings:
        _check_share(value)
    if not buildings:
        return _empty_figure(title, lang)
    shown = list(buildings)[:MAX_ROWS]
    fig, ax, fonts = _figure(title)
    positions = list(range(len(shown)))
    shares = [share for _, share in shown]
    bars = ax.barh(positions, shares, height=0.7, color=PALETTE[0], zorder=2)
    _value_labels(ax, bars, [_percent(share, lang) for share in shares], fonts)
    ax.set_xlim(0, 1.2)
    ax.set_xticks([])
    ax.set_xlabel(t(lang, "charts.axis_building_share"), fontproperties=fonts.label)
    _row_labels(fig, ax, [label for label, _ in shown], fonts)
    _left_out(fig, len(buildings) - len(shown), lang, fonts)
    _fit_title(fig, fonts)
    return fig


def _tickets_figure(
    counts: Mapping[tuple[str, str], int],
    *,
    categories: Sequence[str],
    statuses: Sequence[str],
    lang: Language,
    title: str,
) -> Figure:
    for (category, status), count in counts.items():
        if category not in categories or status not in statuses:
            raise ValueError(f"({category!r}, {status!r}) is not among the labels given")
        if count < 0:
            raise ValueError(f"a negative count: {count}")
    if not any(counts.values()):
        return _empty_figure(title, lang)
    groups = _status_groups(counts, statuses, lang)
    shown = list(categories)[:MAX_ROWS]
    fig, ax, fonts = _figure(title)
    positions = list(range(len(shown)))
    lefts = [0] * len(shown)
    entries: list[tuple[str, str]] = []
    parts: list[tuple[Text, Rectangle]] = []
    for index, (name, members, merged) in enumerate(groups):
        widths = [sum(counts.get((c, s), 0) for s in members) for c in shown]
        colour = OTHER_COLOUR if merged else PALETTE[index]
        bars = ax.barh(positions, widths, left=lefts, height=0.7, color=colour)
        parts += _segment_labels(ax, bars, widths, lang, fonts, colour)
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
        entries.append((name, colour))
    most = max(lefts) or 1
    for position, total in zip(positions, lefts, strict=True):
        ax.text(  # inside the axes: the limits leave 18 % for the totals
            total + most * 0.015,
            position,
            number(total, lang),
            va="center",
            color=INK,
            fontproperties=fonts.label,
            in_layout=False,
        )
    ax.set_xlim(0, most * 1.18)
    ax.set_xticks([])
    ax.set_xlabel(t(lang, "charts.axis_tickets"), fontproperties=fonts.label)
    _row_labels(fig, ax, shown, fonts)
    _left_out(fig, len(categories) - len(shown), lang, fonts)
    _fit_title(fig, fonts)
    _legend(fig, entries, fonts)  # draws the figure: last
    _hide_unfitting(fig, parts)
    return fig


def _resolve_time_figure(hours: Sequence[float], *, lang: Language, title: str) -> Figure:
    for value in hours:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"a time to resolve must be ≥ 0 hours, not {value}")
    if not hours:
        return _empty_figure(title, lang)
    fig, ax, fonts = _figure(title)
    tally = [0] * len(BUCKETS)
    for value in hours:
        tally[next(i for i, (bound, _) in enumerate(BUCKETS) if value < bound)] += 1
    positions = list(range(len(BUCKETS)))
    bars = ax.bar(positions, tally, width=0.7, color=PALETTE[0], zorder=2)
    _value_labels(ax, bars, [number(count, lang) for count in tally], fonts)
    ax.set_ylim(0, max(tally) * 1.15)
    ax.set_yticks([])
    ax.set_ylabel(t(lang, "charts.axis_resolved"), fontproperties=fonts.label)
    ax.set_xlabel(t(lang, "charts.axis_time"), fontproperties=fonts.label)
    median = t(
        lang,
        "charts.resolved_summary",
        count=number(len(hours), lang),
        duration=_hours_text(statistics.median(hours), lang),
    )
    _subtitle(ax, [median], fonts)
    _fit_x_labels(fig, ax, [t(lang, key) for _, key in BUCKETS], fonts.label)
    _fit_title(fig, fonts)
    return fig


def _empty_figure(title: str, lang: Language) -> Figure:
    """The same size and title, and in large type: no data yet."""
    fig, ax, fonts = _figure(title)
    ax.set_axis_off()
    ax.text(
        0.5,
        0.55,
        t(lang, "charts.no_data"),
        ha="center",
        va="center",
        color=INK,
        fontproperties=_font(64),
    )
    ax.text(
        0.5,
        0.4,
        t(lang, "charts.no_data_hint"),
        ha="center",
        va="center",
        color=MUTED,
        fontproperties=fonts.label,
    )
    _fit_title(fig, fonts)
    return fig


# --- the pieces every chart shares ---------------------------------------------------------


class _Fonts:
    """The three sizes of one chart, all in the chart families."""

    def __init__(self) -> None:
        self.title = _font(TITLE_PX)
        self.label = _font(LABEL_PX)
        self.small = _font(SMALL_PX)


def _font(px: float) -> FontProperties:
    return FontProperties(family=list(chart_families()), size=px * 72 / DPI)


def _figure(title: str) -> tuple[Figure, Axes, _Fonts]:
    width, height = CHART_SIZE_PX
    margins = ConstrainedLayoutEngine(w_pad=0.25, h_pad=0.25)  # inches: 25 px at the edges
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout=margins)
    FigureCanvasAgg(fig)
    fonts = _Fonts()
    fig.suptitle(_text(title), color=INK, fontproperties=fonts.title)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, colors=INK, pad=8)
    return fig, ax, fonts


def _render(build: Callable[[], Figure]) -> bytes:
    with _RENDER_LOCK:
        fig = build()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _language(lang: str) -> Language:
    for known in LANGUAGES:
        if lang == known:
            return known
    raise ValueError(f"no such language: {lang!r}")


def _check_share(value: float) -> None:
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f"a share must be between 0 and 1, not {value}")


def _text(label: str) -> str:
    return drawable(label, chart_families())


def _percent(share: float, lang: Language) -> str:
    return format_percent(share, format="#,##0%", locale=_LOCALES[lang])


def _hours_text(hours: float, lang: Language) -> str:
    """18 h under two days, else days: one decimal under 10, whole numbers above."""
    key, amount = ("duration.hours", hours) if hours < 48 else ("duration.days", hours / 24)
    rounded = Decimal(str(round(amount, 1))) if amount < 10 else Decimal(round(amount))
    shown = int(rounded) if rounded == rounded.to_integral_value() else rounded
    return t(lang, key, n=number(shown, lang))


def _value_labels(ax: Axes, bars: BarContainer, labels: list[str], fonts: _Fonts) -> None:
    _outside_layout(
        ax.bar_label(
            bars,
            labels=labels,
            padding=6,
            color=INK,
            fontproperties=fonts.label,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},  # over the average's line
        )
    )


def _outside_layout(texts: Sequence[Text]) -> None:
    """Texts inside the axes (the limits leave them room) that the layout need not measure:
    measuring every bar's label is most of a chart's drawing time."""
    for text in texts:
        text.set_in_layout(False)


def _subtitle(ax: Axes, notes: list[str], fonts: _Fonts) -> None:
    ax.set_title(" · ".join(notes), color=MUTED, fontproperties=fonts.label, pad=16)


def _left_out(fig: Figure, count: int, lang: Language, fonts: _Fonts) -> None:
    if count > 0:
        note = t(lang, "charts.more_not_shown", count=number(count, lang))
        fig.supxlabel(note, color=MUTED, fontproperties=fonts.small)


def _renderer(fig: Figure) -> RendererAgg:
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    return canvas.get_renderer()


def _width_px(fig: Figure, text: str, font: FontProperties) -> float:
    renderer = _renderer(fig)
    return max(
        (
            renderer.get_text_width_height_descent(line, font, ismath=False)[0]
            for line in text.split("\n")
        ),
        default=0.0,
    )


# Where a line may break: between words, and between any two Chinese characters.
_BREAKABLE: Final = re.compile(r"\s+|[^\s\u2e80-\u9fff\uff00-\uffef]+|.")


def _wrapped(fig: Figure, text: str, font: FontProperties, max_px: float) -> str:
    """`text` in as few lines as fit `max_px`, broken at spaces or between Chinese characters
    (full-width punctuation stays with the character before it)."""
    lines = [""]
    for piece in _BREAKABLE.findall(text):
        candidate = lines[-1] + piece
        if not lines[-1] or _width_px(fig, candidate, font) <= max_px or _sticks(piece):
            lines[-1] = candidate
        elif not piece.isspace():
            lines.append(piece)
    return "\n".join(line.strip() for line in lines)


def _sticks(piece: str) -> bool:
    """Punctuation that must not begin a line (，。：；！？、）) and spaces."""
    return piece.isspace() or piece in "，。：；！？、）」』"


def _shortened(fig: Figure, text: str, font: FontProperties, max_px: float) -> str:
    """`text`, cut with an ellipsis to fit `max_px`."""
    if _width_px(fig, text, font) <= max_px:
        return text
    while len(text) > 1 and _width_px(fig, text + "…", font) > max_px:
        text = text[:-1]
    return text.rstrip() + "…"


def _fit_title(fig: Figure, fonts: _Fonts) -> None:
    title = fig.get_suptitle()
    fig.suptitle(
        _wrapped(fig, title, fonts.title, CHART_SIZE_PX[0] * 0.92),
        color=INK,
        fontproperties=fonts.title,
    )


def _row_labels(fig: Figure, ax: Axes, labels: Sequence[str], fonts: _Fonts) -> None:
    """Row labels, top row first, each cut to at most a third of the width."""
    max_px = CHART_SIZE_PX[0] / 3
    texts = [_shortened(fig, _text(label), fonts.label, max_px) for label in labels]
    ax.set_yticks(range(len(texts)), labels=texts, fontproperties=fonts.label)
    ax.set_ylim(len(texts) - 0.5, -0.5)


def _fit_x_labels(fig: Figure, ax: Axes, labels: list[str], font: FontProperties) -> None:
    """Bar labels below the bars: as they are, else broken at their spaces, else upright;
    measured against the room between two bars once the layout is drawn."""
    positions = range(len(labels))
    ax.set_xticks(positions, labels=labels, fontproperties=font)
    fig.draw_without_rendering()
    (left, _), (right, _) = ax.transData.transform([(0, 0), (1, 0)])
    room = right - left - 8
    for texts in (labels, [label.replace(" ", "\n") for label in labels]):
        if max(_width_px(fig, text, font) for text in texts) <= room:
            ax.set_xticks(positions, labels=texts, fontproperties=font)
            return
    ax.set_xticks(positions, labels=labels, fontproperties=font, rotation=90)


def _segment_labels(
    ax: Axes,
    bars: BarContainer,
    widths: list[int],
    lang: Language,
    fonts: _Fonts,
    colour: str,
) -> list[tuple[Text, Rectangle]]:
    """A stacked part's count inside it, each with its part (see `_hide_unfitting`)."""
    labels = ax.bar_label(
        bars,
        labels=[number(width, lang) if width else "" for width in widths],
        label_type="center",
        color=_ink_on(colour),
        fontproperties=fonts.small,
    )
    _outside_layout(labels)
    return [
        (label, bar)
        for label, bar in zip(labels, bars.patches, strict=True)
        if isinstance(bar, Rectangle)
    ]


def _hide_unfitting(fig: Figure, parts: list[tuple[Text, Rectangle]]) -> None:
    """Counts too wide for their part are left out (the total at the bar's end says the rest);
    once the layout is final, as it decides the parts' widths."""
    renderer = _renderer(fig)
    for label, bar in parts:
        if label.get_window_extent(renderer).width + 8 > bar.get_window_extent(renderer).width:
            label.set_text("")


def _ink_on(colour: str) -> str:
    """Black or white text on `colour`, whichever contrasts more (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return INK if luminance > 0.179 else "white"


def _status_groups(
    counts: Mapping[tuple[str, str], int], statuses: Sequence[str], lang: Language
) -> list[tuple[str, list[str], bool]]:
    """The statuses that occur, in the order given, as (label, statuses, merged); beyond
    `MAX_STATUS_GROUPS`, the largest `MAX_STATUS_GROUPS - 1` stay and the rest are one
    "other" group, last."""
    totals = {s: sum(n for (_, status), n in counts.items() if status == s) for s in statuses}
    present = [s for s in statuses if totals[s] > 0]
    if len(present) <= MAX_STATUS_GROUPS:
        return [(_text(s), [s], False) for s in present]
    ranked = sorted(present, key=lambda s: (-totals[s], present.index(s)))
    kept = set(ranked[: MAX_STATUS_GROUPS - 1])
    groups = [(_text(s), [s], False) for s in present if s in kept]
    return [*groups, (t(lang, "charts.other"), [s for s in present if s not in kept], True)]


def _legend(fig: Figure, entries: list[tuple[str, str]], fonts: _Fonts) -> None:
    """The statuses below the bars, in as many columns as fit the width (measured from the
    texts, then checked on the drawn figure), reading row by row."""
    em = SMALL_PX
    widths = [(1.2 + 0.8) * em + _width_px(fig, name, fonts.small) for name, _ in entries]
    columns = len(entries)
    while columns > 1 and _row_width(widths, columns, em) > CHART_SIZE_PX[0] * 0.9:
        columns -= 1
    patches = [Patch(facecolor=colour, label=name) for name, colour in entries]
    while True:
        # matplotlib fills a legend column by column: ordered so that it reads row by row
        rows = -(-len(patches) // columns)
        handles = [
            patches[row * columns + column]
            for column in range(columns)
            for row in range(rows)
            if row * columns + column < len(patches)
        ]
        legend = fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            prop=fonts.small,
            handlelength=1.2,
            handletextpad=0.8,
            columnspacing=1.2,
        )
        fig.draw_without_rendering()
        width = legend.get_window_extent(_renderer(fig)).width
        if columns == 1 or width <= CHART_SIZE_PX[0] * 0.94:
            return
        legend.remove()
        columns -= 1


def _row_width(widths: list[float], columns: int, em: float) -> float:
    """A legend's width in `columns`, entry i in column i % columns."""
    column_widths = [max(widths[i::columns]) for i in range(columns)]
    return sum(column_widths) + (columns - 1) * 1.2 * em + 2 * em
