"""Becoming a verified owner (issue 8): the offer after a code join (the Share my phone number
button and a review request), the shared contact, the owner review card and its buttons, and the
private notice to the admins when a reviewer applies (they never decide their own request).

Payloads: `v1:oc:<community>:<unit id>` (ask for a review as owner, in private) and
`v1:or:<ownership id>:a|r` (approve or reject, on a reviewer's private copy of the card, the
staff chat's, or the reviewer's /pending list: see `owner_cards.py`)."""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.config import Language
from bot.errors import NotFound, UserError
from bot.i18n import t
from bot.outbox import OutboxEntry
from bot.residents.cases import (
    claim_ownership,
    decide_ownership,
    verify_owner_by_phone,
)
from bot.residents.model import Membership, Ownership
from handlers import callbacks
from handlers.common import (
    actor_in,
    admins_of,
    display_name,
    edit_text,
    is_private,
    language_of,
    reply,
    require_own_keyboard,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.menus import home_keyboard_for
from handlers.residents.owner_cards import redraw_owner_cards

log = logging.getLogger(__name__)


def share_phone_keyboard(lang: Language) -> ReplyKeyboardMarkup:
    button = KeyboardButton(t(lang, "owner.share_phone_button"), request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


async def offer_owner_verification(
    context: BotContext, user_id: int, lang: Language, community_id: int, unit_code: str
) -> None:
    """After a code join: the phone button (reply keyboard) and the review request button."""
    async with context.services.uow() as uow:
        unit = await uow.units.get(community_id, unit_code)
        already = await uow.ownerships.live_for(unit.id, user_id) if unit is not None else None
    if unit is None or unit.unit.is_developer or already is not None:
        return
    await context.bot.send_message(
        user_id, t(lang, "owner.offer", unit=unit_code), reply_markup=share_phone_keyboard(lang)
    )
    review = InlineKeyboardButton(
        t(lang, "owner.review_button", unit=unit_code),
        callback_data=callbacks.pack(callbacks.OWNER_CLAIM, community_id, unit.id),
    )
    await context.bot.send_message(
        user_id, t(lang, "owner.review_offer"), reply_markup=InlineKeyboardMarkup([[review]])
    )


async def deliver_self_review(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.SELF_REVIEW`: an applicant who is a reviewer of the building may not approve their
    own request: the other admins are told privately (where the bot can write to them), while
    the request (a join, or ownership by review) still waits for one of them."""
    kind = entry.intent.params.get("kind")
    async with context.services.uow() as uow:
        request: Membership | Ownership | None = (
            await uow.residents.get(entry.intent.subject)
            if kind == "join"
            else await uow.ownerships.get(entry.intent.subject)
        )
        community = await uow.communities.get(request.community_id) if request else None
    if request is None or community is None or request.status.value != "pending":
        return  # decided (or withdrawn) meanwhile: nothing is waiting for the admins
    for admin_id in await admins_of(context, community):
        if admin_id == request.user_id:
            continue
        lang = await language_of(context, admin_id, community.language)
        text = t(
            lang,
            "join.self_review_notice" if kind == "join" else "owner.self_review_private",
            name=request.user_name,
            unit=request.unit_code,
            building=request.building,
            community=community.name,
        )
        if not await send_private(context, admin_id, text):
            log.info("admin %s of community %s has no private chat", admin_id, community.id)


async def on_contact(update: Update, context: BotContext) -> None:
    """A contact shared in private: the user's own, matching an owner's phone in a register."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.contact is not None and user is not None
    contact = message.contact
    async with context.services.uow() as uow:
        result = await verify_owner_by_phone(
            uow,
            user_id=user.id,
            user_name=display_name(user),
            contact_user_id=contact.user_id,
            phone=contact.phone_number,
            now=context.services.now(),
        )
        names: dict[int, str] = {}
        for community_id, _ in result.units:
            if community_id not in names:
                found = await uow.communities.get(community_id)
                names[community_id] = found.name if found else "?"
    lang = await user_language(context, user)
    units = ", ".join(f"{unit} ({names[cid]})" for cid, unit in result.units)
    # the one-tap phone keyboard gives way to the home keyboard (not to none at all)
    await reply(
        update,
        t(lang, "owner.verified_by_phone", units=units),
        reply_markup=await home_keyboard_for(context, user.id, lang),
    )
    if result.settled:
        context.services.wake_outbox()  # the review cards this settled are redrawn


async def on_owner_claim(update: Update, context: BotContext) -> None:
    """`v1:oc:<community>:<unit id>` in private: file a review request as owner; its card goes
    to the reviewers privately."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.OWNER_CLAIM, 2)
    ids = [callbacks.int_arg(a) for a in args] if args else []
    if len(ids) != 2 or None in ids or query.message is None or not is_private(update):
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    community_id, unit_id = ids
    assert community_id is not None and unit_id is not None
    async with context.services.uow() as uow:
        community = await uow.communities.get(community_id)
        unit = await uow.units.by_id(community_id, unit_id) if community else None
    if community is None or unit is None or unit.retired:
        raise UserError("common.stale_button")
    user = query.from_user
    applicant = await actor_in(context, community, user.id)
    # the group's Telegram administrators review when no rep or stored admin does
    chat_admins = await admins_of(context, community) if community.staff_chat_id is None else []
    async with context.services.uow() as uow:
        claim = await claim_ownership(
            uow,
            community=community,
            user_id=user.id,
            user_name=display_name(user),
            unit_code=unit.code,
            now=context.services.now(),
            applicant=applicant,
            chat_admins=chat_admins,
        )
    context.services.wake_outbox()  # the review card; the admins, if a reviewer applied
    lang = await user_language(context, user)
    requested = t(lang, "owner.requested", unit=claim.unit_code, community=community.name)
    await edit_text(context, query.message.chat.id, query.message.message_id, requested)
    await query.answer()


async def on_owner_review(update: Update, context: BotContext) -> None:
    """`v1:or:<ownership id>:a|r` on a reviewer's copy of the card, the staff chat's, or the
    presser's own /pending list: re-checked against the stored copies (or the private screen
    carrying this very button), then the presser as reviewer of the building."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.OWNER_REVIEW, 2)
    ownership_id = callbacks.int_arg(args[0]) if args else None
    if args is None or ownership_id is None or args[1] not in ("a", "r") or query.message is None:
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        pressed = await uow.ownerships.get(ownership_id)
        community = await uow.communities.get(pressed.community_id) if pressed else None
        cards = await uow.ownerships.cards(ownership_id) if pressed else []
    if (query.message.chat.id, query.message.message_id) not in cards:
        require_private_screen(query)  # a payload forged onto another message
        require_own_keyboard(query)
    if pressed is None or community is None:
        raise NotFound("owner.request_not_found")
    actor = await actor_in(context, community, query.from_user.id)
    async with context.services.uow() as uow:
        decision = await decide_ownership(
            uow,
            community=community,
            ownership_id=ownership_id,
            actor=actor,
            actor_name=display_name(query.from_user),
            approve=args[1] == "a",
            now=context.services.now(),
        )
    claim = decision.ownership
    lang = await user_language(context, query.from_user)
    await query.answer(t(lang, f"owner.answer_{claim.status.value}", unit=claim.unit_code))
    context.services.wake_outbox()  # every copy of the card redrawn, the applicant told


async def deliver_owner_outcome(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.OWNER_OUTCOME`, written with the decision: every reviewer's copy of the card is
    redrawn as decided, then the applicant is told privately. The request was made in
    private, so one who has blocked the bot since is not told in the group (which never
    hears names or units): /me shows the answer."""
    async with context.services.uow() as uow:
        claim = await uow.ownerships.get(entry.intent.subject)
        community = await uow.communities.get(claim.community_id) if claim else None
    status = entry.intent.params.get("status")
    if claim is None or community is None or status not in ("verified", "rejected"):
        return
    await redraw_owner_cards(context, claim, community)
    lang = await language_of(context, claim.user_id, community.language)
    key = f"owner.outcome_{status}"
    text = t(lang, key, unit=claim.unit_code, community=community.name)
    if not await send_private(context, claim.user_id, text):
        log.info("owner outcome %s not told: no private chat with %s", claim.id, claim.user_id)


def register(app: BotApplication) -> None:
    """Before the report form's private-message handler, which would take the contact."""
    app.add_handler(MessageHandler(filters.CONTACT & filters.ChatType.PRIVATE, on_contact))
    app.add_handler(
        CallbackQueryHandler(on_owner_claim, pattern=callbacks.pattern(callbacks.OWNER_CLAIM))
    )
    app.add_handler(
        CallbackQueryHandler(on_owner_review, pattern=callbacks.pattern(callbacks.OWNER_REVIEW))
    )
