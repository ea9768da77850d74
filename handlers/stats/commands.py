"""`/stats` in the group or privately: the community's totals for everyone, with the Charts
button under them (`v1:sc:…`, routed to the charts by its own handler); staff (admins,
committee, reps) also get the table per building, privately. Privately, the asker's community
(lived in, owned in, with a role, or set up), or a picker `v1:sp:<community>:<building>:<month>`
when there are several. Read-only: nothing is written, so a repeat changes nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.stats.model import StatsRequest, parse_stats_args
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    deep_link,
    is_private,
    reply,
    require_community,
    require_own_keyboard,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.residents.privately import chunks_of
from handlers.stats.album import CHART_WORDS, cmd_stats_chart, on_stats_chart
from handlers.stats.render import buildings_text, chart_keyboard, stats_text
from handlers.stats.scope import offered_communities, stats_of, tied_communities


async def cmd_stats(update: Update, context: BotContext) -> None:
    args = command_args(update)
    if args and args[0].lower() in CHART_WORDS:  # /stats chart [building 3] [month 2026-11]
        await cmd_stats_chart(update, context, args[1:])
        return
    request = parse_stats_args(args)
    user = update.effective_user
    assert user is not None
    if not is_private(update):
        community = await require_community(update, context)
        await answer_stats(update, context, community, request, user, community.language)
        return
    lang = await user_language(context, user)
    communities = await offered_communities(context, user.id, request)
    if len(communities) == 1:
        await answer_stats(update, context, communities[0], request, user, lang)
        return
    rows = [
        [
            InlineKeyboardButton(
                c.name,
                callback_data=callbacks.pack(
                    callbacks.STATS_PICK, c.id, request.building or "", request.month or ""
                ),
            )
        ]
        for c in communities
    ]
    await reply(update, t(lang, "stats.pick_community"), reply_markup=InlineKeyboardMarkup(rows))


async def on_stats_pick(update: Update, context: BotContext) -> None:
    """Privately: the community picked, one the presser is still tied to."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.STATS_PICK, 3)
    community_id = callbacks.int_arg(args[0]) if args else None
    if args is None or community_id is None:
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    chosen = [
        c for c in await tied_communities(context, query.from_user.id) if c.id == community_id
    ]
    if not chosen:
        raise UserError("common.stale_button")
    request = StatsRequest(args[1] or None, args[2] or None)
    lang = await user_language(context, query.from_user)
    await answer_stats(update, context, chosen[0], request, query.from_user, lang)
    await query.answer()


async def answer_stats(
    update: Update,
    context: BotContext,
    community: Community,
    request: StatsRequest,
    user: User,
    lang: Language,
) -> None:
    """The totals where asked; for staff, the table per building privately (in the group,
    the totals say whether it went out)."""
    stats = await stats_of(context, community, request)
    text = stats_text(stats, community, lang)
    actor = await actor_in(context, community, user.id)
    extra: list[list[InlineKeyboardButton]] = []
    table: list[str] = []
    if (actor.is_committee or actor.is_rep) and stats.buildings:
        private_lang = lang if is_private(update) else await user_language(context, user)
        table = chunks_of(buildings_text(stats, community, private_lang))
        if not is_private(update):
            if await _send_table(context, user.id, table):
                text += "\n\n" + t(lang, "stats.table_sent")
            else:
                text += "\n\n" + t(lang, "stats.table_unreachable")
                button = InlineKeyboardButton(
                    t(lang, "common.open_private"), url=deep_link(context)
                )
                extra.append([button])
            table = []
    await _reply(update, context, text, stats_keyboard=chart_keyboard(stats, lang, *extra))
    for chunk in table:  # asked privately: the table follows the totals
        await _reply(update, context, chunk)


async def _send_table(context: BotContext, user_id: int, table: list[str]) -> bool:
    first, *rest = table
    if not await send_private(context, user_id, first):
        return False
    for chunk in rest:
        await context.bot.send_message(user_id, chunk)
    return True


async def _reply(
    update: Update,
    context: BotContext,
    text: str,
    stats_keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """To the message asked, or (a picker's press) to the private chat pressed in."""
    if update.callback_query is not None:
        assert update.callback_query.message is not None
        await context.bot.send_message(
            update.callback_query.message.chat.id,
            text,
            reply_markup=stats_keyboard,
        )
        return
    await reply(update, text, reply_markup=stats_keyboard)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("stats", cmd_stats))
    app.add_handler(
        CallbackQueryHandler(on_stats_pick, pattern=callbacks.pattern(callbacks.STATS_PICK))
    )
    app.add_handler(
        CallbackQueryHandler(on_stats_chart, pattern=callbacks.pattern(callbacks.STATS_CHART))
    )
