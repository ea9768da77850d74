"""The /stats charts as a phone shows them: valid PNGs of exactly 1080 × 1080, Chinese drawn
in Noto Sans CJK SC with a real glyph for every character (no empty boxes: matplotlib warns of
a missing glyph, and the same check fails with a Latin-only font), English too, labels that do
not overlap with ten votes, values written on the bars as worked out by hand, and a "no data
yet" chart for empty data. The figures are read before they become bytes (`_…_figure`), the
bytes through Pillow."""

from __future__ import annotations

import io
import itertools
import logging
import statistics
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from bot.config import Language
from handlers.codes import fonts
from handlers.codes.fonts import FontMissing, cjk_font_path
from handlers.stats import chart_font, charts
from handlers.stats.chart_font import chart_families, drawable

SIZE = (1080, 1080)
TITLE_ZH = "阳光花园：最近投票的参与率"
# ten votes, oldest first, as the stats will label them: number and day
VOTES = [
    (f"#{n} 11/{n + 10}", share)
    for n, share in zip(range(3, 13), itertools.cycle((0.42, 0.7, 0.15)), strict=False)
]
BUILDINGS_ZH = [(f"{n}号楼", n / 25) for n in range(1, 8)]
CATEGORIES_ZH = ["💧 水电", "🛗 电梯", "🧹 环境卫生"]
STATUSES_ZH = ["已报修", "处理中", "已修好"]
TICKETS_ZH = {
    ("💧 水电", "已报修"): 3,
    ("💧 水电", "已修好"): 5,
    ("🛗 电梯", "处理中"): 2,
    ("🧹 环境卫生", "已修好"): 1,
}
HOURS = [0.5, 23.9, 24, 71.9, 72, 167.9, 168, 400, 1000]


def png_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()  # decodes every row: a truncated or corrupt file fails here
    return image


def texts(fig: Figure) -> list[Text]:
    """Every text the figure draws, laid out as it will be drawn."""
    fig.draw_without_rendering()
    return [
        text
        for text in fig.findobj(Text)
        if isinstance(text, Text) and text.get_visible() and text.get_text().strip()
    ]


def words(fig: Figure) -> list[str]:
    return [text.get_text() for text in texts(fig)]


def axes(fig: Figure) -> Axes:
    (ax,) = fig.axes
    return ax


def bars(ax: Axes) -> list[Rectangle]:
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


def renderer(fig: Figure) -> RendererAgg:
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    return canvas.get_renderer()


