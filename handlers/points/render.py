"""Texts of points: one's households and their entries, the ranking, the amounts. No state
changes; dates in the community's time zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.points.cases import HouseholdPoints, Top
from bot.points.model import EARNING_ACTS, Act, Entry, Standing, places

_LOCALES: Final[dict[Language, str]] = {"zh": "zh_Hans_CN", "en": "en_GB"}


def act_name(lang: Language, act: Act) -> str:
    return t(lang, f"points.act.{act.value}")


def signed(amount: int) -> str:
    return f"+{amount}" if amount > 0 else f"−{-amount}"


def entry_line(lang: Language, entry: Entry, timezone: str) -> str:
    at = when(entry.at, lang, timezone)
    if entry.reason:
        return t(
            lang,
            "points.entry_reason",
            at=at,
            act=act_name(lang, entry.act),
            reason=entry.reason,
            amount=signed(entry.amount),
        )
    return t(
        lang, "points.entry", at=at, act=act_name(lang, entry.act), amount=signed(entry.amount)
    )


def rules_lines(lang: Language, rules: Mapping[Act, int]) -> list[str]:
    """The acts that pay, with what they pay (an act set to 0 is left out)."""
    return [
        t(lang, "points.rule_line", act=act_name(lang, act), amount=rules[act])
        for act in EARNING_ACTS
        if rules.get(act, 0) > 0
    ]


def points_text(
    lang: Language, households: Sequence[HouseholdPoints], rules: Mapping[Act, int]
) -> str:
    """`/points`: each household's total and last entries, then how points are earned."""
    lines = [t(lang, "points.mine_title")]
    for household in households:
        lines.append("")
        lines.append(
            t(
                lang,
                "points.household",
                unit=household.unit_code,
                community=household.community.name,
                total=household.balance,
            )
        )
        if not household.entries:
            lines.append(t(lang, "points.no_entries"))
        lines += [entry_line(lang, e, household.community.timezone) for e in household.entries]
    earning = rules_lines(lang, rules)
    if earning:
        lines += ["", t(lang, "points.how_to_earn"), *earning]
    return "\n".join(lines)


def month_label(lang: Language, start: datetime, timezone: str) -> str:
    return format_skeleton("yMMMM", start, tzinfo=ZoneInfo(timezone), locale=_LOCALES[lang])


def standing_lines(lang: Language, standings: Sequence[Standing]) -> list[str]:
    return [
        t(
            lang,
            "points.top_line",
            place=place,
            unit=s.unit_code if s.named else t(lang, "points.top_hidden"),
            points=s.points,
        )
        for place, s in zip(places(standings), standings, strict=True)
    ]


def top_text(lang: Language, community: Community, top: Top) -> str:
    """`/top`: this month, then all time; households by unit only, or not named."""
    month = month_label(lang, top.month_start, community.timezone)
    lines = [t(lang, "points.top_title", community=community.name), ""]
    lines.append(t(lang, "points.top_month", month=month))
    lines += standing_lines(lang, top.month) or [t(lang, "points.top_month_none")]
    lines += ["", t(lang, "points.top_all"), *standing_lines(lang, top.all_time)]
    lines += ["", t(lang, "points.top_footer")]
    return "\n".join(lines)


def settings_text(lang: Language, rules: Mapping[Act, int]) -> str:
    lines = [
        t(lang, "points.settings_line", act=act.value, name=act_name(lang, act), amount=rules[act])
        for act in EARNING_ACTS
    ]
    return t(lang, "points.settings_show", lines="\n".join(lines))
