"""Households and residents: /join (by review or by code), the review buttons, /me, /leave,
/members and /role."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.codes.cases import join_with_code
from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.i18n import t, whole_number
from bot.outbox import OutboxEntry, Tell
from bot.residents.cases import (
    ask_reject_reason,
    decide_join,
    drop_reject_reason,
    leave,
    list_members,
    reviewable,
)
from bot.residents.model import (
    Membership,
    MembershipStatus,
    RejectReason,
    Relation,
    parse_relation,
)
from bot.residents.profile import load_profile
from bot.roles.cases import set_role
from bot.roles.model import Actor, parse_buildings, parse_role
from handlers import callbacks
from handlers.common import (
    actor_in,
    chat_language,
    command_args,
    community_here,
    community_of_chat,
    display_name,
    edit_text,
    is_private,
    language_of,
    open_private_button,
    reply,
    require_community,
    require_own_keyboard,
    require_private_screen,
    send_private,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.errors import tell_refusal
from handlers.menus import home_keyboard_for
from handlers.residents.buttons import buildings_keyboard
from handlers.residents.join_cards import redraw_join_cards, submit_join_request
from handlers.residents.owners import offer_owner_verification
from handlers.residents.privately import answer_privately, chunks_of
from handlers.residents.render import (
    REASON_CODES,
    members,
    profile,
    reason_text,
    reject_reasons_keyboard,
    role_word,
)

log = logging.getLogger(__name__)

# The handler group of the typed rejection reason: ahead of the default group 0.
REASON_GROUP = -1


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
        # joined: from now on the home keyboard stays under the chat (as after the buttons)
        home = await home_keyboard_for(context, user.id, lang)
        await reply(
            update,
            t(lang, "join.verified_by_code", unit=membership.unit_code, community=name),
            reply_markup=home,
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
        return
    # the group hears neither who asked nor for which unit: the reviewers have it privately
    await reply(update, t(community.language, "join.requested_group"))


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
    """Approve / Reject `v1:jr:<id>:a|r` on a reviewer's copy of the card, the staff chat's,
    or the presser's own /pending list: re-checked against the stored copies (or the private
    screen carrying this very button), then the presser as reviewer of the building. Reject
    asks privately for the reason (`v1:jx:…`) before anything is decided."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.JOIN_REVIEW, 2)
    membership_id = callbacks.int_arg(args[0]) if args else None
    if args is None or membership_id is None or args[1] not in ("a", "r") or query.message is None:
        raise UserError("common.stale_button")
    membership, community = await _pressed_request(query, context, membership_id)
    actor = await actor_in(context, community, query.from_user.id)
    lang = await user_language(context, query.from_user)
    if args[1] == "r":
        async with context.services.uow() as uow:
            await reviewable(uow, community, membership.id, actor)
        text = t(lang, "join.reason_ask", unit=membership.unit_code)
        keyboard = reject_reasons_keyboard(membership, lang)
        if not await send_private(context, query.from_user.id, text, reply_markup=keyboard):
            raise UserError("join.reason_private_first")
        await query.answer(t(lang, "join.reason_asked"))
        return
    async with context.services.uow() as uow:
        decision = await decide_join(
            uow,
            community=community,
            membership_id=membership.id,
            actor=actor,
            actor_name=display_name(query.from_user),
            approve=True,
            now=context.services.now(),
        )
    decided = decision.membership
    await query.answer(t(lang, f"join.answer_{decided.status.value}", unit=decided.unit_code))
    context.services.wake_outbox()  # every copy of the card redrawn, the applicant told


async def _pressed_request(
    query: CallbackQuery, context: BotContext, membership_id: int
) -> tuple[Membership, Community]:
    """The request a review button names, if pressed where its buttons are: a stored copy of
    its card, or a private screen of the presser's that carries this very button (/pending,
    the reasons). A forged payload elsewhere is stale; nothing is changed."""
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        community = await uow.communities.get(membership.community_id) if membership else None
        cards = await uow.residents.cards(membership_id) if membership else []
    message = query.message
    assert message is not None
    if (message.chat.id, message.message_id) not in cards:
        require_private_screen(query)
        require_own_keyboard(query)
    if membership is None or community is None:
        raise NotFound("join.request_not_found")
    return membership, community