def boxes_overlap(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def assert_apart_and_inside(fig: Figure, labels: list[Text]) -> None:
    boxes = [label.get_window_extent(renderer(fig)) for label in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b), (a, b)
    for box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= SIZE[0] and box.y1 <= SIZE[1], box


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


@contextmanager
def glyph_trouble() -> Iterator[list[str]]:
    """Every warning and every font complaint matplotlib logs while the block draws, in the
    list once the block has ended (pytest would turn a warning into an error: here they are
    collected, to be asserted on)."""
    found: list[str] = []
    handler = _Collect(found)
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
    finally:
        logger.removeHandler(handler)
    found.extend(str(w.message) for w in caught)


ALL_FOUR_ZH: dict[str, Callable[[], bytes]] = {
    "participation": lambda: charts.participation_chart(VOTES, lang="zh", title=TITLE_ZH),
    "buildings": lambda: charts.building_chart(BUILDINGS_ZH, lang="zh", title="各楼参与率"),
    "tickets": lambda: charts.tickets_chart(
        TICKETS_ZH, categories=CATEGORIES_ZH, statuses=STATUSES_ZH, lang="zh", title="报修单"
    ),
    "resolve": lambda: charts.resolve_time_chart(HOURS, lang="zh", title="修好用了多久"),
}
ALL_FOUR_EN: dict[str, Callable[[], bytes]] = {
    "participation": lambda: charts.participation_chart(VOTES, lang="en", title="Participation"),
    "buildings": lambda: charts.building_chart(
        [("Building 1", 0.5), ("Building 2", 0.25)], lang="en", title="By building"
    ),
    "tickets": lambda: charts.tickets_chart(
        {("🛗 Elevator", "reported"): 2, ("⚠️ Safety hazard", "fixed and rated"): 4},
        categories=["🛗 Elevator", "⚠️ Safety hazard"],
        statuses=["reported", "fixed and rated"],
        lang="en",
        title="Repair reports",
    ),
    "resolve": lambda: charts.resolve_time_chart(HOURS, lang="en", title="Time to fix"),
}


def figures_zh() -> dict[str, Figure]:
    return {
        "participation": charts._participation_figure(VOTES, lang="zh", title=TITLE_ZH),
        "buildings": charts._building_figure(BUILDINGS_ZH, lang="zh", title="各楼参与率"),
        "tickets": charts._tickets_figure(
            TICKETS_ZH, categories=CATEGORIES_ZH, statuses=STATUSES_ZH, lang="zh", title="报修单"
        ),
        "resolve": charts._resolve_time_figure(HOURS, lang="zh", title="修好用了多久"),
        "empty": charts._empty_figure("报修单", "zh"),
    }


# --- the images -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL_FOUR_ZH))
def test_each_chart_is_a_png_of_the_chart_size_in_both_languages(name: str) -> None:
    assert charts.CHART_SIZE_PX == SIZE
    for draw in (ALL_FOUR_ZH[name], ALL_FOUR_EN[name]):
        image = png_of(draw())
        assert image.size == SIZE
        # not blank: the bars and texts are darker than the white page
        darkest, _ = image.convert("L").getextrema()
        assert isinstance(darkest, int) and darkest < 100


def test_text_is_at_least_28_px_on_every_chart() -> None:
    for name, fig in figures_zh().items():
        for text in texts(fig):
            px = float(text.get_fontsize()) * fig.dpi / 72
            assert px >= 28 - 1e-9, (name, text.get_text(), px)


def test_the_charts_can_be_drawn_in_worker_threads_at_once() -> None:
    draws = [*ALL_FOUR_ZH.values(), *ALL_FOUR_EN.values()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(lambda draw: draw(), draws))
    assert [png_of(data).size for data in images] == [SIZE] * len(draws)


# --- Chinese: the font and its glyphs ------------------------------------------------------------


def test_matplotlib_resolves_the_charts_font_to_noto_sans_cjk() -> None:
    noto = cjk_font_path()
    assert noto.name == "NotoSansCJKsc-Regular.otf"
    first = chart_families()[0]
    found = font_manager.findfont(
        font_manager.FontProperties(family=first), fallback_to_default=False
    )
    assert Path(found) == noto


def test_every_chinese_character_drawn_has_its_glyph_in_the_font_used() -> None:
    noto = str(cjk_font_path())
    font = FT2Font(noto)
    seen: set[str] = set()
    for name, fig in figures_zh().items():
        for text in texts(fig):
            used = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
            assert used == noto, (name, text.get_text(), used)
            for ch in text.get_text():
                if not ch.isspace():
                    assert font.get_char_index(ord(ch)) != 0, (name, ch)
                    seen.add(ch)
    # the check saw the Chinese it is about: titles, axis texts, buckets, the empty chart
    assert set("阳光花园参加投票的户数占比平均已修好天以内没有数据") <= seen


def test_drawing_the_chinese_charts_warns_of_no_missing_glyph() -> None:
    with glyph_trouble() as trouble:
        for draw in ALL_FOUR_ZH.values():
            png_of(draw())
        png_of(charts.participation_chart([], lang="zh", title=TITLE_ZH))
    assert trouble == []


def test_the_same_checks_fail_with_a_latin_only_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "chart_families", lambda: ("DejaVu Sans",))
    with glyph_trouble() as trouble:
        png_of(charts.resolve_time_chart(HOURS, lang="zh", title="修好用了多久"))
    assert any("missing from font" in message for message in trouble), trouble
    dejavu = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False
    )
    assert FT2Font(dejavu).get_char_index(ord("修")) == 0
    assert FT2Font(str(cjk_font_path())).get_char_index(ord("修")) != 0


def test_emoji_of_the_labels_are_left_out_rather_than_drawn_as_boxes() -> None:
    fig = charts._tickets_figure(
        TICKETS_ZH, categories=CATEGORIES_ZH, statuses=STATUSES_ZH, lang="zh", title="🔧 报修单"
    )
    drawn = words(fig)
    assert [t.get_text() for t in axes(fig).get_yticklabels()] == ["水电", "电梯", "环境卫生"]
    assert "报修单" in drawn
    assert not any("💧" in w or "🔧" in w for w in drawn)
    with glyph_trouble() as trouble:
        png_of(ALL_FOUR_EN["tickets"]())
        png_of(charts.building_chart([("🏠 1号楼", 0.5)], lang="zh", title="🏠 各楼"))
    assert trouble == []
    assert drawable("⚠️ Safety hazard", chart_families()) == "Safety hazard"
    assert drawable("3号楼 · A座", chart_families()) == "3号楼 · A座"


