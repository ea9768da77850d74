"""Households and residents: /join (by review or by code), the review buttons, /me, /leave,
/members and /role."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.codes.cases import join_with_code
from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.i18n import t, whole_number
from bot.outbox import OutboxEntry
from bot.residents.cases import decide_join, leave, list_members
from bot.residents.model import Membership, Relation, parse_relation
from bot.residents.profile import load_profile
from bot.roles.cases import set_role
from bot.roles.model import parse_buildings, parse_role
from handlers import callbacks
from handlers.common import (
    actor_in,
    chat_language,
    command_args,
    community_of_chat,
    display_name,
    edit_text,
    is_private,
    language_of,
    open_private_button,
    reply,
    require_card,
    require_community,
    require_own_keyboard,
    require_private_screen,
    send_private,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.residents.buttons import buildings_keyboard
from handlers.residents.join_cards import submit_join_request
from handlers.residents.owners import offer_owner_verification
from handlers.residents.render import join_card, members, profile, role_word

log = logging.getLogger(__name__)

LONG_LIST_CHARS = 1500
MESSAGE_LIMIT = 4000


def _parse_join_args(args: list[str]) -> tuple[str, str | None, Relation | None]:
    """`<unit> [code] [owner|tenant]`, in any order after the unit (no relation: None)."""
    if not args:
        raise UserError("usage.join")
    unit, code, relation = args[0], None, None
    for word in args[1:]:
        parsed = parse_relation(word)
        if parsed is not None:
            relation = parsed
        elif code is None:
            code = word
        else:
            raise UserError("usage.join")
    return unit, code, relation


async def cmd_join(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    if not args and not is_private(update):
        community = await require_community(update, context)
        lang = community.language
        button = open_private_button(context, lang, f"join-{community.id}")
        await reply(update, t(lang, "join.how_in_group"), reply_markup=button)
        return
    if not args:
        community = await _community_for_join(update, context, user)
        lang = await user_language(context, user)
        keyboard = await buildings_keyboard(context, community, lang)
        await reply(
            update, t(lang, "join.pick_building", community=community.name), reply_markup=keyboard
        )
        return
    unit, code, relation = _parse_join_args(args)
    now = context.services.now()
    if code is not None:
        if not is_private(update):
            lang = await chat_language(update, context)
            await reply(
                update,
                t(lang, "join.code_in_private"),
                reply_markup=open_private_button(context, lang),
            )
            return
        async with context.services.uow() as uow:
            membership = await join_with_code(
                uow,
                user_id=user.id,
                user_name=display_name(user),
                unit_code=unit,
                code=code,
                relation=Relation.TENANT if relation is Relation.TENANT else Relation.RESIDENT,
                now=now,
            )
            joined = await uow.communities.get(membership.community_id)
        lang = await user_language(context, user)
        name = joined.name if joined else "?"
        await reply(
            update, t(lang, "join.verified_by_code", unit=membership.unit_code, community=name)
        )
        if relation is not Relation.TENANT:  # a code proves residence: offer the owner's ways
            await offer_owner_verification(
                context, user.id, lang, membership.community_id, membership.unit_code
            )
        return
    community = await _community_for_join(update, context, user)
    in_group = not is_private(update)
    message = update.effective_message
    membership = await submit_join_request(
        context,
        community,
        user_id=user.id,
        user_name=display_name(user),
        unit_code=unit,
        relation=relation or Relation.OWNER,
        reply_to_message_id=message.message_id if in_group and message else None,
    )
    if not in_group:
        lang = await user_language(context, user)
        await reply(
            update,
            t(lang, "join.requested_private", unit=membership.unit_code, community=community.name),
        )


async def _community_for_join(update: Update, context: BotContext, user: User) -> Community:
    if not is_private(update):
        return await require_community(update, context)
    async with context.services.uow() as uow:
        profile_ = await uow.users.get(user.id)
        chosen = (
            await uow.communities.get(profile_.context_community_id)
            if profile_ is not None and profile_.context_community_id is not None
            else None
        )
    if chosen is None:
        raise UserError("join.which_community")
    return chosen


async def on_join_review(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.JOIN_REVIEW, 2)
    membership_id = callbacks.int_arg(args[0]) if args else None
    if args is None or membership_id is None or args[1] not in ("a", "r") or query.message is None:
        raise UserError("common.stale_button")
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise NotFound("join.request_not_found")
    async with context.services.uow() as uow:
        pressed = await uow.residents.get(membership_id)
        card = await uow.residents.card(membership_id) if pressed is not None else None
    if pressed is not None and pressed.community_id == community.id:
        require_card(query, card)
    actor = await actor_in(context, community, query.from_user.id)
    async with context.services.uow() as uow:
        decision = await decide_join(
            uow,
            community=community,
            membership_id=membership_id,
            actor=actor,
            actor_name=display_name(query.from_user),
            approve=args[1] == "a",
            now=context.services.now(),
        )
    membership = decision.membership
    lang = await user_language(context, query.from_user)
    await query.answer(t(lang, f"join.answer_{membership.status.value}", unit=membership.unit_code))
    context.services.wake_outbox()  # the card redrawn, the applicant told


async def deliver_join_outcome(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.JOIN_OUTCOME`, written with the decision: the card is redrawn as decided, then
    the applicant is told by DM where the bot may write to them, otherwise by a short reply to
    the card in the group. A retry redraws again ("not modified") and tells once more."""
    async with context.services.uow() as uow:
        membership = await uow.residents.get(entry.intent.subject)
        community = await uow.communities.get(membership.community_id) if membership else None
        card = await uow.residents.card(membership.id) if membership else None
    status = entry.intent.params.get("status")
    if membership is None or community is None or status not in ("verified", "rejected"):
        return
    if card is not None:
        text, keyboard = join_card(membership, community)
        await edit_text(context, card[0], card[1], text, reply_markup=keyboard)
    lang = await language_of(context, membership.user_id, community.language)
    key = f"join.outcome_{status}"
    text = t(lang, key, unit=membership.unit_code, community=community.name)
    if await send_private(context, membership.user_id, text):
        return
    group_text = t(community.language, key, unit=membership.unit_code, community=community.name)
    await send_text(
        context,
        card[0] if card else community.chat_id,
        f"{membership.user_name}: {group_text}",
        reply_to_message_id=card[1] if card else None,
        allow_sending_without_reply=True,
    )


