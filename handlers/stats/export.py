"""`/export stats [2026-11]` (admins and committee, in the group): two CSV files privately,
headers in the asker's language, for the district's reports: one row per building and a last
row for the whole community; then one row per vote (its date in the community's time zone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, UserError
from bot.i18n import t
from bot.stats.cases import community_stats
from bot.stats.model import CommunityStats, Figures
from handlers.common import (
    actor_in,
    command_args,
    require_community,
    send_files_privately,
    user_language,
)
from handlers.context import BotContext
from handlers.format import csv_file
from handlers.stats.render import scope_text

BUILDING_COLUMNS = (
    "building",
    "units",
    "registered",
    "verified",
    "owners",
    "tenants",
    "votes",
    "participation",
    "topics",
    "tickets",
    "open",
    "ack_hours",
    "resolve_hours",
    "response_met",
    "response_of",
    "plan_met",
    "plan_of",
    "rating",
    "notices",
    "read_rate",
    "meetings",
    "attending",
)
VOTE_COLUMNS = ("vote", "question", "status", "date", "voted", "eligible", "share")


def _percent(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value * 100):.1f}"


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"


def _number(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value):.2f}"


def figures_row(name: str, figures: Figures) -> list[object]:
    households, tickets = figures.households, figures.tickets
    return [
        name,
        households.units,
        households.registered,
        households.verified,
        households.owners,
        households.tenants,
        len(figures.votes),
        _percent(figures.participation),
        sum(n for _, n in figures.topics),
        tickets.total,
        tickets.open,
        _hours(tickets.median_acknowledge),
        _hours(tickets.median_resolve),
        tickets.response.met,
        tickets.response.of,
        tickets.plan.met,
        tickets.plan.of,
        _number(tickets.rating),
        figures.notices.notices,
        _percent(figures.notices.rate),
        figures.meetings.held,
        figures.meetings.attending,
    ]


def _with_month(
    stats: CommunityStats, header: Sequence[str], rows: list[list[object]], lang: Language
) -> tuple[list[str], list[list[object]]]:
    """For a month's report: the month as the first column of every row."""
    if stats.month is None:
        return list(header), rows
    return [t(lang, "stats.col.month"), *header], [[stats.month.text, *row] for row in rows]


def buildings_csv(stats: CommunityStats, lang: Language) -> bytes:
    header = [t(lang, f"stats.col.{column}") for column in BUILDING_COLUMNS]
    rows = [figures_row(building, figures) for building, figures in stats.buildings]
    rows.append(figures_row(t(lang, "stats.total_row"), stats.figures))
    return csv_file(*_with_month(stats, header, rows, lang))


def votes_csv(stats: CommunityStats, community: Community, lang: Language) -> bytes:
    zone = ZoneInfo(community.timezone)
    header = [t(lang, f"stats.col.{column}") for column in VOTE_COLUMNS]
    rows: list[list[object]] = [
        [
            vote.number,
            vote.question,
            t(lang, "stats.vote_open" if vote.open else "stats.vote_closed"),
            vote.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            vote.voted,
            vote.eligible,
            _percent(vote.share),
        ]
        for vote in stats.figures.votes
    ]
    return csv_file(*_with_month(stats, header, rows, lang))


async def cmd_export_stats(update: Update, context: BotContext) -> None:
    """`/export stats` or `/export stats 2026-11`: the figures privately, to admins and the
    committee."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    if not (await actor_in(context, community, user.id)).is_committee:
        raise NotAllowed("stats.export_not_allowed")
    args = command_args(update)[1:]
    if len(args) > 1:
        raise UserError("usage.export_stats")
    async with context.services.uow() as uow:
        stats = await community_stats(
            uow, community, month=args[0] if args else None, now=context.services.now()
        )
    lang = await user_language(context, user)
    scope = scope_text(stats, lang)
    suffix = f"-{stats.month.text}" if stats.month else ""
    files = [
        (
            InputFile(buildings_csv(stats, lang), filename=f"stats-{community.id}{suffix}.csv"),
            t(lang, "stats.export_caption", community=community.name, scope=scope),
        ),
        (
            InputFile(
                votes_csv(stats, community, lang),
                filename=f"stats-votes-{community.id}{suffix}.csv",
            ),
            t(lang, "stats.export_votes_caption", community=community.name, scope=scope),
        ),
    ]
    await send_files_privately(update, context, community, files, sent="stats.export_sent")