async def on_join_reject(update: Update, context: BotContext) -> None:
    """A preset reason `v1:jx:<id>:n|u|o` on the private question: rejected with it (told to
    the applicant); "other" asks the reviewer to type it, kept in SQLite for a restart."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.JOIN_REJECT, 2)
    membership_id = callbacks.int_arg(args[0]) if args else None
    reasons = {code: reason for reason, code in REASON_CODES.items()}
    if args is None or membership_id is None or args[1] not in reasons:
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    membership, community = await _pressed_request(query, context, membership_id)
    actor = await actor_in(context, community, query.from_user.id)
    lang = await user_language(context, query.from_user)
    reason = reasons[args[1]]
    now = context.services.now()
    if reason is RejectReason.OTHER:
        async with context.services.uow() as uow:
            await ask_reject_reason(
                uow, community=community, membership_id=membership.id, actor=actor, now=now
            )
        await query.answer()
        await reply_to_query(context, query, t(lang, "join.reason_type", unit=membership.unit_code))
        return
    await _reject(context, query.from_user, community, membership, actor, reason, "")
    await query.answer(t(lang, "join.answer_rejected", unit=membership.unit_code))


async def reply_to_query(context: BotContext, query: CallbackQuery, text: str) -> None:
    assert query.message is not None
    await send_text(context, query.message.chat.id, text)


async def _reject(
    context: BotContext,
    user: User,
    community: Community,
    membership: Membership,
    actor: Actor,
    reason: RejectReason,
    note: str,
) -> None:
    async with context.services.uow() as uow:
        await decide_join(
            uow,
            community=community,
            membership_id=membership.id,
            actor=actor,
            actor_name=display_name(user),
            approve=False,
            now=context.services.now(),
            reason=reason,
            note=note,
        )
    context.services.wake_outbox()  # every copy of the card redrawn, the applicant told


async def on_reason_text(update: Update, context: BotContext) -> None:
    """A private text from a reviewer asked to type a rejection's reason: it rejects with it.
    Anyone else's text goes on to the other handlers."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return
    async with context.services.uow() as uow:
        membership_id = await uow.residents.reason_prompt(user.id)
        membership = await uow.residents.get(membership_id) if membership_id else None
        community = await uow.communities.get(membership.community_id) if membership else None
    if membership_id is None:
        return
    if membership is None or community is None or membership.status is not MembershipStatus.PENDING:
        async with context.services.uow() as uow:
            await drop_reject_reason(uow, user.id)
        if membership is None or community is None:
            return
    lang = await user_language(context, user)
    try:
        actor = await actor_in(context, community, user.id)
        await _reject(context, user, community, membership, actor, RejectReason.OTHER, message.text)
        await reply(update, t(lang, "join.answer_rejected", unit=membership.unit_code))
    except UserError as refusal:  # decided meanwhile, no longer a reviewer, an empty reason
        await tell_refusal(update, context, refusal)
    raise ApplicationHandlerStop  # the text was the reason (or came too late): not a form


async def deliver_join_outcome(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.JOIN_OUTCOME`, written with the decision: every reviewer's copy of the card is
    redrawn as decided, then the applicant is told privately, in their language, with the
    rejection's reason. One the bot cannot write to gets a reply under their own request in
    the group (when it was made there) that names neither them nor the unit. A retry redraws
    again ("not modified") and tells once more."""
    async with context.services.uow() as uow:
        membership = await uow.residents.get(entry.intent.subject)
        community = await uow.communities.get(membership.community_id) if membership else None
        filed = await uow.outbox.of_subject(Tell.JOIN_CARD, entry.intent.subject)
    params = entry.intent.params
    status = params.get("status")
    if membership is None or community is None or status not in ("verified", "rejected"):
        return
    reason = str(params["reason"]) if params.get("reason") else None
    note = str(params["note"]) if params.get("note") else None
    await redraw_join_cards(context, membership, community, reason=reason, note=note)
    lang = await language_of(context, membership.user_id, community.language)
    key = f"join.outcome_{status}"
    text = t(lang, key, unit=membership.unit_code, community=community.name)
    why = reason_text(reason, note, lang)
    if why:
        text = f"{text}\n{t(lang, 'join.reason_line', reason=why)}"
    if await send_private(context, membership.user_id, text):
        return
    asked_at = [e.intent.params.get("reply_to") for e in filed]
    reply_to = next((m for m in asked_at if isinstance(m, int)), None)
    if reply_to is None:
        return  # asked in private, and has blocked the bot since: /me shows the answer
    group_lang = community.language
    try:
        await send_text(
            context,
            community.chat_id,
            t(group_lang, "join.outcome_in_group"),
            reply_to_message_id=reply_to,
            reply_markup=open_private_button(context, group_lang),
        )
    except BadRequest as exc:  # their message is gone: nothing to answer under
        log.info("join outcome %s not told in the group: %s", membership.id, exc)


async def cmd_me(update: Update, context: BotContext) -> None:
    """One's communities, role and households: always privately (the group hears only that
    the answer went out), since it names one's units."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    async with context.services.uow() as uow:
        profiles = await load_profile(uow, user.id)
    here = None if is_private(update) else await community_of_chat(context, chat.id)
    text = profile(profiles, await user_language(context, user))
    await answer_privately(update, context, here, [(c, None) for c in chunks_of(text)])


async def cmd_leave(update: Update, context: BotContext) -> None:
    """The asker's households, each a Leave button, always privately (asked in the group:
    that community's only, and the group hears just that the list went out)."""
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        live = await uow.residents.live_of_user(user.id)
        names: dict[int, str] = {}
        for m in live:
            found = await uow.communities.get(m.community_id)
            names[m.community_id] = found.name if found else "?"
    community: Community | None = None
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
    # the buttons name the asker's units: asked in the group, they go privately
    choose = [(t(lang, "leave.choose"), InlineKeyboardMarkup(rows))]
    await answer_privately(update, context, community, choose)


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
    """The verified households (names and units) for admins and reps: always privately; the
    group hears only that the list went out (or gets the button to open the private chat)."""
    user = update.effective_user
    assert user is not None
    if is_private(update):
        community = await community_here(
            update, context, refusal="members.which_community", with_role=True
        )
    else:
        community = await require_community(update, context)
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        buildings = await list_members(uow, community_id=community.id, actor=actor)
    lang = await user_language(context, user)
    text = members(community, buildings, lang)
    await answer_privately(update, context, community, [(c, None) for c in chunks_of(text)])


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
            role=role_word(grant.role, lang, grant.buildings),
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
    app.add_handler(
        CallbackQueryHandler(on_join_reject, pattern=callbacks.pattern(callbacks.JOIN_REJECT))
    )
    # before every other handler of private texts (the report form's): a typed reason
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_reason_text),
        group=REASON_GROUP,
    )
    app.add_handler(CallbackQueryHandler(on_leave, pattern=callbacks.pattern(callbacks.LEAVE)))
    app.add_handler(
        CallbackQueryHandler(on_leave_confirm, pattern=callbacks.pattern(callbacks.LEAVE_CONFIRM))
    )
