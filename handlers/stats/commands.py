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
from bot.errors import NotFound, UserError, Whole
from bot.i18n import t
from bot.residents.profile import load_profile
from bot.stats.cases import community_stats
from bot.stats.model import StatsRequest, parse_month, parse_stats_args
from bot.units.model import natural_order
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
from handlers.stats.render import buildings_text, chart_keyboard, stats_text


async def tied_communities(context: BotContext, user_id: int) -> list[Community]:
    """The communities a private /stats may be about: lived in, owned in, with a role, or set
    up by the asker."""
    async with context.services.uow() as uow:
        found = [p.community for p in await load_profile(uow, user_id)]
        found += await uow.communities.created_by(user_id)
    return sorted({c.id: c for c in found}.values(), key=lambda c: c.name)


async def cmd_stats(update: Update, context: BotContext) -> None:
    request = parse_stats_args(command_args(update))
    user = update.effective_user
    assert user is not None
    if not is_private(update):
        community = await require_community(update, context)
        await answer_stats(update, context, community, request, user, community.language)
        return
    lang = await user_language(context, user)
    communities = await _offered(context, user.id, request)
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


async def _offered(context: BotContext, user_id: int, request: StatsRequest) -> list[Community]:
    """The asker's communities a private /stats may answer for: with the building asked, if
    one was; a malformed month is refused before any button is offered."""
    communities = await tied_communities(context, user_id)
    if not communities:
        raise UserError("stats.no_community")
    if request.month is not None:
        parse_month(request.month, now=context.services.now(), timezone=communities[0].timezone)
    if request.building is None:
        return communities
    async with context.services.uow() as uow:
        buildings = {c.id: await uow.units.buildings(c.id) for c in communities}
    having = [c for c in communities if request.building in buildings[c.id]]
    if not having:
        known = sorted(set().union(*buildings.values()), key=natural_order)
        raise NotFound(
            "stats.no_such_building", building=request.building, buildings=Whole(", ".join(known))
        )
    return having


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
    async with context.services.uow() as uow:
        stats = await community_stats(
            uow,
            community,
            building=request.building,
            month=request.month,
            now=context.services.now(),
        )
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
