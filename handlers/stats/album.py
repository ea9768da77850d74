"""The four /stats charts as one album: `/stats chart [building 3] [month 2026-11]`, and the
📈 Charts button under /stats (`v1:sc:<community>[:<building>][:<month>]`).

Asked with the command, the album goes where it was asked (the group sees its own figures). The
button is pressed by anyone who reads the totals, so its album goes to the presser privately:
a group whose members each press it would otherwise fill with pictures. The charts are drawn in
a worker thread (matplotlib is slow and imported only when first needed) and kept for the same
figures, so pressing again draws nothing new."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.error import BadRequest, Forbidden

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.reports.model import Category, TicketStatus
from bot.stats.model import CommunityStats, StatsRequest, parse_stats_args
from handlers import callbacks
from handlers.common import is_private, reply, require_community, user_language
from handlers.context import BotContext
from handlers.stats.render import scope_text
from handlers.stats.scope import offered_communities, stats_of, tied_communities

if TYPE_CHECKING:
    from telegram import Message

CHART_WORDS = frozenset({"chart", "charts", "图表"})
_MONTH = re.compile(r"^\d{4}-\d{2}$")
# The chart's statuses, grouped by what a resident wants to know: waiting, being fixed, fixed,
# rejected (seven stacked statuses would be unreadable on a phone).
STATUS_GROUPS: dict[TicketStatus, str] = {
    TicketStatus.REPORTED: "waiting",
    TicketStatus.ACKNOWLEDGED: "waiting",
    TicketStatus.REOPENED: "waiting",
    TicketStatus.IN_PROGRESS: "working",
    TicketStatus.RESOLVED: "fixed",
    TicketStatus.CLOSED: "fixed",
    TicketStatus.REJECTED: "rejected",
}
_GROUP_ORDER = ("waiting", "working", "fixed", "rejected")

# What the four charts draw: plain, hashable values, so the same figures are drawn once.
ChartSpec = tuple[
    Language,
    tuple[str, str, str, str],  # the titles
    tuple[tuple[str, float], ...],  # per vote
    tuple[tuple[str, float], ...],  # per building
    tuple[tuple[tuple[str, str], int], ...],  # tickets per (category, status)
    tuple[str, ...],  # categories
    tuple[str, ...],  # statuses
    tuple[float, ...],  # hours to resolve
]


def chart_spec(stats: CommunityStats, lang: Language) -> ChartSpec:
    """The figures as the charts take them, labelled in `lang`."""
    votes = tuple(
        (f"#{number} {day.month}/{day.day}", share)
        for number, day, share in stats.participation_by_vote
    )
    buildings = tuple(
        (t(lang, "charts.building", building=building), share)
        for building, share in stats.participation_by_building
    )
    counts: dict[tuple[str, str], int] = {}
    present = {category for category, _, _ in stats.tickets_by_category_status}
    for category, status, count in stats.tickets_by_category_status:
        key = (_category(category, lang), _status(STATUS_GROUPS[status], lang))
        counts[key] = counts.get(key, 0) + count
    titles = (
        t(lang, "charts.title_votes"),
        t(lang, "charts.title_buildings"),
        t(lang, "charts.title_tickets"),
        t(lang, "charts.title_resolve"),
    )
    return (
        lang,
        titles,
        votes,
        buildings,
        tuple(sorted(counts.items())),
        tuple(_category(c, lang) for c in Category if c in present),  # no empty rows
        tuple(_status(g, lang) for g in _GROUP_ORDER),
        tuple(d.total_seconds() / 3600 for d in stats.resolve_times),
    )


def _category(category: Category, lang: Language) -> str:
    return t(lang, f"category.{category.value}")


def _status(group: str, lang: Language) -> str:
    return t(lang, f"charts.status_{group}")


@functools.lru_cache(maxsize=32)
def draw(spec: ChartSpec) -> tuple[bytes, bytes, bytes, bytes]:
    """The four PNGs; matplotlib is imported here, on the first chart asked for."""
    from handlers.stats import charts

    lang, titles, votes, buildings, counts, categories, statuses, hours = spec
    return (
        charts.participation_chart(votes, lang=lang, title=titles[0]),
        charts.building_chart(buildings, lang=lang, title=titles[1]),
        charts.tickets_chart(
            dict(counts), categories=categories, statuses=statuses, lang=lang, title=titles[2]
        ),
        charts.resolve_time_chart(hours, lang=lang, title=titles[3]),
    )


async def album_of(
    context: BotContext, community: Community, request: StatsRequest, lang: Language
) -> list[InputMediaPhoto]:
    stats = await stats_of(context, community, request)
    pictures = await asyncio.to_thread(draw, chart_spec(stats, lang))
    caption = t(lang, "charts.caption", community=community.name, scope=scope_text(stats, lang))
    return [
        InputMediaPhoto(png, caption=caption if i == 0 else None, filename=f"chart-{i + 1}.png")
        for i, png in enumerate(pictures)
    ]


async def cmd_stats_chart(update: Update, context: BotContext, args: Sequence[str]) -> None:
    """`/stats chart …` (routed from /stats): the album where it was asked."""
    request = parse_stats_args(args)
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    if not is_private(update):
        community = await require_community(update, context)
        await _send_album(context, chat.id, community, request, community.language)
        return
    lang = await user_language(context, user)
    communities = await offered_communities(context, user.id, request)
    if len(communities) == 1:
        await _send_album(context, chat.id, communities[0], request, lang)
        return
    rows = [
        [InlineKeyboardButton(c.name, callback_data=_payload(c.id, request))] for c in communities
    ]
    await reply(update, t(lang, "stats.pick_community"), reply_markup=InlineKeyboardMarkup(rows))


def _payload(community_id: int, request: StatsRequest) -> str:
    args: list[str | int] = [community_id]
    if request.building is not None:
        args.append(request.building)
    if request.month is not None:
        args.append(request.month)
    return callbacks.pack(callbacks.STATS_CHART, *args)


def request_of(args: Sequence[str]) -> StatsRequest | None:
    """The building and month after the community in `v1:sc:…`; a month is `YYYY-MM`."""
    if len(args) > 2:
        return None
    if len(args) == 2:
        return StatsRequest(args[0] or None, args[1] or None)
    if len(args) == 1:
        if _MONTH.match(args[0]):
            return StatsRequest(None, args[0])
        return StatsRequest(args[0], None)
    return StatsRequest()


async def on_stats_chart(update: Update, context: BotContext) -> None:
    """📈 Charts, under /stats in the group or privately: the album to the presser privately.
    The community is re-checked: pressed in its own group, or privately by someone tied to it."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    fields = callbacks.args_of(query.data, callbacks.STATS_CHART) or []
    community_id = callbacks.int_arg(fields[0]) if fields else None
    request = request_of(fields[1:]) if fields else None
    if community_id is None or request is None or query.message is None:
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        community = await uow.communities.get(community_id)
    if community is None:
        raise UserError("common.stale_button")
    chat_id = query.message.chat.id
    if chat_id < 0 and chat_id != community.chat_id:
        raise UserError("common.stale_button")  # a payload carried to another group
    if chat_id > 0:
        tied = {c.id for c in await tied_communities(context, query.from_user.id)}
        if chat_id != query.from_user.id or community.id not in tied:
            raise UserError("common.stale_button")
    lang = await user_language(context, query.from_user)
    try:
        await _send_album(context, query.from_user.id, community, request, lang)
    except (Forbidden, BadRequest):  # never started a private chat with the bot
        await query.answer(t(lang, "charts.start_private_first"), show_alert=True)
        return
    await query.answer(t(lang, "charts.sent_privately") if chat_id < 0 else None)


async def _send_album(
    context: BotContext,
    chat_id: int,
    community: Community,
    request: StatsRequest,
    lang: Language,
) -> Sequence[Message]:
    album = await album_of(context, community, request, lang)
    return await context.bot.send_media_group(chat_id, album)
