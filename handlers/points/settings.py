"""`/settings points [<act> <n>]` (admins): what each earning act pays; 0 turns it off. Called
from `/settings` (handlers/topics/commands.py), which routes the setting's name here."""

from __future__ import annotations

from telegram import Update

from bot.communities.model import Community
from bot.errors import NotAllowed
from bot.i18n import t
from bot.points.cases import amounts, set_amount
from bot.points.model import parse_act, parse_rule
from handlers.common import actor_in, reply, sent_by_anonymous_admin
from handlers.context import BotContext
from handlers.points.render import act_name, settings_text

POINTS_SETTING = "points"


async def apply_points_setting(
    update: Update, context: BotContext, community: Community, args: list[str]
) -> None:
    """`args`: the words after `points`. Without both an act and a number: the amounts now."""
    lang = community.language
    if len(args) != 2:
        async with context.services.uow() as uow:
            rules = await amounts(uow, community.id)
        await reply(update, settings_text(lang, rules))
        return
    user = update.effective_user
    assert user is not None
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    if not admin:
        raise NotAllowed("points.settings_admins_only")
    act, amount = parse_act(args[0]), parse_rule(args[1])
    async with context.services.uow() as uow:
        await set_amount(uow, community=community, act=act, amount=amount, is_admin=admin)
    key = "points.settings_done" if amount else "points.settings_off"
    await reply(update, t(lang, key, name=act_name(lang, act), amount=amount))
