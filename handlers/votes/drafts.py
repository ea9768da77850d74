"""The vote draft's buttons `v1:vd:<vote id>:<what>[:<value>]` and the message that answers
"edit question". What each press may change is re-checked by the use case: the draft's author,
still on the committee, while it is a draft (a deleted one answers so and changes nothing)."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.i18n import t, whole_number
from bot.units.model import natural_order
from bot.votes.cases import (
    DraftEdit,
    answer_question,
    ask_question,
    drop_question_prompt,
    edit_draft,
    own_draft,
)
from bot.votes.model import Vote, VoteStatus
from bot.votes.options import MAX_QUESTION
from handlers import callbacks
from handlers.common import (
    actor_in,
    community_of_chat,
    edit_text,
    require_card,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.errors import tell_refusal
from handlers.votes.commands import MAX_DRAFT_MINUTES, post_card
from handlers.votes.render import (
    RULES_BY_CODE,
    draft_buildings_card,
    draft_card,
    draft_delete_card,
)

# Screens drawn without a change: the building list, the delete question, back to the draft.
SCREENS = frozenset({"b", "x", "m"})
# Raised group, before every other handler: a message a draft waits for is taken here.
QUESTION_GROUP = -1


async def _community_of_vote(context: BotContext, vote_id: int) -> Community | None:
    """The community of a draft whose card is in its author's private chat (the meeting's
    minutes put the topic to a vote); `require_card` then checks it is that very message."""
    async with context.services.uow() as uow:
        vote = await uow.votes.get(vote_id)
        return await uow.communities.get(vote.community_id) if vote else None


async def _community_of(
    context: BotContext, chat_id: int, private: bool, vote_id: int
) -> Community:
    community = await community_of_chat(context, chat_id)
    if community is None and private:
        community = await _community_of_vote(context, vote_id)  # a draft from the minutes
    if community is None:
        raise NotFound("votes.not_found")
    return community


async def _buildings(context: BotContext, community: Community) -> list[str]:
    """The register's buildings in their natural order: a press names one by its place here."""
    async with context.services.uow() as uow:
        return sorted(await uow.units.buildings(community.id), key=natural_order)


async def _edit_of(context: BotContext, community: Community, args: list[str]) -> DraftEdit | None:
    """The change a payload asks for; None if it is not one (forged, garbled)."""
    what, value = args[1], args[2] if len(args) == 3 else None
    if what == "r" and value is not None and value in RULES_BY_CODE:
        return DraftEdit(rule=RULES_BY_CODE[value])
    if what == "d" and value is not None:
        # bounded before timedelta() sees it: a forged 20-digit number would overflow it
        minutes = whole_number(value, high=MAX_DRAFT_MINUTES)
        return DraftEdit(duration=timedelta(minutes=minutes)) if minutes else None
    if what == "bs" and value is not None:
        index = callbacks.int_arg(value, low=0)
        buildings = await _buildings(context, community)
        if index is None or index >= len(buildings):
            return None
        return DraftEdit(building=buildings[index])
    if value is not None:
        return None
    return {
        "ba": DraftEdit(whole_community=True),
        "s": DraftEdit(toggle_secret=True),
        "xy": DraftEdit(delete=True),
        "go": DraftEdit(start=True),
    }.get(what)


