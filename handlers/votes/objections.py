"""Objections during a result's publication period (公示期): `/object <vote> <reason>` by an
owner (or a resident, for community votes), told privately to the committee; `/objections
<vote>` lists them privately for the committee, `/answer <vote> <objection> <text>` answers and
tells the owner. The objector's name and reason never go to the group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.errors import UserError
from bot.i18n import t, when, whole_number
from bot.votes.cases import answer_objection, object_to_result, objections_to
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
    objection, vote = lodged.objection, lodged.vote
    lang = await chat_language(update, context)
    await reply(
        update,
        t(lang, "votes.objection_lodged", objection=objection.number, number=vote.number),
    )
    for member in sorted(lodged.committee):
        member_lang = await language_of(context, member, community.language)
        text = t(
            member_lang,
            "votes.objection_to_committee",
            objection=objection.number,
            number=vote.number,
            question=vote.question,
            name=display_name(user),
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
        )
    owner_lang = await language_of(context, answered.user_id, community.language)
    told = await send_private(
        context,
        answered.user_id,
        t(
            owner_lang,
            "votes.objection_answer_to_owner",
            objection=answered.number,
            number=vote.number,
            question=vote.question,
            text=answered.answer or "",
        )[:4000],
    )
    lang = await chat_language(update, context)
    key = "votes.objection_answered" if told else "votes.objection_answered_unreached"
    await reply(update, t(lang, key, objection=answered.number, number=vote.number))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("object", cmd_object))
    app.add_handler(CommandHandler("objections", cmd_objections))
    app.add_handler(CommandHandler("answer", cmd_answer))