# --- what each chart says, worked out by hand ---------------------------------------------


def test_participation_one_bar_per_vote_with_its_percent_and_the_average() -> None:
    fig = charts._participation_figure(VOTES, lang="zh", title=TITLE_ZH)
    ax = axes(fig)
    heights = [round(bar.get_height(), 6) for bar in bars(ax)]
    assert heights == [0.42, 0.7, 0.15, 0.42, 0.7, 0.15, 0.42, 0.7, 0.15, 0.42]
    drawn = words(fig)
    for label in ("42%", "70%", "15%"):
        assert label in drawn
    # (4 × 0.42 + 3 × 0.7 + 3 × 0.15) / 10 = 0.423
    assert "平均 42%" in drawn
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [pytest.approx(0.423)] * 2  # type: ignore[arg-type]
    assert [t.get_text().split() for t in ax.get_xticklabels()] == [
        [f"#{n}", f"11/{n + 10}"] for n in range(3, 13)
    ]


def test_ten_votes_labels_stay_apart_and_inside_the_image() -> None:
    long = [(f"#{n} 2026-11-{n:02d}", 0.5) for n in range(101, 111)]
    for votes in (VOTES, long):
        fig = charts._participation_figure(votes, lang="en", title="Participation")
        ax = axes(fig)
        fig.draw_without_rendering()
        assert_apart_and_inside(fig, list(ax.get_xticklabels()))
        values = [t for t in ax.texts if t.get_text().endswith("%")]
        assert len(values) == 10
        assert_apart_and_inside(fig, values)


def test_more_than_ten_votes_show_the_latest_ten_and_say_so() -> None:
    votes = [("#1", 1.0), ("#2", 1.0)] + [(f"#{n}", 0.1) for n in range(3, 13)]
    fig = charts._participation_figure(votes, lang="en", title="Participation")
    assert [t.get_text() for t in axes(fig).get_xticklabels()] == [f"#{n}" for n in range(3, 13)]
    assert "2 more not shown" in words(fig)
    assert "average 10%" in words(fig)  # of the ten bars shown, not of the two left out
    fig = charts._participation_figure(votes, lang="zh", title=TITLE_ZH)
    assert "另有 2 项没有画出" in words(fig)


