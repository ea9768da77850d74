"""The buttons of `/close`, `/result`, `/remind`, `/export` and `/verify` sent without a number
(`v1:vk:<action>:<vote id>`: each press does what the command with that number does, with the
same checks, re-done for the presser), and the confirmation of closing by hand
(`v1:vc:<vote id>:<asker>:y|n`: only the one who asked, still on the committee)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.i18n import t
from bot.votes.model import Vote, VoteStatus
from handlers import callbacks
from handlers.common import (
    actor_in,
    community_of_chat,
    edit_text,
    require_own_keyboard,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.votes.commands import (
    PICK_COMMANDS,
    ask_close,
    export_to,
    remind_now,
    result_of,
    verification_of,
)
from handlers.votes.jobs import publish_close

log = logging.getLogger(__name__)


async def _pressed_vote(
    update: Update, context: BotContext, vote_id: int
) -> tuple[Community, Vote]:
    """The community of the chat pressed in, and its vote `vote_id` (a forged id of another
    community's vote is not found)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    if vote.status is VoteStatus.DELETED:
        raise NotFound("votes.number_deleted", number=vote.number)
    return community, vote


async def on_pick(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.VOTE_PICK, 2)
    vote_id = callbacks.int_arg(args[1]) if args else None
    if args is None or args[0] not in PICK_COMMANDS or vote_id is None or query.message is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)  # the picker is not stored: the message must carry the button
    community, vote = await _pressed_vote(update, context, vote_id)
    presser = query.from_user
    keyboard: InlineKeyboardMarkup | None = None
    action = args[0]
    if action == "c":
        text, keyboard = await ask_close(context, community, presser.id, vote)
    elif action == "r":
        text = await result_of(context, community, vote)
    elif action == "m":
        text = await remind_now(context, community, presser.id, vote)
    elif action == "e":
        text, keyboard = await export_to(context, community, presser, vote)
    else:
        text = await verification_of(context, community, vote)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
    await query.answer()


async def on_close_confirm(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.VOTE_CLOSE, 3)
    vote_id = callbacks.int_arg(args[0]) if args else None
    asker = callbacks.int_arg(args[1]) if args else None
    if args is None or vote_id is None or asker is None or args[2] not in ("y", "n"):
        raise UserError("common.stale_button")
    if query.message is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)
    if query.from_user.id != asker:
        raise NotAllowed("votes.close_not_asker")
    community, vote = await _pressed_vote(update, context, vote_id)
    lang = await user_language(context, query.from_user)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if args[2] == "n":
        kept = "votes.close_kept" if vote.status is VoteStatus.OPEN else "votes.already_closed"
        await edit_text(
            context, chat_id, message_id, t(community.language, kept, number=vote.number)
        )
        await query.answer(t(lang, kept, number=vote.number))
        return
    if vote.status is VoteStatus.CLOSED:  # closed meanwhile: by its deadline, or another member
        closed = t(community.language, "votes.already_closed", number=vote.number)
        await edit_text(context, chat_id, message_id, closed)
        await query.answer(t(lang, "votes.already_closed", number=vote.number), show_alert=True)
        return
    actor = await actor_in(context, community, query.from_user.id)
    await publish_close(context, vote.id, actor=actor)
    await query.answer(t(lang, "votes.close_done", number=vote.number))
    done = t(community.language, "votes.close_done", number=vote.number)
    try:  # closed and answered: a confirmation that cannot be edited (bot removed) stays as is
        await edit_text(context, chat_id, message_id, done)
    except (Forbidden, BadRequest) as exc:
        log.warning("could not edit the close confirmation in chat %s: %s", chat_id, exc)


def register(app: BotApplication) -> None:
    app.add_handler(CallbackQueryHandler(on_pick, pattern=callbacks.pattern(callbacks.VOTE_PICK)))
    app.add_handler(
        CallbackQueryHandler(on_close_confirm, pattern=callbacks.pattern(callbacks.VOTE_CLOSE))
    )
