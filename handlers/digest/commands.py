"""Proposing a topic from a frequent problem of the digest: Propose under the digest
(`v1:dp:<community>:<building>:<category>`) sends the presser privately the prefilled topic
with Propose it / Cancel (`v1:dy:<proposal>:y|n`); one who never started the bot is taken
there by the `dp-<proposal>` deep link. Every press re-checks the presser: a verified resident
of the community, pressing on the digest in its group or on their own private screen."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.digest.cases import cancel_proposal, confirm_proposal, draft_proposal, own_proposal
from bot.errors import UserError
from bot.i18n import t, whole_number
from bot.notices.cases import note_private_chat
from bot.reports.model import Category
from handlers import callbacks
from handlers.common import (
    command_args,
    community_of_chat,
    deep_link,
    edit_text,
    reply,
    require_own_keyboard,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.digest.render import proposal_screen

PROPOSAL_PAYLOAD = "dp-"


async def on_propose(update: Update, context: BotContext) -> None:
    """Propose, pressed on the digest in the group."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.DIGEST_PROPOSE, 3)
    community_id = callbacks.int_arg(args[0]) if args else None
    category = args[2] if args else ""
    if (
        args is None
        or community_id is None
        or category not in {c.value for c in Category}
        or query.message is None
    ):
        raise UserError("common.stale_button")
    community = await community_of_chat(context, query.message.chat.id)
    if community is None or community.id != community_id:
        raise UserError("common.stale_button")
    require_own_keyboard(query)
    lang = await user_language(context, query.from_user)
    async with context.services.uow() as uow:
        proposal = await draft_proposal(
            uow,
            community=community,
            user_id=query.from_user.id,
            building=args[1],
            category=Category(category),
            lang=lang,
            now=context.services.now(),
        )
    text, keyboard = proposal_screen(proposal, lang)
    if await send_private(context, query.from_user.id, text, reply_markup=keyboard):
        await query.answer(t(lang, "digest.sent_privately"))
    else:  # never started the bot: the link opens the private chat with the prefilled topic
        await query.answer(url=deep_link(context, f"{PROPOSAL_PAYLOAD}{proposal.id}"))


async def cmd_start_proposal(update: Update, context: BotContext) -> None:
    """`/start dp-<proposal>`: the prefilled topic, for the resident who pressed Propose."""
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    proposal_id = whole_number(args[0].removeprefix(PROPOSAL_PAYLOAD)) if args else None
    if proposal_id is None:
        raise UserError("start.unknown_link")
    async with context.services.uow() as uow:
        await note_private_chat(uow, user.id, reachable=True, now=context.services.now())
    async with context.services.uow() as uow:
        proposal = await own_proposal(uow, proposal_id, user.id)
    text, keyboard = proposal_screen(proposal, await user_language(context, user))
    await reply(update, text, reply_markup=keyboard)


async def on_confirm(update: Update, context: BotContext) -> None:
    """Propose it / Cancel, on the presser's own private screen."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.DIGEST_CONFIRM, 2)
    proposal_id = callbacks.int_arg(args[0]) if args else None
    if args is None or proposal_id is None or args[1] not in ("y", "n"):
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    assert query.message is not None
    user_id = query.from_user.id
    lang = await user_language(context, query.from_user)
    async with context.services.uow() as uow:
        if args[1] == "y":
            topic = await confirm_proposal(
                uow, proposal_id=proposal_id, user_id=user_id, now=context.services.now()
            )
            done = t(lang, "digest.proposed", number=topic.number)
        else:
            await cancel_proposal(uow, proposal_id=proposal_id, user_id=user_id)
            done = t(lang, "digest.proposal_dropped")
    context.services.wake_outbox()  # the topic's card with Support, written with it
    await query.answer(done)
    await edit_text(context, query.message.chat.id, query.message.message_id, done)


def register_start_links(app: BotApplication) -> None:
    """Before the plain /start: the `dp-<proposal>` deep link."""
    link = filters.ChatType.PRIVATE & filters.Regex(
        rf"^/start(@\w+)? {re.escape(PROPOSAL_PAYLOAD)}"
    )
    app.add_handler(CommandHandler("start", cmd_start_proposal, filters=link))


def register(app: BotApplication) -> None:
    app.add_handler(
        CallbackQueryHandler(on_propose, pattern=callbacks.pattern(callbacks.DIGEST_PROPOSE))
    )
    app.add_handler(
        CallbackQueryHandler(on_confirm, pattern=callbacks.pattern(callbacks.DIGEST_CONFIRM))
    )
