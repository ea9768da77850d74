"""`/settings emergency <numbers>` (admins): the numbers shown with lift and safety reports.
Called from `/settings` (handlers/topics/commands.py), which routes the setting's name here."""

from __future__ import annotations

from telegram import Update

from bot.communities.model import Community
from bot.i18n import t
from bot.reports.cases import set_emergency
from handlers.common import actor_in, command_text, reply, sent_by_anonymous_admin
from handlers.context import BotContext

EMERGENCY_SETTING = "emergency"


async def apply_emergency_setting(
    update: Update, context: BotContext, community: Community
) -> None:
    """The rest of the command after `emergency` is the text, spaces and all."""
    user = update.effective_user
    assert user is not None
    text = command_text(update).strip()
    rest = text[len(EMERGENCY_SETTING) :] if text.lower().startswith(EMERGENCY_SETTING) else ""
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    async with context.services.uow() as uow:
        numbers = await set_emergency(uow, community, rest, is_admin=admin)
    lang = community.language
    if numbers is None:
        await reply(update, t(lang, "reports.emergency_off"))
    else:
        await reply(update, t(lang, "reports.emergency_done", numbers=numbers))
