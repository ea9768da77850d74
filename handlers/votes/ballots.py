"""The ballot buttons (For / Against / Abstain, and My ballot), paper ballots (`/paper`), and
the private notes to a household's other voters when someone else changed its ballot."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotFound, UserError
from bot.i18n import t, when
from bot.outbox import OutboxEntry
from bot.votes.ballots import (
    BallotPress,
    CastResult,
    PaperResult,
    enter_paper_ballot,
    my_ballots,
)
from bot.votes.cases import vote_by_number
from bot.votes.model import Vote
from bot.votes.options import parse_choice
from handlers import callbacks
from handlers.common import (
    POPUP_LIMIT,
    actor_in,
    chat_language,
    command_args,
    community_here,
    display_name,
    is_private,
    language_of,
    preferred_language,
    reply,
    require_card,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.votes.batch import ballot_batcher
from handlers.votes.private import redraw_private, require_private_ballot
from handlers.votes.render import CHOICES_BY_CODE, units_text

log = logging.getLogger(__name__)


def _until(vote: Vote, community: Community, lang: Language) -> str:
    return when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"


async def on_ballot(update: Update, context: BotContext) -> None:
    """A press on For / Against / Abstain: answered after the ballot is committed."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.VOTE_CAST, 2)
    vote_id = callbacks.int_arg(args[0]) if args else None
    choice = CHOICES_BY_CODE.get(args[1]) if args else None
    if vote_id is None or choice is None or query.message is None:
        raise UserError("common.stale_button")
    private = is_private(update)
    if private:  # the open-votes list or a reminder: the presser's own chat, this very button
        require_private_ballot(query)
    # Cast together with the presses waiting at the same moment (one commit for all of them).
    press = BallotPress(
        query.from_user.id,
        choice,
        # a payload forged onto another message is refused before anything changes
        pressed_on=(query.message.chat.id, query.message.message_id),
        user_name=display_name(query.from_user),
    )
    batcher = ballot_batcher(context)
    group = None if private else query.message.chat.id
    community, cast, profile = await batcher.cast(group, vote_id, press)
    context.services.vote_cards.touch(vote_id)
    lang = preferred_language(
        profile, query.from_user.language_code, context.services.settings.bot_language
    )
    await query.answer(recorded_text(cast, community, lang)[:POPUP_LIMIT], show_alert=True)
    if cast.notes:
        context.services.wake_outbox()  # the household's other voters are told
    if private:
        await redraw_private(context, query, vote_id)


def recorded_text(cast: CastResult, community: Community, lang: Language) -> str:
    """The alert after a ballot: the household, the choice, what it replaced, the receipt."""
    previous = (
        t(
            lang,
            "votes.changed_from",
            previous="/".join(t(lang, f"choice.{c.value}") for c in cast.previous),
        )
        if cast.previous
        else ""
    )
    return t(
        lang,
        "votes.recorded",
        choice=t(lang, f"choice.{cast.choice.value}"),
        units=units_text(cast.covers),
        previous=previous,
        receipt=", ".join(cast.receipts) or "-",
        until=_until(cast.vote, community, lang),
    )


async def _vote_and_community(context: BotContext, vote_id: int) -> tuple[Vote, Community] | None:
    async with context.services.uow() as uow:
        vote = await uow.votes.get(vote_id)
        community = await uow.communities.get(vote.community_id) if vote else None
    return (vote, community) if vote is not None and community is not None else None


