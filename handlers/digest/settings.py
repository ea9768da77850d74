"""`/settings digest <weekday> <HH:MM>` (`mon 09:00`, `周一 9:00`) or `/settings digest off`
(admins): when the weekly digest goes out. Called from `/settings` (handlers/topics/commands.py),
which routes the setting's name here; `/settings digest` alone shows the schedule."""

from __future__ import annotations

from telegram import Update

from bot.communities.model import Community
from bot.config import Language
from bot.digest.cases import digest_schedule, set_digest_schedule
from bot.digest.model import DigestSchedule, next_digest_at, parse_schedule
from bot.i18n import t
from handlers.common import actor_in, command_args, reply, sent_by_anonymous_admin
from handlers.context import BotContext
from handlers.digest.jobs import arm_digest

DIGEST_SETTING = "digest"


def schedule_text(schedule: DigestSchedule, community: Community, lang: Language) -> str:
    if not schedule.enabled:
        return t(lang, "digest.schedule_off")
    return t(
        lang,
        "digest.schedule_on",
        weekday=t(lang, f"weekday.{schedule.weekday}"),
        clock=schedule.clock.strftime("%H:%M"),
        timezone=community.timezone,
    )


async def apply_digest_setting(update: Update, context: BotContext, community: Community) -> None:
    user = update.effective_user
    assert user is not None
    words = command_args(update)[1:]
    lang = community.language
    if not words:
        async with context.services.uow() as uow:
            current = await digest_schedule(uow, community.id)
        usage = t(lang, "digest.usage_setting")
        await reply(update, f"{schedule_text(current, community, lang)}\n{usage}")
        return
    schedule = parse_schedule(words)
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    async with context.services.uow() as uow:
        await set_digest_schedule(uow, community, schedule, is_admin=admin)
    at = (
        next_digest_at(schedule.weekday, schedule.clock, community.timezone, context.services.now())
        if schedule.enabled
        else None
    )
    arm_digest(context, community.id, at)
    await reply(update, schedule_text(schedule, community, lang))
