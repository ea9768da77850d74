"""`/codes` (all units) and `/codes <unit>` (regenerate one): letterbox codes, sent privately as
a list and as printable slips with a QR code; `/start c-<code>`, the slip's QR code, verifies
residence in one tap and then asks owner or tenant (`v1:cq:<membership id>:o|t`); a code typed
in the group (in `/join`, or a working code in any message the bot sees) is deleted and
replaced."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.codes.cases import (
    declare_tenant,
    issue_codes,
    join_with_slip,
    regenerate_code,
    replace_exposed_code,
)
from bot.codes.model import (
    CODE_LENGTH,
    SpentCode,
    UnitCode,
    display_code,
    looks_like_code,
    normalize_code,
)
from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.notices.cases import note_private_chat
from bot.outbox import OutboxEntry
from bot.residents.model import parse_relation
from handlers import callbacks
from handlers.codes.fonts import FontMissing
from handlers.codes.slips import Slip, slips_pdf
from handlers.common import (
    actor_in,
    admins_of,
    command_args,
    community_of_chat,
    display_name,
    edit_text,
    language_of,
    open_private_button,
    reply,
    require_community,
    require_private_screen,
    send_private,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.format import csv_file
from handlers.residents.buttons import buildings_keyboard
from handlers.residents.owners import offer_owner_verification

log = logging.getLogger(__name__)

SLIP_PAYLOAD = "c-"
CODE_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}(?![0-9A-Za-z])")
CODE_WATCH_GROUP = 1  # the PTB handler group of the watch over plain messages


def codes_csv(rows: list[tuple[str, str, str]], lang: Language) -> bytes:
    """The codes, one unit a row, headed in the admin's language."""
    header = [t(lang, f"codes.export_col.{column}") for column in ("unit", "building", "code")]
    return csv_file(header, rows)


def slip_link(context: BotContext, code: str) -> str:
    return f"https://t.me/{context.bot.username}?start={SLIP_PAYLOAD}{code}"


def slips_of(context: BotContext, community: Community, codes: Sequence[UnitCode]) -> list[Slip]:
    """One slip per unit, in the community's language (the slips go into its letterboxes)."""
    lang, bot = community.language, context.bot.username
    return [
        Slip(
            heading=t(lang, "codes.slip_heading", community=community.name),
            unit_line=t(lang, "codes.slip_unit", unit=c.unit_code),
            code_line=t(lang, "codes.slip_code", code=display_code(c.code)),
            steps=t(lang, "codes.slip_steps", bot=bot, unit=c.unit_code, code=display_code(c.code)),
            note=t(lang, "codes.slip_note"),
            link=slip_link(context, c.code),
        )
        for c in codes
    ]


async def send_slips(
    context: BotContext,
    user_id: int,
    lang: Language,
    community: Community,
    codes: list[UnitCode],
    *,
    caption: bool = True,
) -> None:
    """The slips PDF, drawn in a worker thread (a thousand QR codes take seconds)."""
    title = t(community.language, "codes.slips_title", community=community.name)
    try:
        pdf = await asyncio.to_thread(slips_pdf, slips_of(context, community, codes), title=title)
    except FontMissing as exc:
        log.error("%s", exc)
        await send_private(context, user_id, t(lang, "codes.slips_unavailable"))
        return
    await context.bot.send_document(
        user_id,
        InputFile(pdf, filename=f"slips-{community.id}.pdf"),
        caption=t(lang, "codes.slips_caption", count=len(codes), community=community.name)
        if caption
        else None,
    )