async def deliver_change_note(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_CHANGE_NOTE`: a voter of a household (owner) whose ballot someone else
    changed is told privately, in their language, with the facts of that change."""
    found = await _vote_and_community(context, entry.intent.subject)
    if found is None:
        return
    vote, community = found
    params = entry.intent.params
    user_id = int(str(entry.intent.lane).removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    text = t(
        lang,
        f"votes.changed_note_{params['source']}",
        number=vote.number,
        question=vote.question,
        units=units_text(tuple(str(params["units"]).split(","))),
        previous=t(lang, f"choice.{params['previous']}"),
        choice=t(lang, f"choice.{params['choice']}"),
        name=str(params["name"] or ""),
        until=_until(vote, community, lang),
    )
    if not await send_private(context, user_id, text):
        log.info("vote %s: user %s has no private chat for a change note", vote.id, user_id)


async def on_my_ballot(update: Update, context: BotContext) -> None:
    """🧾 My ballot: the standing choice of each of the presser's households, with receipts."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.VOTE_MINE, 1)
    vote_id = callbacks.int_arg(args[0]) if args else None
    if vote_id is None or query.message is None:
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        community = await uow.communities.by_chat(query.message.chat.id)
        if community is None:
            raise NotFound("votes.not_found")
        pressed = await uow.votes.get(vote_id)
        if pressed is not None and pressed.community_id == community.id:
            require_card(query, pressed.card)
        vote, mine = await my_ballots(
            uow, community=community, vote_id=vote_id, user_id=query.from_user.id
        )
    lang = await user_language(context, query.from_user)
    if not mine:
        text = t(lang, "votes.my_ballot_none", number=vote.number)
    else:
        text = "\n".join(
            t(
                lang,
                "votes.my_ballot",
                units=units_text(b.units),
                choice=t(lang, f"choice.{b.choice.value}"),
                source=t(lang, f"ballot_source.{b.source.value}"),
                receipt=b.receipt or "-",
            )
            for b in mine
        )
    await query.answer(text[:POPUP_LIMIT], show_alert=True)


async def cmd_paper(update: Update, context: BotContext) -> None:
    """`/paper <vote> <unit> for|against|abstain` (赞成/反对/弃权): a paper or proxy ballot."""
    args = command_args(update)
    if len(args) != 3:
        raise UserError("usage.paper")
    number = callbacks.int_arg(args[0].lstrip("#"))
    choice = parse_choice(args[2])
    if number is None:
        raise UserError("usage.paper")
    if choice is None:
        raise UserError("votes.paper_unknown_choice", value=args[2][:20])
    community = await community_here(
        update, context, refusal="votes.paper_which_community", with_role=True
    )
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
        if vote.secret and not is_private(update):
            raise UserError("votes.paper_private_for_secret", number=vote.number)
        result = await enter_paper_ballot(
            uow,
            community=community,
            actor=actor,
            vote_id=vote.id,
            unit_code=args[1],
            choice=choice,
            now=context.services.now(),
            actor_name=display_name(user),
        )
    context.services.vote_cards.touch(vote.id)
    context.services.wake_outbox()  # the household's voters hear of it
    lang = await chat_language(update, context)
    await reply(update, paper_text(result, lang))


def paper_text(result: PaperResult, lang: Language) -> str:
    previous = (
        t(lang, "votes.paper_replaces", previous=t(lang, f"choice.{result.previous.value}"))
        if result.previous is not None
        else ""
    )
    return t(
        lang,
        "votes.paper_recorded",
        number=result.vote.number,
        units=units_text(result.units),
        choice=t(lang, f"choice.{result.choice.value}"),
        receipt=result.receipt,
        previous=previous,
    )


async def deliver_paper_note(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_PAPER_NOTE`: a voter of the household (owner) hears that a paper ballot now
    stands for them, with its receipt."""
    found = await _vote_and_community(context, entry.intent.subject)
    if found is None:
        return
    vote, community = found
    params = entry.intent.params
    user_id = int(str(entry.intent.lane).removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    text = t(
        lang,
        "votes.paper_note",
        number=vote.number,
        question=vote.question,
        units=units_text(tuple(str(params["units"]).split(","))),
        choice=t(lang, f"choice.{params['choice']}"),
        receipt=str(params["receipt"]),
        name=str(params["name"] or ""),
        until=_until(vote, community, lang),
    )
    if not await send_private(context, user_id, text):
        log.info("vote %s: user %s has no private chat for a paper note", vote.id, user_id)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("paper", cmd_paper))
    app.add_handler(CallbackQueryHandler(on_ballot, pattern=callbacks.pattern(callbacks.VOTE_CAST)))
    app.add_handler(
        CallbackQueryHandler(on_my_ballot, pattern=callbacks.pattern(callbacks.VOTE_MINE))
    )
