"""Objections during a result's publication period (公示期): `/object <vote> <reason>` by an
owner (or a resident, for community votes), told privately to the committee; `/objections
<vote>` lists them privately for the committee, `/answer <vote> <objection> <text>` answers and
tells the owner (through the outbox, written with the objection or the answer). The objector's
name and reason never go to the group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.communities.model import Community
from bot.errors import UserError
from bot.i18n import t, when, whole_number
from bot.outbox import OutboxEntry
from bot.votes.cases import answer_objection, object_to_result, objections_to
from bot.votes.model import Objection, Vote
from handlers.common import (
    actor_in,
    chat_language,
    command_args,
    command_text,
    community_here,
    display_name,
    is_private,
    language_of,
    open_private_button,
    reply,
    send_private,
    send_text,
)
from handlers.context import BotApplication, BotContext

MAX_NUMBER = 999_999_999


def _rest_after(update: Update, words: int) -> str:
    """The text after the command and its first `words` arguments, line breaks kept."""
    parts = command_text(update).split(maxsplit=words)
    return parts[words].strip() if len(parts) > words else ""


async def cmd_object(update: Update, context: BotContext) -> None:
    args = command_args(update)
    number = whole_number(args[0].lstrip("#"), high=MAX_NUMBER) if args else None
    if number is None or len(args) < 2:
        raise UserError("usage.object")
    community = await community_here(update, context, refusal="common.which_community")
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        lodged = await object_to_result(
            uow,
            community=community,
            number=number,
            user_id=user.id,
            user_name=display_name(user),
            text=_rest_after(update, 1),
            now=context.services.now(),
        )
    context.services.wake_outbox()  # the committee is told
    objection, vote = lodged.objection, lodged.vote
    lang = await chat_language(update, context)
    await reply(
        update,
        t(lang, "votes.objection_lodged", objection=objection.number, number=vote.number),
    )


async def _objection(
    context: BotContext, entry: OutboxEntry
) -> tuple[Vote, Community, Objection] | None:
    number = entry.intent.params.get("objection")
    async with context.services.uow() as uow:
        vote = await uow.votes.get(entry.intent.subject)
        community = await uow.communities.get(vote.community_id) if vote else None
        found = await uow.votes.objection(vote.id, int(str(number))) if vote else None
    if vote is None or community is None or found is None:
        return None
    return vote, community, found


async def deliver_objection(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_OBJECTION`: one member of the committee hears of an objection, privately."""
    found = await _objection(context, entry)
    if found is None:
        return
    vote, community, objection = found
    member = int(entry.intent.lane.removeprefix("user:"))
    lang = await language_of(context, member, community.language)
    text = t(
        lang,
        "votes.objection_to_committee",
        objection=objection.number,
        number=vote.number,
        question=vote.question,
        name=objection.user_name,
        text=objection.text,
    )
    await send_private(context, member, text[:4000])


async def cmd_objections(update: Update, context: BotContext) -> None:
    args = command_args(update)
    number = whole_number(args[0].lstrip("#"), high=MAX_NUMBER) if len(args) == 1 else None
    if number is None:
        raise UserError("usage.objections")
    community = await community_here(update, context, refusal="common.which_community")
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        vote, found = await objections_to(uow, community=community, actor=actor, number=number)
    lang = await language_of(context, user.id, community.language)
    if not found:
        await reply(update, t(lang, "votes.objections_none", number=vote.number))
        return
    lines = [t(lang, "votes.objections_header", number=vote.number, question=vote.question)]
    lines += [
        t(
            lang,
            "votes.objection_item",
            objection=o.number,
            name=o.user_name,
            at=when(o.lodged_at, lang, community.timezone),
            text=o.text,
            answer=o.answer or t(lang, "votes.objection_unanswered"),
        )
        for o in found
    ]
    listing = "\n".join(lines)
    if is_private(update):
        await reply(update, listing[:4000])
    elif await send_private(context, user.id, listing[:4000]):
        await reply(update, t(community.language, "votes.objections_sent"))
    else:
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )


async def cmd_answer(update: Update, context: BotContext) -> None:
    args = command_args(update)
    number = whole_number(args[0].lstrip("#"), high=MAX_NUMBER) if len(args) >= 3 else None
    objection_number = whole_number(args[1].lstrip("#"), high=MAX_NUMBER) if number else None
    if number is None or objection_number is None:
        raise UserError("usage.answer")
    community = await community_here(update, context, refusal="common.which_community")
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        vote, answered = await answer_objection(
            uow,
            community=community,
            actor=actor,
            number=number,
            objection_number=objection_number,
            text=_rest_after(update, 2),
            now=context.services.now(),
            answered_in=update.effective_chat.id if update.effective_chat else None,
        )
    context.services.wake_outbox()  # the owner is told
    lang = await chat_language(update, context)
    await reply(
        update, t(lang, "votes.objection_answered", objection=answered.number, number=vote.number)
    )


async def deliver_objection_answer(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_OBJECTION_ANSWER`: the objector hears the committee's answer privately; if
    the bot cannot write to them, the chat where it was answered is asked to tell them."""
    found = await _objection(context, entry)
    if found is None:
        return
    vote, community, answered = found
    owner_lang = await language_of(context, answered.user_id, community.language)
    text = t(
        owner_lang,
        "votes.objection_answer_to_owner",
        objection=answered.number,
        number=vote.number,
        question=vote.question,
        text=answered.answer or "",
    )
    if await send_private(context, answered.user_id, text[:4000]):
        return
    chat = entry.intent.params.get("answered_in")
    if isinstance(chat, int):
        lang = (
            community.language if chat < 0 else await language_of(context, chat, community.language)
        )
        unreached = t(
            lang,
            "votes.objection_answered_unreached",
            objection=answered.number,
            number=vote.number,
        )
        await send_text(context, chat, unreached)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("object", cmd_object))
    app.add_handler(CommandHandler("objections", cmd_objections))
    app.add_handler(CommandHandler("answer", cmd_answer))
