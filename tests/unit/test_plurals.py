"""English words agree with the count they stand next to (`bot.i18n.counted`); Chinese has no
plural forms and reads as before."""

from __future__ import annotations

import pytest

from bot.i18n import counted, t


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, " — 1 more household needed"),
        (2, " — 2 more households needed"),
        (0, " — 0 more households needed"),
        (1200, " — 1,200 more households needed"),
    ],
)
def test_the_english_shortfall_agrees_with_its_count(n: int, expected: str) -> None:
    assert t("en", "votes.missing_count", n=counted(n, "en")) == expected


def test_chinese_has_one_form() -> None:
    assert t("zh", "votes.missing_count", n=counted(1, "zh")) == "，还差 1 户"
    assert t("zh", "votes.missing_count", n=counted(2, "zh")) == "，还差 2 户"
    assert t("zh", "progress.reminded", count=counted(3, "zh")).startswith("正在私聊提醒 3 户。")


def test_headers_and_reminders_agree() -> None:
    one = t("en", "pending.header", community="Sunny Garden", count=counted(1, "en"))
    two = t("en", "owner.pending_header", community="Sunny Garden", count=counted(2, "en"))
    assert one == "Sunny Garden: 1 join request waiting:"
    assert two == "Sunny Garden: 2 owner checks waiting:"
    assert t("en", "progress.reminded", count=counted(1, "en")).startswith(
        "Reminders are going out to 1 household. "
    )


def test_a_rep_of_several_buildings() -> None:
    one = counted(1, "en", "2")
    two = counted(2, "en", "1, 2")
    assert t("en", "role.rep_of", role="building rep", buildings=one) == (
        "building rep of building 2"
    )
    assert t("en", "role.rep_of", role="building rep", buildings=two) == (
        "building rep of buildings 1, 2"
    )
    assert t("zh", "role.rep_of", role="楼栋长", buildings=two) == "1, 2 号楼楼栋长"


def test_a_plain_int_counts_too() -> None:
    assert t("en", "votes.missing_count", n=1) == " — 1 more household needed"
    assert t("en", "pending.header", community="G", count=3) == "G: 3 join requests waiting:"


def test_a_number_format_still_formats_the_number() -> None:
    assert format(counted(1234, "en"), ",") == "1,234"
    assert "{n:05d}".format(n=counted(42, "en")) == "00042"


def test_points_and_the_digest_say_one_point() -> None:
    """Before, "1-102: 1 points" in the digest and "1 points granted" to an admin."""
    assert t("en", "digest.top_named", unit="1-102", points=1) == "1-102: 1 point"
    assert t("en", "digest.top_named", unit="1-102", points=6) == "1-102: 6 points"
    assert t("en", "digest.frequent_line", building="2", category="lift", count=3) == (
        "Building 2, lift: 3 times"
    )
    assert t("en", "digest.notice_line", number=1, excerpt="Water", read=1, total=1) == (
        "#1 Water: 1 of 1 household"
    )
    granted = t("en", "points.granted", amount=1, unit="1-101", reason="help", balance=1, told=0)
    assert granted.startswith("✅ 1 point granted to household 1-101 (help). Balance now: 1 point.")
    assert t("zh", "digest.top_named", unit="1-102", points=1) == "1-102：1 分"
