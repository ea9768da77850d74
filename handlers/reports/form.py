"""The guided report in a private chat, with buttons at every step: community (if several) →
category → description → photos (0–5, or Skip) → where (my unit, another unit, a public area,
or a Telegram location) → confirm. /cancel or Cancel at every step.

The draft lives in memory (`user_data`); only the fact that a report is being written is in
SQLite (`report_drafts`), so that after a restart the user is told to start again and nothing
half-saved ever appears."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t, when, whole_number
from bot.reports.cases import (
    add_me_too,
    file_report,
    find_duplicate,
    reporter_household,
    unit_location,
)
from bot.reports.model import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    Category,
    Location,
    check_description,
    check_place,
)
from bot.residents.model import MembershipStatus
from handlers import callbacks
from handlers.common import (
    display_name,
    edit_text,
    reply,
    require_private_screen,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.reports.actions import take_reason
from handlers.reports.jobs import arm_report_timers
from handlers.reports.render import where
from handlers.start import on_private_text

DRAFT_KEY = "report_draft"
CATEGORY_CODES = {category: str(i) for i, category in enumerate(Category)}
CATEGORIES_BY_CODE = {code: category for category, code in CATEGORY_CODES.items()}


class Step(StrEnum):
    COMMUNITY = "community"
    CATEGORY = "category"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    WHERE = "where"
    UNIT = "unit"
    PLACE = "place"
    CONFIRM = "confirm"
    DUPLICATE = "duplicate"


@dataclass
class Draft:
    step: Step
    community_id: int | None = None
    household: str | None = None
    household_building: str | None = None
    category: Category | None = None
    description: str = ""
    photos: list[str] = field(default_factory=list)
    location: Location | None = None
    duplicate_id: int | None = None


def _draft(context: BotContext) -> Draft | None:
    user_data: dict[Any, Any] | None = context.user_data
    found = user_data.get(DRAFT_KEY) if user_data is not None else None
    return found if isinstance(found, Draft) else None


def _button(
    lang: Language, key: str, action: str, *args: int | str, **params: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, key, **params), callback_data=callbacks.pack(callbacks.REPORT_FLOW, action, *args)
    )


def _with_cancel(lang: Language, rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*rows, [_button(lang, "reports.flow.cancel", "cancel")]])


async def begin(update: Update, context: BotContext, community_id: int | None = None) -> None:
    """Start (again) from the first step: the community if there is a choice, else the category."""
    user = update.effective_user
    assert user is not None and context.user_data is not None
    lang = await user_language(context, user)
    async with context.services.uow() as uow:
        memberships = [
            m
            for m in await uow.residents.live_of_user(user.id)
            if m.status is MembershipStatus.VERIFIED
        ]
        communities: dict[int, Community] = {}
        for membership in memberships:
            found = await uow.communities.get(membership.community_id)
            if found is not None:
                communities[found.id] = found
        if community_id is not None and community_id not in communities:
            raise UserError("reports.not_resident")
        if not communities:
            raise UserError("reports.not_resident")
        await uow.reports.start_draft(user.id, now=context.services.now())
        await uow.commit()
    if community_id is None and len(communities) == 1:
        community_id = next(iter(communities))
    if community_id is None:
        context.user_data[DRAFT_KEY] = Draft(Step.COMMUNITY)
        rows = [
            [_button(lang, "me.community", "c", c.id, name=c.name)] for c in communities.values()
        ]
        await reply(
            update, t(lang, "reports.flow.choose_community"), reply_markup=_with_cancel(lang, rows)
        )
        return
    draft = Draft(Step.CATEGORY)
    await _set_community(context, draft, user, community_id)
    context.user_data[DRAFT_KEY] = draft
    await reply(update, t(lang, "reports.flow.choose_category"), reply_markup=_categories(lang))


async def _set_community(context: BotContext, draft: Draft, user: User, community_id: int) -> None:
    async with context.services.uow() as uow:
        household = await reporter_household(uow, community_id, user.id)
    draft.community_id = community_id
    draft.household = household.unit_code
    draft.household_building = household.building


def _categories(lang: Language) -> InlineKeyboardMarkup:
    buttons = [_button(lang, f"category.{c.value}", "k", CATEGORY_CODES[c]) for c in Category]
    return _with_cancel(lang, [buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _where_keyboard(draft: Draft, lang: Language) -> InlineKeyboardMarkup:
    rows = [
        [_button(lang, "reports.flow.my_unit", "w", "home", unit=draft.household or "-")],
        [_button(lang, "reports.flow.other_unit", "w", "unit")],
        [_button(lang, "reports.flow.public_area", "w", "place")],
    ]
    return _with_cancel(lang, rows)


async def _community(context: BotContext, draft: Draft) -> Community:
    async with context.services.uow() as uow:
        community = await uow.communities.get(draft.community_id or 0)
    if community is None:
        raise UserError("reports.flow.interrupted")
    return community


def _summary(draft: Draft, lang: Language) -> str:
    assert draft.category is not None and draft.location is not None
    return t(
        lang,
        "reports.summary",
        category=t(lang, f"category.{draft.category.value}"),
        where=where(draft.location, lang),
        description=draft.description,
        photos=len(draft.photos),
    )


async def _ask_confirm(update: Update, context: BotContext, draft: Draft, lang: Language) -> None:
    draft.step = Step.CONFIRM
    keyboard = _with_cancel(lang, [[_button(lang, "reports.flow.submit", "ok")]])
    await _say(
        update, context, t(lang, "reports.flow.confirm", summary=_summary(draft, lang)), keyboard
    )


async def _say(
    update: Update, context: BotContext, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Buttons edit their own message (fewer messages for the user); typed input gets a reply."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await edit_text(
            context, query.message.chat.id, query.message.message_id, text, reply_markup=keyboard
        )
    else:
        await reply(update, text, reply_markup=keyboard)


async def _finish(context: BotContext, user_id: int) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    async with context.services.uow() as uow:
        await uow.reports.end_draft(user_id)
        await uow.commit()


async def cmd_cancel(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    lang = await user_language(context, user)
    had = _draft(context) is not None
    await _finish(context, user.id)
    await reply(
        update, t(lang, "reports.flow.cancelled" if had else "reports.flow.nothing_to_cancel")
    )


async def _interrupted(update: Update, context: BotContext) -> bool:
    """No draft in memory but one was being written: the bot restarted meanwhile."""
    user = update.effective_user
    if user is None:
        return False
    async with context.services.uow() as uow:
        was_writing = await uow.reports.end_draft(user.id)
        await uow.commit()
    return was_writing


async def on_flow_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None and context.user_data is not None
    user = query.from_user
    lang = await user_language(context, user)
    args = callbacks.args_of(query.data, callbacks.REPORT_FLOW) or []
    require_private_screen(query)  # the form lives in the reporter's private chat only
    draft = _draft(context)
    if args[:1] == ["cancel"]:
        await _finish(context, user.id)
        await query.answer()
        await _say(update, context, t(lang, "reports.flow.cancelled"), None)
        return
    if draft is None:
        if not await _interrupted(update, context):
            raise UserError("common.stale_button")
        await query.answer()
        await _say(update, context, t(lang, "reports.flow.interrupted"), None)
        return
    action, rest = (args[0], args[1:]) if args else ("", [])
    chosen = callbacks.int_arg(rest[0]) if action == "c" and rest else None
    if chosen is not None and draft.step is Step.COMMUNITY:
        await _set_community(context, draft, user, chosen)
        draft.step = Step.CATEGORY
        await _say(update, context, t(lang, "reports.flow.choose_category"), _categories(lang))
    elif action == "k" and draft.step is Step.CATEGORY and rest and rest[0] in CATEGORIES_BY_CODE:
        draft.category = CATEGORIES_BY_CODE[rest[0]]
        draft.step = Step.DESCRIPTION
        text = t(
            lang, "reports.flow.describe", category=t(lang, f"category.{draft.category.value}")
        )
        await _say(update, context, text, _with_cancel(lang, []))
    elif action == "p" and draft.step is Step.PHOTOS:
        draft.step = Step.WHERE
        await _say(update, context, t(lang, "reports.flow.where"), _where_keyboard(draft, lang))
    elif action == "w" and draft.step is Step.WHERE and rest:
        if rest[0] == "home":
            draft.location = Location(unit=draft.household, building=draft.household_building)
            await _ask_confirm(update, context, draft, lang)
        elif rest[0] == "unit":
            draft.step = Step.UNIT
            await _say(update, context, t(lang, "reports.flow.which_unit"), _with_cancel(lang, []))
        elif rest[0] == "place":
            draft.step = Step.PLACE
            await _say(update, context, t(lang, "reports.flow.which_place"), _with_cancel(lang, []))
        else:
            raise UserError("common.stale_button")
    elif action == "ok" and draft.step is Step.CONFIRM:
        await _submit(update, context, draft, lang, allow_duplicate=False)
    elif action == "dup" and draft.step is Step.DUPLICATE and rest:
        if rest[0] == "me":
            await _me_too(update, context, draft, lang)
        else:
            await _submit(update, context, draft, lang, allow_duplicate=True)
    else:
        raise UserError("common.stale_button")
    await query.answer()


async def _submit(
    update: Update, context: BotContext, draft: Draft, lang: Language, *, allow_duplicate: bool
) -> None:
    user = update.effective_user
    assert user is not None and draft.category is not None and draft.location is not None
    community = await _community(context, draft)
    now = context.services.now()
    if not allow_duplicate:
        async with context.services.uow() as uow:
            duplicate = await find_duplicate(
                uow,
                community_id=community.id,
                category=draft.category,
                location=draft.location,
                now=now,
            )
        if duplicate is not None:
            draft.step = Step.DUPLICATE
            draft.duplicate_id = duplicate.id
            text = t(
                lang,
                "reports.flow.duplicate",
                number=duplicate.number,
                category=t(lang, f"category.{duplicate.category.value}"),
                where=where(duplicate.location, lang),
                at=when(duplicate.created_at, lang, community.timezone),
                affected=duplicate.affected,
            )
            rows = [
                [_button(lang, "reports.flow.me_too", "dup", "me", number=duplicate.number)],
                [_button(lang, "reports.flow.separate", "dup", "new")],
            ]
            await _say(update, context, text, _with_cancel(lang, rows))
            return
    async with context.services.uow() as uow:
        ticket = await file_report(
            uow,
            community=community,
            user_id=user.id,
            user_name=display_name(user),
            category=draft.category,
            description=draft.description,
            photos=tuple(draft.photos),
            location=draft.location,
            now=now,
        )
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    arm_report_timers(context)
    await _say(update, context, t(lang, "reports.filed", number=ticket.number), None)
    context.services.wake_outbox()  # the staff card


async def _me_too(update: Update, context: BotContext, draft: Draft, lang: Language) -> None:
    user = update.effective_user
    assert user is not None and draft.duplicate_id is not None
    community = await _community(context, draft)
    async with context.services.uow() as uow:
        ticket = await add_me_too(
            uow,
            community=community,
            ticket_id=draft.duplicate_id,
            user_id=user.id,
            user_name=display_name(user),
            now=context.services.now(),
        )
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    await _say(
        update,
        context,
        t(lang, "reports.me_too_done", number=ticket.number, affected=ticket.affected),
        None,
    )
    context.services.wake_outbox()  # the staff cards show the new count


async def on_private_message(update: Update, context: BotContext) -> None:
    """Typed answers, photos and locations for the step the user is at."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    if await take_reason(update, context):
        return
    draft = _draft(context)
    if draft is None:
        if await _interrupted(update, context):
            await reply(update, t(await user_language(context, user), "reports.flow.interrupted"))
        else:
            await on_private_text(update, context)
        return
    lang = await user_language(context, user)
    if draft.step is Step.DESCRIPTION and message.text:
        draft.description = check_description(message.text)
        draft.step = Step.PHOTOS
        keyboard = _with_cancel(lang, [[_button(lang, "reports.flow.skip", "p")]])
        await reply(update, t(lang, "reports.flow.photos", max=MAX_PHOTOS), reply_markup=keyboard)
    elif draft.step is Step.PHOTOS:
        await _photo(message, draft, lang)
        if len(draft.photos) >= MAX_PHOTOS:
            draft.step = Step.WHERE
            await reply(
                update, t(lang, "reports.flow.where"), reply_markup=_where_keyboard(draft, lang)
            )
        else:
            keyboard = _with_cancel(lang, [[_button(lang, "reports.flow.done", "p")]])
            await reply(
                update,
                t(lang, "reports.flow.photo_added", count=len(draft.photos), max=MAX_PHOTOS),
                reply_markup=keyboard,
            )
    elif draft.step in (Step.WHERE, Step.UNIT, Step.PLACE) and message.location is not None:
        draft.location = Location(
            latitude=message.location.latitude, longitude=message.location.longitude
        )
        await _ask_confirm(update, context, draft, lang)
    elif draft.step is Step.UNIT and message.text:
        async with context.services.uow() as uow:
            draft.location = await unit_location(uow, draft.community_id or 0, message.text)
        await _ask_confirm(update, context, draft, lang)
    elif draft.step is Step.PLACE and message.text:
        draft.location = Location(place=check_place(message.text))
        await _ask_confirm(update, context, draft, lang)
    else:
        await reply(update, t(lang, "reports.flow.use_buttons"))


async def _photo(message: Message, draft: Draft, lang: Language) -> None:
    if not message.photo:
        raise UserError("reports.flow.send_photo")
    largest = message.photo[-1]
    if largest.file_size is not None and largest.file_size > MAX_PHOTO_BYTES:
        raise UserError("reports.flow.photo_too_large", max_mb=MAX_PHOTO_BYTES // (1024 * 1024))
    draft.photos.append(largest.file_id)


async def start_from_link(update: Update, context: BotContext, payload: str) -> None:
    """`/start report-<community>`: the group's button lands here."""
    await begin(update, context, whole_number(payload.removeprefix("report-")))


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("cancel", cmd_cancel, filters=private))
    app.add_handler(
        CallbackQueryHandler(on_flow_button, pattern=callbacks.pattern(callbacks.REPORT_FLOW))
    )


def register_private_messages(app: BotApplication) -> None:
    """Replaces the plain "use commands" answer: a report step may be waiting for this message."""
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            on_private_message,
        )
    )