async def deliver_code_replaced(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.CODE_REPLACED`, written with the replacement: each admin the bot may write to gets
    the unit's slip as its code stands now (replaced again meanwhile: the latest)."""
    unit_code = str(entry.intent.params.get("unit") or "")
    community_id = int(entry.intent.params.get("community") or 0)
    async with context.services.uow() as uow:
        community = await uow.communities.get(community_id)
        unit = await uow.units.get(community_id, unit_code) if community else None
        code = (await uow.codes.active(community_id)).get(unit_code) if unit else None
    if community is None or unit is None or unit.id != entry.intent.subject or code is None:
        return
    current = [UnitCode(unit_code, unit.building, code)]
    for admin_id in await admins_of(context, community):
        lang = await language_of(context, admin_id, community.language)
        text = t(lang, "codes.replaced_admins", unit=unit_code, community=community.name)
        if not await send_private(context, admin_id, text):
            log.info("admin %s of community %s has no private chat", admin_id, community.id)
            continue
        await send_slips(context, admin_id, lang, community, current, caption=False)


async def cmd_codes(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    args = command_args(update)
    now = context.services.now()
    lang = await user_language(context, user)
    group_lang = community.language
    async with context.services.uow() as uow:
        if args:
            fresh = await regenerate_code(
                uow, community_id=community.id, actor=actor, unit_code=args[0], now=now
            )
            issued = [fresh]
        else:
            issued = await issue_codes(uow, community_id=community.id, actor=actor, now=now)
    try:
        if args:
            text = t(
                lang,
                "codes.regenerated",
                unit=fresh.unit_code,
                code=display_code(fresh.code),
                community=community.name,
            )
            await context.bot.send_message(user.id, text)
        else:
            data = codes_csv(
                [(c.unit_code, c.building, display_code(c.code)) for c in issued], lang
            )
            await context.bot.send_document(
                user.id,
                InputFile(data, filename=f"codes-{community.id}.csv"),
                caption=t(lang, "codes.caption", count=len(issued), community=community.name),
            )
        delivered = True
    except (Forbidden, BadRequest):
        delivered = False
    if not delivered:
        await reply(
            update,
            t(group_lang, "codes.start_private_first"),
            reply_markup=open_private_button(context, group_lang),
        )
        return
    await reply(update, t(group_lang, "codes.sent_privately"))
    await send_slips(context, user.id, lang, community, issued)


def relation_keyboard(membership_id: int, lang: Language) -> InlineKeyboardMarkup:
    def button(key: str, choice: str) -> InlineKeyboardButton:
        data = callbacks.pack(callbacks.CODE_RELATION, membership_id, choice)
        return InlineKeyboardButton(t(lang, key), callback_data=data)

    return InlineKeyboardMarkup(
        [[button("codes.owner_button", "o"), button("codes.tenant_button", "t")]]
    )


async def start_slip_link(update: Update, context: BotContext) -> None:
    """`/start c-<code>` privately: the slip's QR code. Residence verified in one tap (or the
    resident it verified before, scanning again), then owner or tenant, asked with buttons."""
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    code = args[0].removeprefix(SLIP_PAYLOAD) if args else ""
    now = context.services.now()
    async with context.services.uow() as uow:
        await note_private_chat(uow, user.id, reachable=True, now=now)
    lang = await user_language(context, user)
    try:
        async with context.services.uow() as uow:
            joined = await join_with_slip(
                uow, user_id=user.id, user_name=display_name(user), code=code, now=now
            )
            community = await uow.communities.get(joined.membership.community_id)
    except SpentCode as spent:
        await _offer_review(update, context, spent, lang)
        return
    membership = joined.membership
    name = community.name if community else "?"
    key = "join.verified_by_code" if joined.fresh else "join.already_verified"
    text = t(lang, key, unit=membership.unit_code, community=name)
    question = t(lang, "codes.ask_relation", unit=membership.unit_code)
    await reply(
        update, f"{text}\n\n{question}", reply_markup=relation_keyboard(membership.id, lang)
    )


async def _offer_review(
    update: Update, context: BotContext, spent: SpentCode, lang: Language
) -> None:
    """A slip used up or replaced: said so, with the building buttons to ask for a review."""
    async with context.services.uow() as uow:
        community = await uow.communities.get(spent.community_id)
    text = t(lang, spent.key, **spent.params)
    if community is None:
        await reply(update, text)
        return
    keyboard = await buildings_keyboard(context, community, lang)
    await reply(update, f"{text}\n{t(lang, 'codes.review_instead')}", reply_markup=keyboard)


async def on_relation(update: Update, context: BotContext) -> None:
    """Owner or tenant, after a code join. Owner: the ways to verify ownership (nothing is
    recorded until then); tenant: the membership becomes a tenant's."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.CODE_RELATION, 2)
    membership_id = callbacks.int_arg(args[0]) if args else None
    if args is None or membership_id is None or args[1] not in ("o", "t"):
        raise UserError("common.stale_button")
    require_private_screen(query)
    user = query.from_user
    lang = await user_language(context, user)
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        if args[1] == "t":
            membership = await declare_tenant(
                uow, user_id=user.id, membership_id=membership_id, now=context.services.now()
            )
        community = await uow.communities.get(membership.community_id) if membership else None
    if (
        membership is None
        or membership.user_id != user.id
        or not membership.is_live
        or community is None
    ):
        raise UserError("common.stale_button")
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if args[1] == "t":
        text = t(lang, "codes.said_tenant", unit=membership.unit_code, community=community.name)
        await edit_text(context, chat_id, message_id, text)
        await query.answer()
        return
    text = t(lang, "codes.said_owner", unit=membership.unit_code)
    await edit_text(context, chat_id, message_id, text)
    await query.answer()
    await offer_owner_verification(
        context, user.id, lang, membership.community_id, membership.unit_code
    )


def _typed_code(message: Message | None) -> str | None:
    """The code in `/join <unit> <code> [owner|tenant]`, as residents' /join reads it: the one
    word after the unit that is no relation, if it is about a code's length (a mistyped code is
    as private as a right one; more words are a usage error, answered by /join itself)."""
    words = (message.text or "").split()[2:] if message is not None else []
    candidates = [w for w in words if parse_relation(w) is None]
    if len(candidates) != 1:
        return None
    near = CODE_LENGTH - 2 <= len(normalize_code(candidates[0])) <= CODE_LENGTH + 2
    return candidates[0] if near else None


async def on_code_in_group(update: Update, context: BotContext) -> None:
    """`/join <unit> <code>` in the group, where everyone reads it: the message is deleted, a
    working code replaced, and the sender told privately why (the code is never repeated)."""
    community = await require_community(update, context)
    message = update.effective_message
    user = update.effective_user
    typed = _typed_code(message)
    assert message is not None and user is not None and typed is not None
    await _delete(message)
    async with context.services.uow() as uow:
        replaced = await replace_exposed_code(
            uow, community_id=community.id, typed=typed, now=context.services.now()
        )
    await _tell_sender(context, community, user, replaced)


def _tokens(text: str) -> list[str]:
    """The words of a message that look like a letterbox code (`ABCD-EFGH`, full-width too)."""
    normalized = unicodedata.normalize("NFKC", text)
    return [w for w in CODE_TOKEN.findall(normalized) if looks_like_code(w)]


async def on_code_in_text(update: Update, context: BotContext) -> None:
    """A plain message in the group with a working code of this community (the bot sees every
    message as an administrator): deleted and replaced like a typed /join. Code-like words that
    are no working code change nothing: an ordinary message is never deleted."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    community = await community_of_chat(context, message.chat.id)
    if community is None:
        return
    replaced: UnitCode | None = None
    for token in _tokens(message.text):
        async with context.services.uow() as uow:
            found = await replace_exposed_code(
                uow, community_id=community.id, typed=token, now=context.services.now()
            )
        replaced = replaced or found
    if replaced is None:
        return
    await _delete(message)
    await _tell_sender(context, community, user, replaced)


async def _delete(message: Message) -> None:
    try:
        await message.delete()
    except TelegramError as exc:
        log.warning("could not delete a code typed in chat %s: %s", message.chat.id, exc)


async def _tell_sender(
    context: BotContext, community: Community, user: User, replaced: UnitCode | None
) -> None:
    """Privately why the message went (and the review buttons); else the group's fallback."""
    lang = await user_language(context, user)
    if replaced is None:
        told = await send_private(context, user.id, t(lang, "codes.exposed_deleted"))
    else:
        text = t(lang, "codes.exposed_replaced", unit=replaced.unit_code)
        keyboard = await buildings_keyboard(context, community, lang)
        told = await send_private(context, user.id, text, reply_markup=keyboard)
    if not told:
        group_lang = community.language
        await send_text(
            context,
            community.chat_id,
            t(group_lang, "codes.exposed_group", name=display_name(user)),
            reply_markup=open_private_button(context, group_lang, f"join-{community.id}"),
        )


class _CodeTyped(filters.MessageFilter):
    """A /join in a group with a code after the unit."""

    def filter(self, message: Message) -> bool:
        return _typed_code(message) is not None


class _CodeInText(filters.MessageFilter):
    """A group message with a word that looks like a letterbox code."""

    def filter(self, message: Message) -> bool:
        return bool(message.text and _tokens(message.text))


def register_first(app: BotApplication) -> None:
    """Before the plain /start and residents' /join: the slip's deep link, and a code typed in
    the group."""
    link = filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)? {SLIP_PAYLOAD}")
    app.add_handler(CommandHandler("start", start_slip_link, filters=link))
    typed = filters.ChatType.GROUPS & _CodeTyped()
    app.add_handler(CommandHandler("join", on_code_in_group, filters=typed))
    # in a handler group of its own, so it never takes a message from another handler
    plain = filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & _CodeInText()
    app.add_handler(MessageHandler(plain, on_code_in_text), group=CODE_WATCH_GROUP)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("codes", cmd_codes))
    app.add_handler(
        CallbackQueryHandler(on_relation, pattern=callbacks.pattern(callbacks.CODE_RELATION))
    )
