"""A notice's private copies and /unread's reminders, delivered from the outbox one person at a
time (each in their own lane). Drawn from state: a copy already sent is not sent again (only
edited to say the notice was withdrawn), a withdrawn notice's copies and reminders not yet out
are dropped, a reminder to a household that confirmed meanwhile is dropped. A person the bot
cannot write to (403) is recorded as unreachable and given up on at once (`Undeliverable`)."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardMarkup

from bot.communities.model import Community
from bot.i18n import t
from bot.notices.cases import note_private_chat, record_copy
from bot.notices.model import Notice, NoticeStatus, private_copy_text
from bot.outbox import OutboxEntry
from handlers.common import language_of
from handlers.context import BotContext
from handlers.notices.render import private_copy, read_keyboard
from handlers.notices.send import edit_notice, send_private_notice
from handlers.outbox import Undeliverable


async def _send(
    context: BotContext,
    user_id: int,
    notice: Notice,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> int:
    """Send privately; one who cannot be reached (403) is recorded so and given up on."""
    services = context.services
    sent = await send_private_notice(context, user_id, notice, text, keyboard)
    if sent is None:
        async with services.uow() as uow:
            await note_private_chat(uow, user_id, reachable=False, now=services.now())
        raise Undeliverable(f"user {user_id} has no private chat with the bot")
    return sent.message_id


async def _load(context: BotContext, entry: OutboxEntry) -> tuple[Notice, Community] | None:
    async with context.services.uow() as uow:
        notice = await uow.notices.get(entry.intent.subject)
        community = await uow.communities.get(notice.community_id) if notice else None
    return (notice, community) if notice is not None and community is not None else None


async def deliver_notice_copy(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.NOTICE_COPY`: the notice privately with Read, once; a copy already sent of a
    notice withdrawn since is edited to say so."""
    loaded = await _load(context, entry)
    if loaded is None:
        return
    notice, community = loaded
    user_id = int(str(entry.intent.params["user"]))
    async with context.services.uow() as uow:
        copy = await uow.notices.copy_of(notice.id, user_id)
    lang = await language_of(context, user_id, community.language)
    text, keyboard = private_copy(notice, community, lang)
    if copy is not None:
        if notice.status is NoticeStatus.WITHDRAWN:
            await edit_notice(context, user_id, copy, notice, text, keyboard)
        return
    if notice.status is not NoticeStatus.PUBLISHED:
        return
    message_id = await _send(context, user_id, notice, text, keyboard)
    async with context.services.uow() as uow:
        await record_copy(uow, notice.id, user_id, message_id, now=context.services.now())


async def deliver_notice_reminder(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.NOTICE_REMINDER`: remind one resident of a household that has not confirmed,
    with Read; dropped if it confirmed or the notice was withdrawn meanwhile."""
    loaded = await _load(context, entry)
    if loaded is None:
        return
    notice, community = loaded
    unit = str(entry.intent.params["unit"])
    async with context.services.uow() as uow:
        confirmed = unit in await uow.notices.reads(notice.id)
    if confirmed or notice.status is not NoticeStatus.PUBLISHED:
        return
    user_id = int(str(entry.intent.params["user"]))
    lang = await language_of(context, user_id, community.language)
    copy = private_copy_text(notice, community.name, lang)
    text = t(lang, "notices.reminder", unit=unit, notice=copy)
    # a reminder is text only: the file came with the copy, and a caption is short
    await _send(context, user_id, replace(notice, file=None), text, read_keyboard(notice, lang))
    async with context.services.uow() as uow:
        await note_private_chat(uow, user_id, reachable=True, now=context.services.now())