def test_buildings_one_row_each_top_down_with_percent_and_the_rest_counted() -> None:
    fig = charts._building_figure(BUILDINGS_ZH, lang="zh", title="各楼参与率")
    ax = axes(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{n}号楼" for n in range(1, 8)]
    # 1/25 = 4 %, 2/25 = 8 %, … 7/25 = 28 %
    assert [t.get_text() for t in ax.texts] == ["4%", "8%", "12%", "16%", "20%", "24%", "28%"]
    top, bottom = ax.get_yticklabels()[0], ax.get_yticklabels()[-1]
    fig.draw_without_rendering()
    assert top.get_window_extent(renderer(fig)).y0 > bottom.get_window_extent(renderer(fig)).y0

    many = [(f"{n}号楼", 0.5) for n in range(1, 26)]
    fig = charts._building_figure(many, lang="zh", title="各楼参与率")
    labels = list(axes(fig).get_yticklabels())
    assert [t.get_text() for t in labels] == [f"{n}号楼" for n in range(1, 21)]
    assert "另有 5 项没有画出" in words(fig)
    fig.draw_without_rendering()
    assert_apart_and_inside(fig, labels)


def test_a_long_building_name_is_shortened_to_a_third_of_the_width() -> None:
    name = "Building 3 of the North Garden, the one beside the school"
    fig = charts._building_figure([(name, 0.5)], lang="en", title="By building")
    (label,) = axes(fig).get_yticklabels()
    assert label.get_text().endswith("…") and name.startswith(label.get_text()[:-1].rstrip())
    fig.draw_without_rendering()
    assert label.get_window_extent(renderer(fig)).width <= SIZE[0] / 3


def test_tickets_stacked_by_status_with_counts_and_totals() -> None:
    fig = charts._tickets_figure(
        TICKETS_ZH, categories=CATEGORIES_ZH, statuses=STATUSES_ZH, lang="zh", title="报修单"
    )
    ax = axes(fig)
    # rows 水电, 电梯, 环境卫生; stacks 已报修, 处理中, 已修好
    widths = [bar.get_width() for bar in bars(ax)]
    assert widths == [3, 0, 0, 0, 2, 0, 5, 0, 1]
    lefts = [bar.get_x() for bar in bars(ax)]
    assert lefts == [0, 0, 0, 3, 0, 0, 3, 2, 0]
    drawn = [t.get_text() for t in ax.texts]
    assert [d for d in drawn if d] == ["3", "2", "5", "1", "8", "2", "1"]  # parts, then totals
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["已报修", "处理中", "已修好"]


def test_more_than_five_statuses_merge_the_rarest_into_other() -> None:
    statuses = [
        "reported",
        "acknowledged",
        "in progress",
        "resolved",
        "reopened",
        "closed",
        "rejected",
    ]
    per_status = {
        "reported": 5,
        "acknowledged": 1,
        "in progress": 4,
        "resolved": 2,
        "reopened": 1,
        "closed": 9,
        "rejected": 3,
    }
    counts = {("Elevator", s): n for s, n in per_status.items()}
    fig = charts._tickets_figure(
        counts, categories=["Elevator"], statuses=statuses, lang="en", title="Repair reports"
    )
    legend = fig.legends[0]
    # the four largest (closed 9, reported 5, in progress 4, rejected 3) in the order given,
    # then acknowledged 1 + resolved 2 + reopened 1 = 4 as "other"
    shown = sorted(t.get_text() for t in legend.get_texts())
    assert shown == sorted(["reported", "in progress", "closed", "rejected", "other"])
    assert [bar.get_width() for bar in bars(axes(fig))] == [5, 4, 9, 3, 4]
    assert "25" in words(fig)  # the total: 5 + 1 + 4 + 2 + 1 + 9 + 3


def test_the_legend_fits_the_width_and_reads_row_by_row() -> None:
    statuses = [
        "reported",
        "acknowledged",
        "in progress",
        "resolved, waiting for the reporter",
        "closed",
    ]
    counts = {("Elevator", s): 2 for s in statuses}
    fig = charts._tickets_figure(
        counts, categories=["Elevator"], statuses=statuses, lang="en", title="Repair reports"
    )
    fig.draw_without_rendering()
    legend = fig.legends[0]
    box = legend.get_window_extent(renderer(fig))
    assert box.x0 >= 0 and box.x1 <= SIZE[0]
    entries = sorted(
        legend.get_texts(),
        key=lambda t: (
            -round(t.get_window_extent(renderer(fig)).y0),
            t.get_window_extent(renderer(fig)).x0,
        ),
    )
    assert [t.get_text() for t in entries] == statuses


def test_time_to_fix_in_four_buckets_with_counts_and_the_median() -> None:
    # under 24 h: 0.5, 23.9; 1–3 days: 24, 71.9; 3–7 days: 72, 167.9; over 7: 168, 400, 1000
    fig = charts._resolve_time_figure(HOURS, lang="zh", title="修好用了多久")
    ax = axes(fig)
    assert [bar.get_height() for bar in bars(ax)] == [2, 2, 2, 3]
    assert [t.get_text() for t in ax.texts] == ["2", "2", "2", "3"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "1天以内",
        "1到3天",
        "3到7天",
        "7天以上",
    ]
    assert statistics.median(HOURS) == 72  # 3 days
    assert "已修好 9 单 · 一般用时 3 天" in words(fig)
    fig = charts._resolve_time_figure(HOURS, lang="en", title="Time to fix")
    assert [t.get_text() for t in axes(fig).get_xticklabels()] == [
        "under 24 h",
        "1–3 days",
        "3–7 days",
        "over 7 days",
    ]
    assert "9 fixed · median 3 d" in words(fig)


def test_a_short_median_is_in_hours_with_one_decimal() -> None:
    fig = charts._resolve_time_figure([2.25, 5.5, 9.1, 30.0], lang="en", title="Time to fix")
    assert "4 fixed · median 7.3 h" in words(fig)  # (5.5 + 9.1) / 2 = 7.3


def test_english_charts_say_it_in_english() -> None:
    fig = charts._participation_figure(VOTES, lang="en", title="Sunny Garden: participation")
    drawn = words(fig)
    assert "Households that voted" in drawn and "average 42%" in drawn
    assert "Sunny Garden: participation" in drawn
    with glyph_trouble() as trouble:
        for draw in ALL_FOUR_EN.values():
            png_of(draw())
    assert trouble == []


@pytest.mark.parametrize(
    "title",
    [
        "阳光花园小区第三期各楼栋住户参加最近十次投票的情况一览表，以及与上月的比较",
        "Sunny Garden 阳光花园：各楼栋住户参加最近十次投票的情况一览表以及与上月的比较",
        "Sunny Garden, phase three: participation of every building in the last ten votes",
    ],
)
def test_a_long_title_is_wrapped_to_the_width(title: str) -> None:
    fig = charts._participation_figure(VOTES, lang="zh", title=title)
    lines = fig.get_suptitle().split("\n")
    assert len(lines) == 2
    # nothing lost: Chinese joins without spaces, English at the space it was broken
    assert title in ("".join(lines), " ".join(lines))
    assert all(line == line.strip() for line in lines)
    assert not lines[1].startswith(("，", "：", "。"))
    fig.draw_without_rendering()
    heading = next(t for t in texts(fig) if t.get_text() == fig.get_suptitle())
    box = heading.get_window_extent(renderer(fig))
    assert box.x0 >= 0 and box.x1 <= SIZE[0]


def test_long_vote_labels_are_shortened_and_turned_upright() -> None:
    votes = [(f"#{n} Repaint the bicycle shed and the railings", 0.3) for n in range(1, 11)]
    fig = charts._participation_figure(votes, lang="en", title="Participation")
    labels = list(axes(fig).get_xticklabels())
    assert all(label.get_text().endswith("…") for label in labels)
    assert {label.get_rotation() for label in labels} == {90}
    fig.draw_without_rendering()
    assert_apart_and_inside(fig, labels)
    for label in labels:
        assert label.get_window_extent(renderer(fig)).height <= 300


# --- empty and bad data ---------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "no_data"), [("zh", "暂时还没有数据"), ("en", "No data yet")])
def test_empty_data_gives_a_chart_saying_no_data_yet(lang: Language, no_data: str) -> None:
    empties: list[Callable[[], Figure]] = [
        lambda: charts._participation_figure([], lang=lang, title="T"),
        lambda: charts._building_figure([], lang=lang, title="T"),
        lambda: charts._tickets_figure(
            {},
            categories=["a"],
            statuses=["b"],
            lang=lang,
            title="T",
        ),
        lambda: charts._tickets_figure(
            {("a", "b"): 0},
            categories=["a"],
            statuses=["b"],
            lang=lang,
            title="T",
        ),
        lambda: charts._resolve_time_figure([], lang=lang, title="T"),
    ]
    for empty in empties:
        fig = empty()
        assert no_data in words(fig) and "T" in words(fig)
        assert not axes(fig).patches
    image = png_of(charts.tickets_chart({}, categories=[], statuses=[], lang=lang, title="T"))
    assert image.size == SIZE


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.participation_chart([("#1", 1.5)], lang="zh", title="T"),
        lambda: charts.participation_chart([("#1", -0.1)], lang="zh", title="T"),
        lambda: charts.building_chart([("1号楼", float("nan"))], lang="zh", title="T"),
        lambda: charts.resolve_time_chart([-1.0], lang="zh", title="T"),
        lambda: charts.resolve_time_chart([float("inf")], lang="zh", title="T"),
        lambda: charts.tickets_chart(
            {("a", "x"): 1}, categories=["a"], statuses=["b"], lang="zh", title="T"
        ),
        lambda: charts.tickets_chart(
            {("a", "b"): -1}, categories=["a"], statuses=["b"], lang="zh", title="T"
        ),
        lambda: charts.participation_chart([("#1", 0.5)], lang="fr", title="T"),
    ],
)
def test_values_out_of_range_are_the_callers_bug(draw: Callable[[], bytes]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        draw()


def test_without_the_font_package_the_operator_is_told_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package")
    chart_font._registered_cjk_family.cache_clear()
    try:
        with pytest.raises(FontMissing, match=r"/stats charts.*no_such_font_package.*pip install"):
            charts.participation_chart(VOTES, lang="zh", title=TITLE_ZH)
    finally:
        chart_font._registered_cjk_family.cache_clear()
