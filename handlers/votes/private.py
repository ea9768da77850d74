"""Voting from the private chat: "Open votes" (the home keyboard's 🗳 and the group's
`votes-<community>` deep link) lists each open vote the user may vote in with their
households' standing ballots and For / Against / Abstain; a vote reminder carries the same
buttons and a link to the group card. The buttons are the group card's own `v1:vb:…`: a press
goes through `handlers/votes/ballots.py` `on_ballot` and the batcher like any other, accepted
only in the presser's own private chat on a message carrying it (see `require_private_ballot`).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t, when, whole_number
from bot.notices.cases import note_private_chat
from bot.outbox import OutboxEntry
from bot.votes.ballots import HouseholdBallot, OpenBallot, open_ballots
from bot.votes.model import Vote, VoteStatus
from bot.votes.tally import Choice
from handlers import callbacks
from handlers.common import (
    command_args,
    edit_text,
    language_of,
    reply,
    require_own_keyboard,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.menus import home_keyboard_for
from handlers.outbox import Undeliverable
from handlers.votes.render import CHOICE_CODES, units_text

log = logging.getLogger(__name__)

VOTES_PAYLOAD = "votes-"
MAX_LISTED = 10  # open votes listed at once (one message each)
SUPERGROUP_BASE = -(10**12)  # a supergroup's id is -100 followed by its own id; never a group's


def card_link(card: tuple[int, int] | None) -> str | None:
    """The t.me link of a group card, as `Message.link` builds it for a supergroup without a
    public name (`t.me/c/<id without -100>/<message>`); a basic group's messages have none."""
    if card is None:
        return None
    chat_id, message_id = card
    if chat_id > SUPERGROUP_BASE:
        return None
    return f"https://t.me/c/{SUPERGROUP_BASE - chat_id}/{message_id}"


def ballot_keyboard(
    vote: Vote, households: tuple[HouseholdBallot, ...], lang: Language
) -> InlineKeyboardMarkup:
    """For / Against / Abstain (✅ on the standing choice when all households share it), and
    the link to the group card where there is one."""
    standing = {h.choice for h in households}
    current = next(iter(standing)) if len(standing) == 1 else None
    row = [
        InlineKeyboardButton(
            ("✅ " if choice is current else "") + t(lang, f"votes.{choice.value}"),
            callback_data=callbacks.pack(callbacks.VOTE_CAST, vote.id, CHOICE_CODES[choice]),
        )
        for choice in Choice
    ]
    rows = [row]
    link = card_link(vote.card)
    if link is not None:
        rows.append([InlineKeyboardButton(t(lang, "votes.card_link_button"), url=link)])
    return InlineKeyboardMarkup(rows)


def _closes(vote: Vote, community: Community, lang: Language) -> str:
    return when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"


def private_view(listed: OpenBallot, lang: Language) -> tuple[str, InlineKeyboardMarkup]:
    """One open vote in the private list: the question, the deadline and each household's
    standing ballot, with the buttons."""
    vote, community = listed.vote, listed.community
    ballots = "\n".join(
        t(
            lang,
            "votes.private_ballot",
            units=units_text(h.units),
            choice=t(lang, f"choice.{h.choice.value}")
            if h.choice is not None
            else t(lang, "votes.private_not_cast"),
        )
        for h in listed.households
    )
    text = t(
        lang,
        "votes.private_card",
        number=vote.number,
        question=vote.question,
        community=community.name,
        closes=_closes(vote, community, lang),
        ballots=ballots,
    )
    return text, ballot_keyboard(vote, listed.households, lang)


async def show_open_votes(
    update: Update, context: BotContext, community_id: int | None = None
) -> None:
    """🗳 Open votes: one message per open vote the user may vote in (or one line saying
    there is none); `community_id` from a group's deep link narrows it to that community."""
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        listed = await open_ballots(
            uow, user_id=user.id, now=context.services.now(), community_id=community_id
        )
    lang = await user_language(context, user)
    if not listed:
        home = await home_keyboard_for(context, user.id, lang)
        await reply(update, t(lang, "votes.private_none"), reply_markup=home)
        return
    for item in listed[:MAX_LISTED]:
        text, keyboard = private_view(item, lang)
        await reply(update, text, reply_markup=keyboard)


async def cmd_open_votes(update: Update, context: BotContext) -> None:
    """The home keyboard's 🗳 Open votes."""
    await show_open_votes(update, context)


async def cmd_start_votes(update: Update, context: BotContext) -> None:
    """`/start votes-<community>` from the group's pinned "start here" message."""
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    community_id = whole_number(args[0].removeprefix(VOTES_PAYLOAD)) if args else None
    async with context.services.uow() as uow:
        await note_private_chat(uow, user.id, reachable=True, now=context.services.now())
    async with context.services.uow() as uow:
        community = await uow.communities.get(community_id) if community_id is not None else None
    if community is None:
        raise UserError("start.unknown_link")
    lang = await user_language(context, user)
    await reply(
        update,
        t(lang, "votes.private_head", community=community.name),
        reply_markup=await home_keyboard_for(context, user.id, lang),
    )
    await show_open_votes(update, context, community.id)


def require_private_ballot(query: CallbackQuery) -> None:
    """A ballot button pressed in a private chat counts only in the presser's own chat and on
    a message that carries this very button (the list or a reminder); `cast_ballots` checks
    the chat again."""
    require_private_screen(query)
    require_own_keyboard(query)


async def redraw_private(context: BotContext, query: CallbackQuery, vote_id: int) -> None:
    """After a ballot from the private list or a reminder: the pressed message shows the
    households' ballots as they now stand (the vote gone from the list: left as it is)."""
    message = query.message
    if message is None:
        return
    async with context.services.uow() as uow:
        listed = await open_ballots(uow, user_id=query.from_user.id, now=context.services.now())
    found = next((item for item in listed if item.vote.id == vote_id), None)
    if found is None:
        return
    lang = await user_language(context, query.from_user)
    text, keyboard = private_view(found, lang)
    try:
        await edit_text(context, message.chat.id, message.message_id, text, reply_markup=keyboard)
    except BadRequest as exc:  # the ballot stands and was confirmed; only the redraw is lost
        log.info("could not redraw the private list of vote %s: %s", vote_id, exc)


async def deliver_vote_reminder(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_REMINDER`: one voter reminded privately, unless the ballot was cast or the
    vote closed meanwhile, with the ballot buttons and the link to the group card. One who
    never started a chat with the bot is `Undeliverable`: the entry is marked failed at once,
    and the round's report after it counts them."""
    async with context.services.uow() as uow:
        vote = await uow.votes.get(entry.intent.subject)
        community = await uow.communities.get(vote.community_id) if vote else None
        key = str(entry.intent.params["key"])
        cast = await uow.votes.ballots_of(vote.id, [key]) if vote else {}
    if vote is None or community is None or vote.status is not VoteStatus.OPEN or key in cast:
        return
    user_id = int(str(entry.intent.params["user"]))
    lang = await language_of(context, user_id, community.language)
    text = t(
        lang,
        "votes.remind_private",
        number=vote.number,
        question=vote.question,
        community=community.name,
        closes=_closes(vote, community, lang),
    )
    keyboard = ballot_keyboard(vote, (), lang)
    if not await send_private(context, user_id, text, reply_markup=keyboard):
        raise Undeliverable(f"user {user_id} has no private chat with the bot")


def register_start_links(app: BotApplication) -> None:
    """Before the plain /start: the `votes-<community>` deep link."""
    link = filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)? {VOTES_PAYLOAD}")
    app.add_handler(CommandHandler("start", cmd_start_votes, filters=link))