async def cmd_me(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        profiles = await load_profile(uow, user.id)
    await reply(update, profile(profiles, await user_language(context, user)))


async def cmd_leave(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        live = await uow.residents.live_of_user(user.id)
        names: dict[int, str] = {}
        for m in live:
            found = await uow.communities.get(m.community_id)
            names[m.community_id] = found.name if found else "?"
    if not is_private(update):
        community = await require_community(update, context)
        live = [m for m in live if m.community_id == community.id]
    lang = await user_language(context, user)
    if not live:
        raise UserError("leave.nothing")
    rows = []
    for membership in live:
        community_name = names[membership.community_id]
        label = t(lang, "leave.button", unit=membership.unit_code, community=community_name)
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=callbacks.pack(callbacks.LEAVE, membership.id)
                )
            ]
        )
    await reply(update, t(lang, "leave.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def on_leave(update: Update, context: BotContext) -> None:
    """A household picked from /leave's list: asked again, Yes / No (`on_leave_confirm`)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.LEAVE, 1)
    membership_id = callbacks.int_arg(args[0]) if args else None
    if membership_id is None or query.message is None:
        raise UserError("common.stale_button")
    membership, name = await _leaving(update, context, membership_id)
    lang = await user_language(context, query.from_user)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, key),
                    callback_data=callbacks.pack(callbacks.LEAVE_CONFIRM, membership.id, answer),
                )
                for key, answer in (("leave.yes", "y"), ("leave.no", "n"))
            ]
        ]
    )
    text = t(lang, "leave.confirm", unit=membership.unit_code, community=name)
    await edit_text(
        context, query.message.chat.id, query.message.message_id, text, reply_markup=keyboard
    )
    await query.answer()


async def _leaving(
    update: Update, context: BotContext, membership_id: int
) -> tuple[Membership, str]:
    """The presser's own live membership a leave button names, and its community's name.
    The list is not stored (it may be in the group): the pressed message must carry this
    button, and in a private chat be the presser's own."""
    query = update.callback_query
    assert query is not None
    require_own_keyboard(query)
    if is_private(update):
        require_private_screen(query)
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        community = await uow.communities.get(membership.community_id) if membership else None
    if membership is None or membership.user_id != query.from_user.id:
        raise NotFound("leave.not_found")
    if not membership.is_live:
        raise UserError("leave.already_left", unit=membership.unit_code)
    return membership, community.name if community else "?"


async def on_leave_confirm(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.LEAVE_CONFIRM, 2)
    membership_id = callbacks.int_arg(args[0]) if args else None
    if args is None or membership_id is None or args[1] not in ("y", "n"):
        raise UserError("common.stale_button")
    if query.message is None:
        raise UserError("common.stale_button")
    membership, name = await _leaving(update, context, membership_id)
    lang = await user_language(context, query.from_user)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if args[1] == "n":
        kept = t(lang, "leave.kept", unit=membership.unit_code, community=name)
        await edit_text(context, chat_id, message_id, kept)
        await query.answer(kept)
        return
    async with context.services.uow() as uow:
        ended = await leave(
            uow, membership_id=membership_id, user_id=query.from_user.id, now=context.services.now()
        )
    done = t(lang, "leave.done", unit=ended.unit_code, community=name)
    await query.answer(done)
    await edit_text(context, chat_id, message_id, done)


async def cmd_members(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        buildings = await list_members(uow, community_id=community.id, actor=actor)
    text = members(community, buildings, community.language)
    if len(text) <= LONG_LIST_CHARS:
        await reply(update, text)
        return
    lang = await user_language(context, user)
    private_text = members(community, buildings, lang)
    chunks = _chunks(private_text)
    if await send_private(context, user.id, chunks[0]):
        for chunk in chunks[1:]:
            await context.bot.send_message(user.id, chunk)
        await reply(update, t(community.language, "members.sent_privately"))
    else:
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )


def _chunks(text: str) -> list[str]:
    """Split at line ends into messages under Telegram's length limit."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        if len(current) + len(line) + 1 > MESSAGE_LIMIT and current:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return chunks


async def cmd_role(update: Update, context: BotContext) -> None:
    """`/role <role> [buildings]` as a reply to the member's message, or `/role <id> <role> ...`."""
    community = await require_community(update, context)
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    args = command_args(update)
    target_id: int | None = None
    replied = message.reply_to_message
    replied_user = replied.from_user if replied is not None else None
    if replied_user is not None and not replied_user.is_bot:
        target_id = replied_user.id
    elif args and whole_number(args[0]) is not None:
        target_id = whole_number(args[0])
        args = args[1:]
        replied_user = None
    role = parse_role(args[0]) if args else None
    if target_id is None or role is None:
        raise UserError("usage.role")
    actor = await actor_in(context, community, user.id)
    now = context.services.now()
    async with context.services.uow() as uow:
        if replied_user is not None:
            name = display_name(replied_user)
            await uow.users.remember(target_id, name, now=now)
        else:
            known = await uow.users.get(target_id)
            name = known.display_name if known else str(target_id)
        grant = await set_role(
            uow,
            community_id=community.id,
            actor=actor,
            target_user_id=target_id,
            role=role,
            buildings=parse_buildings(args[1:]),
            now=now,
        )
    lang = community.language
    await reply(
        update,
        t(
            lang,
            "role.done",
            name=name,
            role=role_word(grant.role, lang, ", ".join(grant.buildings)),
        ),
    )


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("join", cmd_join))
    app.add_handler(CommandHandler("me", cmd_me))
    app.add_handler(CommandHandler("leave", cmd_leave))
    app.add_handler(CommandHandler("members", cmd_members))
    app.add_handler(CommandHandler("role", cmd_role))
    app.add_handler(
        CallbackQueryHandler(on_join_review, pattern=callbacks.pattern(callbacks.JOIN_REVIEW))
    )
    app.add_handler(CallbackQueryHandler(on_leave, pattern=callbacks.pattern(callbacks.LEAVE)))
    app.add_handler(
        CallbackQueryHandler(on_leave_confirm, pattern=callbacks.pattern(callbacks.LEAVE_CONFIRM))
    )
