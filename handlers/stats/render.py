"""The /stats answer in the reader's language: the totals, the table per building and the
Charts button. Texts only, no state."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from babel.numbers import format_decimal
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.stats.model import CommunityStats, Figures, Trend
from bot.topics.model import Step
from handlers import callbacks
from handlers.format import share

_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


def percent(value: Fraction | None, lang: Language) -> str:
    return t(lang, "stats.dash") if value is None else share(value, 1, lang)


def span(duration: timedelta | None, lang: Language) -> str:
    """A time taken, to the minute: days and hours, or hours and minutes, or minutes."""
    if duration is None:
        return t(lang, "stats.none_yet")
    minutes = round(duration.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t(lang, "duration.days", n=days))
    if hours:
        parts.append(t(lang, "duration.hours", n=hours))
    if (minutes and not days) or not parts:
        parts.append(t(lang, "duration.minutes", n=minutes))
    return " ".join(parts)


def limit_text(limit: timedelta, lang: Language) -> str:
    """A deadline as the community set it: in whole hours (24 h, 72 h) where it is."""
    minutes = round(limit.total_seconds() / 60)
    if minutes % 60 == 0:
        return t(lang, "duration.hours", n=minutes // 60)
    return span(limit, lang)


def decimal(value: Fraction, lang: Language) -> str:
    """One decimal at most: 4.5, 3."""
    return format_decimal(float(value), format="#,##0.#", locale=_LOCALES[lang])


def scope_text(stats: CommunityStats, lang: Language) -> str:
    month = stats.month.text if stats.month else None
    if stats.building is not None and month is not None:
        return t(lang, "stats.scope_both", building=stats.building, month=month)
    if stats.building is not None:
        return t(lang, "stats.scope_building", building=stats.building)
    if month is not None:
        return t(lang, "stats.scope_month", month=month)
    return t(lang, "stats.scope_all")


def _trend(trend: Trend | None, lang: Language) -> str:
    if trend is None:
        return t(lang, "stats.no_trend")
    return t(
        lang,
        f"stats.trend_{trend.direction}",
        side=trend.side,
        recent=percent(trend.recent, lang),
        earlier=percent(trend.earlier, lang),
    )


def _votes(figures: Figures, community: Community, lang: Language) -> list[str]:
    if not figures.votes:
        return [t(lang, "stats.no_votes")]
    lines = [t(lang, "stats.votes_title", count=len(figures.votes))]
    for vote in reversed(figures.votes):  # newest first
        params = {
            "number": vote.number,
            "share": percent(vote.share, lang),
            "voted": vote.voted,
            "eligible": vote.eligible,
        }
        if vote.open:
            lines.append(t(lang, "stats.vote_line_open", **params))
        else:
            date = when(vote.at, lang, community.timezone)
            lines.append(t(lang, "stats.vote_line", date=date, **params))
    lines.append(_trend(figures.trend, lang))
    return lines


def _topics(figures: Figures, lang: Language) -> str:
    total = sum(n for _, n in figures.topics)
    if not total:
        return t(lang, "stats.no_topics")
    steps = " · ".join(
        t(lang, "stats.topic_step", step=t(lang, f"topic_step.{step.value}"), count=n)
        for step, n in figures.topics
        if step is not Step.PROPOSE  # a new topic is at once gathering support
    )
    return t(lang, "stats.topics", total=total, steps=steps)


def _tickets(figures: Figures, community: Community, lang: Language) -> list[str]:
    tickets = figures.tickets
    if not tickets.total:
        return [t(lang, "stats.no_tickets")]
    statuses = " · ".join(
        t(lang, "stats.ticket_status", status=t(lang, f"ticket_status.{s.value}"), count=n)
        for s, n in tickets.by_status
        if n
    )
    lines = [t(lang, "stats.tickets", total=tickets.total, open=tickets.open, statuses=statuses)]
    lines.append(
        t(
            lang,
            "stats.ticket_times",
            acknowledge=span(tickets.median_acknowledge, lang),
            resolve=span(tickets.median_resolve, lang),
        )
    )
    for key, met, limit in (
        ("stats.ticket_response", tickets.response, community.response_time),
        ("stats.ticket_plan", tickets.plan, community.plan_time),
    ):
        if met.of:
            lines.append(
                t(
                    lang,
                    key,
                    limit=limit_text(limit, lang),
                    met=met.met,
                    of=met.of,
                    share=percent(met.share, lang),
                )
            )
    if tickets.rating is None:
        lines.append(t(lang, "stats.no_rating"))
    else:
        lines.append(
            t(
                lang,
                "stats.ticket_rating",
                rating=decimal(tickets.rating, lang),
                rated=tickets.rated,
            )
        )
    return lines


def _notices(figures: Figures, lang: Language) -> str:
    notices = figures.notices
    if not notices.notices:
        return t(lang, "stats.no_notices")
    return t(
        lang,
        "stats.notices",
        notices=notices.notices,
        share=percent(notices.rate, lang),
        read=notices.read,
        total=notices.total,
    )


def _meetings(figures: Figures, lang: Language) -> str:
    meetings = figures.meetings
    if not meetings.held or meetings.average is None:
        return t(lang, "stats.no_meetings")
    return t(
        lang,
        "stats.meetings",
        held=meetings.held,
        average=decimal(meetings.average, lang),
        share=percent(meetings.rate, lang),
    )


def stats_text(stats: CommunityStats, community: Community, lang: Language) -> str:
    """The totals of the scope asked, as everyone may read them."""
    figures = stats.figures
    households = figures.households
    lines = [
        t(lang, "stats.title", community=community.name, scope=scope_text(stats, lang)),
        t(
            lang,
            "stats.households",
            units=households.units,
            registered=households.registered,
            verified=households.verified,
            owners=households.owners,
            tenants=households.tenants,
        ),
        *_votes(figures, community, lang),
        _topics(figures, lang),
        *_tickets(figures, community, lang),
        _notices(figures, lang),
        _meetings(figures, lang),
    ]
    if stats.building is not None:
        lines.append(t(lang, "stats.community_wide"))
    return "\n".join(lines)


def buildings_text(stats: CommunityStats, community: Community, lang: Language) -> str:
    """The table per building, for staff (privately)."""
    lines = [
        t(lang, "stats.title", community=community.name, scope=scope_text(stats, lang)),
        t(lang, "stats.buildings_title", scope=scope_text(stats, lang)),
    ]
    for building, figures in stats.buildings:
        lines.append(
            t(
                lang,
                "stats.building_row",
                building=building,
                verified=figures.households.verified,
                units=figures.households.units,
                participation=percent(figures.participation, lang),
                tickets=figures.tickets.total,
                open=figures.tickets.open,
                read=percent(figures.notices.rate, lang),
            )
        )
    return "\n".join(lines)


def chart_payload(stats: CommunityStats) -> str | None:
    """`v1:sc:<community>[:<building>][:<month>]` (the lead routes it to the charts); None if a
    building's name would not fit in a payload."""
    args: list[str | int] = [stats.community_id]
    if stats.building is not None:
        args.append(stats.building)
    if stats.month is not None:
        args.append(stats.month.text)
    if stats.building is not None and ":" in stats.building:
        return None
    try:
        return callbacks.pack(callbacks.STATS_CHART, *args)
    except ValueError:
        return None


def chart_keyboard(
    stats: CommunityStats, lang: Language, *extra: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup | None:
    rows = [*extra]
    payload = chart_payload(stats)
    if payload is not None:
        rows.insert(0, [InlineKeyboardButton(t(lang, "stats.chart_button"), callback_data=payload)])
    return InlineKeyboardMarkup(rows) if rows else None
