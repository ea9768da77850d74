"""/notice in the group (with a photo or document, pinned, urgent, scheduled, or `withdraw n`),
the Read button in the group and in private, and the group card's delivery and redraws."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.i18n import t, when
from bot.notices.cases import (
    attach_notice_card,
    confirm_read,
    notice_of,
    post_notice,
    read_count,
    withdraw_notice,
)
from bot.notices.model import (
    FileKind,
    Notice,
    NoticeFile,
    NoticeStatus,
    scope_text,
    withdraw_number,
)
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from bot.roles.model import Actor
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_text,
    language_of,
    pin_message,
    reply,
    require_card,
    require_community,
    require_own_keyboard,
    send_private,
    send_text,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.live_cards import Card
from handlers.notices import listing, unread
from handlers.notices.jobs import schedule_publish
from handlers.notices.render import notice_card
from handlers.notices.send import edit_notice, send_notice

log = logging.getLogger(__name__)

CAPTION_COMMAND = filters.CaptionRegex(r"^/notice(@\w+)?(\s|$)")


async def render_notice_card(uow_factory: Callable[[], UnitOfWork], notice_id: int) -> Card | None:
    """The notice card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        notice = await uow.notices.get(notice_id)
        community = await uow.communities.get(notice.community_id) if notice else None
        if notice is None or community is None or notice.card is None:
            return None
        count = await read_count(uow, notice)
    text, keyboard = notice_card(notice, count, community)
    return Card(notice.card[0], notice.card[1], text, keyboard, caption=notice.file is not None)


def attached_file(message: Message | None) -> NoticeFile | None:
    """The photo or document the command came with (as its caption), or replied to."""
    for carrier in (message, message.reply_to_message if message else None):
        if carrier is None:
            continue
        if carrier.photo:
            return NoticeFile(FileKind.PHOTO, carrier.photo[-1].file_id)
        if carrier.document is not None:
            return NoticeFile(FileKind.DOCUMENT, carrier.document.file_id)
    return None


async def _actor(update: Update, context: BotContext, community: Community) -> Actor:
    user = update.effective_user
    assert user is not None
    if sent_by_anonymous_admin(update.effective_message):  # writes as the group itself
        return Actor(user.id, is_chat_admin=True)
    return await actor_in(context, community, user.id)


async def cmd_notice(update: Update, context: BotContext) -> None:
    """`/notice [pin] [urgent] [at <time>] [building 3 | 楼栋 3 | 3号楼] <text>` (reps for their
    buildings, committee, admins), on its own, as a photo's or document's caption, or replying
    to one: the notice and its card (and private copies), written into the outbox together; or
    stored to be posted at its time. `/notice withdraw <n>` withdraws one."""
    community = await require_community(update, context)
    actor = await _actor(update, context, community)
    text = command_text(update)
    number_ = withdraw_number(text)
    lang = community.language
    if number_ is not None:
        async with context.services.uow() as uow:
            notice = await notice_of(uow, community, number_=number_)
            await withdraw_notice(
                uow, community=community, actor=actor, notice=notice, now=context.services.now()
            )
        context.services.wake_outbox()
        await reply(update, t(lang, "notices.withdrawn", number=notice.number))
        return
    async with context.services.uow() as uow:
        notice = await post_notice(
            uow,
            community=community,
            actor=actor,
            text=text,
            now=context.services.now(),
            file=attached_file(update.effective_message),
        )
    if notice.status is NoticeStatus.SCHEDULED:
        assert notice.publish_at is not None
        schedule_publish(context, notice)
        at = when(notice.publish_at, lang, community.timezone)
        scope = scope_text(notice, lang)
        await reply(update, t(lang, "notices.scheduled", number=notice.number, scope=scope, at=at))
        return
    context.services.wake_outbox()  # the card with Read (and the copies), written with it


async def deliver_notice_card(context: BotContext, entry: OutboxEntry) -> None:
    """Post the notice's card with Read if it has none (and pin it if asked), else redraw it
    (never twice); a notice not published (scheduled, cancelled) has no card."""
    services = context.services
    async with services.uow() as uow:
        notice = await uow.notices.get(entry.intent.subject)
        community = await uow.communities.get(notice.community_id) if notice else None
        if notice is None or community is None:
            return
        count = await read_count(uow, notice)
    text, keyboard = notice_card(notice, count, community)
    if notice.card is not None:
        await edit_notice(context, notice.card[0], notice.card[1], notice, text, keyboard)
        if notice.pin and notice.status is NoticeStatus.PUBLISHED:
            # the entry that posted the card is tried again: its pin may not have been made
            await _pin(context, community, notice, *notice.card)
        return
    if notice.status is not NoticeStatus.PUBLISHED:
        return
    card = await send_notice(context, community.chat_id, notice, text, keyboard)
    async with services.uow() as uow:
        await attach_notice_card(uow, notice.id, card.chat_id, card.message_id)
    if notice.pin:
        await _pin(context, community, notice, card.chat_id, card.message_id)


async def _pin(
    context: BotContext, community: Community, notice: Notice, chat_id: int, message_id: int
) -> None:
    """Pin the card (pinning it again changes nothing). A refusal (the bot is no
    administrator) is logged and the author told, privately or else in the group: the notice
    stands. A timeout, a flood limit or Telegram's 5xx is raised, so the outbox tries the entry
    again and the pin is not lost."""
    # a notice is pinned with a notification: residents should see it
    if not await pin_message(context, chat_id, message_id, what=f"notice {notice.id}", notify=True):
        lang = await language_of(context, notice.author_id, community.language)
        text = t(lang, "notices.pin_failed", number=notice.number)
        if not await send_private(context, notice.author_id, text):
            await send_text(
                context,
                chat_id,
                t(community.language, "notices.pin_failed", number=notice.number),
            )


async def on_read(update: Update, context: BotContext) -> None:
    """Read, pressed on a notice card in the group or on a private copy or reminder: the
    presser's household in scope confirms it, once."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.NOTICE_READ, 1)
    notice_id = callbacks.int_arg(args[0]) if args else None
    if notice_id is None or query.message is None:
        raise UserError("common.stale_button")
    chat = query.message.chat
    private = chat.type == ChatType.PRIVATE
    async with context.services.uow() as uow:
        pressed = await uow.notices.get(notice_id)
        if private:
            # the presser's own chat, on a message that carries this very button
            if chat.id != query.from_user.id or pressed is None:
                raise UserError("common.stale_button")
            require_own_keyboard(query)
            community = await uow.communities.get(pressed.community_id)
        else:
            community = await uow.communities.by_chat(chat.id)
            if (
                community is not None
                and pressed is not None
                and pressed.community_id == community.id
            ):
                require_card(query, pressed.card)
        if community is None:
            raise NotFound("notices.not_found")
        result = await confirm_read(
            uow,
            community=community,
            notice_id=notice_id,
            user_id=query.from_user.id,
            now=context.services.now(),
        )
    if not result.already:
        context.services.notice_cards.touch(notice_id)
    lang = await user_language(context, query.from_user)
    key = "notices.already" if result.already else "notices.confirmed"
    await query.answer(t(lang, key, households=", ".join(result.households)))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("notice", cmd_notice))
    app.add_handler(
        MessageHandler((filters.PHOTO | filters.Document.ALL) & CAPTION_COMMAND, cmd_notice)
    )
    app.add_handler(CallbackQueryHandler(on_read, pattern=callbacks.pattern(callbacks.NOTICE_READ)))
    listing.register(app)
    unread.register(app)