async def on_draft_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.args_of(query.data, callbacks.VOTE_DRAFT)
    vote_id = callbacks.int_arg(args[0]) if args else None
    if not args or len(args) not in (2, 3) or vote_id is None or query.message is None:
        raise UserError("common.stale_button")
    private = query.message.chat.type == ChatType.PRIVATE
    community = await _community_of(context, query.message.chat.id, private, vote_id)
    what = args[1]
    edit = None if what in SCREENS or what == "q" else await _edit_of(context, community, args)
    if edit is None and (len(args) != 2 or (what not in SCREENS and what != "q")):
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        pressed = await uow.votes.get(vote_id)
    if pressed is not None and pressed.community_id == community.id:
        require_card(query, pressed.card)  # the draft's own message, not the vote card or another
    actor = await actor_in(context, community, query.from_user.id)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    now = context.services.now()
    if edit is None:
        async with context.services.uow() as uow:
            if what == "q":
                vote = await ask_question(
                    uow, community=community, vote_id=vote_id, actor=actor, chat_id=chat_id, now=now
                )
            else:
                vote = await own_draft(uow, community, vote_id, actor)
        if what == "q":
            await query.answer()
            prompt = t(
                community.language, "votes.draft_ask_question", number=vote.number, max=MAX_QUESTION
            )
            await send_text(context, chat_id, prompt)
            return
        buildings = await _buildings(context, community) if what == "b" else []
        text, keyboard = _screen(vote, community, what, buildings)
        await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        await query.answer()
        return
    async with context.services.uow() as uow:
        vote = await edit_draft(
            uow, community=community, vote_id=vote_id, actor=actor, edit=edit, now=now
        )
    if vote.status is VoteStatus.DELETED:
        await query.answer(t(await user_language(context, query.from_user), "votes.draft_deleted"))
        deleted = t(community.language, "votes.draft_deleted_card", number=vote.number)
        await edit_text(context, chat_id, message_id, deleted)
        return
    if vote.status is VoteStatus.DRAFT:
        text, keyboard = draft_card(vote, community)
        await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        await query.answer()
        return
    started = "votes.announced_ok" if vote.status is VoteStatus.ANNOUNCED else "votes.started"
    await query.answer(
        t(await user_language(context, query.from_user), started, number=vote.number)
    )
    await post_card(context, community, vote)
    await edit_text(
        context, chat_id, message_id, t(community.language, started, number=vote.number)
    )


def _screen(
    vote: Vote, community: Community, what: str, buildings: list[str]
) -> tuple[str, InlineKeyboardMarkup]:
    if what == "b":
        if not buildings:
            raise UserError("votes.draft_no_buildings")
        return draft_buildings_card(vote, community, buildings)
    if what == "x":
        return draft_delete_card(vote, community)
    return draft_card(vote, community)


async def on_question_message(update: Update, context: BotContext) -> None:
    """A text message: if its sender's draft waits for a question in this chat, it is the new
    question (refused empty or too long, the draft waiting on), and no other handler sees it.
    Otherwise it goes on to the other handlers untouched."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    chat_id = message.chat.id
    async with context.services.uow() as uow:
        vote_id = await uow.votes.question_prompt(user.id, chat_id)
    if vote_id is None:
        return
    private = message.chat.type == ChatType.PRIVATE
    try:
        community = await _community_of(context, chat_id, private, vote_id)
        actor = await actor_in(context, community, user.id)
        async with context.services.uow() as uow:
            vote = await answer_question(
                uow,
                community=community,
                vote_id=vote_id,
                actor=actor,
                chat_id=chat_id,
                text=message.text,
            )
    except UserError as error:
        if error.key not in ("votes.question_empty", "votes.question_too_long"):
            # the draft started, was deleted or is no longer theirs: nothing waits any more
            async with context.services.uow() as uow:
                await drop_question_prompt(uow, user_id=user.id, chat_id=chat_id)
        await tell_refusal(update, context, error)
        raise ApplicationHandlerStop from error
    if vote.card is not None:
        text, keyboard = draft_card(vote, community)
        await edit_text(context, vote.card[0], vote.card[1], text, reply_markup=keyboard)
    lang = community.language
    changed = t(lang, "votes.question_changed", number=vote.number, question=vote.question)
    await send_text(context, chat_id, changed)
    raise ApplicationHandlerStop


def register(app: BotApplication) -> None:
    app.add_handler(
        CallbackQueryHandler(on_draft_button, pattern=callbacks.pattern(callbacks.VOTE_DRAFT))
    )
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_question_message
        ),
        group=QUESTION_GROUP,
    )
