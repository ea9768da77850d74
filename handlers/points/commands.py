"""`/points` (one's households privately; admins: `grant` / `redeem`) and `/top` (the
ranking; `optout` / `optin`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, UserError
from bot.i18n import t
from bot.points.cases import amounts, grant, my_points, redeem, set_opt_out, top
from bot.points.model import parse_amount
from bot.roles.model import Actor
from handlers.common import (
    actor_in,
    command_args,
    community_here,
    is_private,
    reply,
    require_community,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.points.render import points_text, top_text
from handlers.residents.privately import answer_privately

ADJUSTMENTS = ("grant", "redeem")
OPT = {"optout": True, "optin": False}


async def _reader_language(update: Update, context: BotContext, community: Community) -> Language:
    """Privately the user's language; in the group the community's."""
    if is_private(update):
        return await user_language(context, update.effective_user)
    return community.language


async def cmd_points(update: Update, context: BotContext) -> None:
    """The asker's households' points, privately (in the group: "sent to you privately")."""
    args = command_args(update)
    if args and args[0].lower() in ADJUSTMENTS:
        await _adjust(update, context, args[0].lower(), args[1:])
        return
    if args:
        raise UserError("usage.points")
    user = update.effective_user
    assert user is not None
    community = None if is_private(update) else await require_community(update, context)
    async with context.services.uow() as uow:
        households = await my_points(uow, user_id=user.id, community=community)
        rules = await amounts(uow, households[0].community.id)
    lang = await user_language(context, user)
    await answer_privately(
        update, context, community, [(points_text(lang, households, rules), None)]
    )


async def _adjust(update: Update, context: BotContext, kind: str, args: list[str]) -> None:
    """`/points grant|redeem <unit> <n> <reason>`: admins only, checked before anything else."""
    user = update.effective_user
    assert user is not None
    community = await community_here(update, context, refusal="points.grant_which", with_role=True)
    if sent_by_anonymous_admin(update.effective_message):
        actor = Actor(user.id, is_chat_admin=True)
    else:
        actor = await actor_in(context, community, user.id)
    if not actor.is_admin:
        raise NotAllowed("points.admins_only")
    if len(args) < 2:
        raise UserError("usage.points")
    amount = parse_amount(args[1])
    adjust = grant if kind == "grant" else redeem
    async with context.services.uow() as uow:
        change = await adjust(
            uow,
            community=community,
            actor=actor,
            unit_code=args[0],
            amount=amount,
            reason=" ".join(args[2:]),
            now=context.services.now(),
        )
    context.services.wake_outbox()
    lang = await _reader_language(update, context, community)
    text = t(
        lang,
        "points.granted" if kind == "grant" else "points.redeemed",
        amount=amount,
        unit=change.entry.unit_code,
        reason=change.entry.reason,
        balance=change.balance,
        told=change.told,
    )
    await reply(update, text)


async def cmd_top(update: Update, context: BotContext) -> None:
    """The ranking of households, this month and all time; `optout` / `optin`."""
    args = command_args(update)
    if len(args) > 1 or (args and args[0].lower() not in OPT):
        raise UserError("usage.top")
    user = update.effective_user
    assert user is not None
    community = await community_here(update, context, refusal="points.top_which")
    lang = await _reader_language(update, context, community)
    now = context.services.now()
    if args:
        out = OPT[args[0].lower()]
        async with context.services.uow() as uow:
            done = await set_opt_out(uow, community=community, user_id=user.id, out=out, now=now)
        key = "points.opted_out" if out else "points.opted_in"
        key = "points.opted_in_still_hidden" if done.hidden_by_others else key
        await reply(update, t(lang, key))
        return
    async with context.services.uow() as uow:
        ranking = await top(uow, community=community, now=now)
    await reply(update, top_text(lang, community, ranking))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("points", cmd_points))
    app.add_handler(CommandHandler("top", cmd_top))
