"""The guided report in a private chat, with buttons at every step: community (if several) →
category → description (words, a voice message, or a photo with a caption) → photos (0–5, or
Skip) → where (my home; another unit, picked building → unit or typed; a shared part of my
building; a public area, preset or typed; or a Telegram location) → confirm. Back and Cancel
at every step (/cancel too); for a lift or a safety hazard, the community's emergency numbers.

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
    MAX_VOICE_BYTES,
    PUBLIC_AREAS,
    SHARED_PARTS,
    Category,
    Location,
    Voice,
    check_description,
    check_place,
    needs_emergency_hint,
)
from bot.residents.model import MembershipStatus
from bot.units.cases import buildings_in_order, units_of_building
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
    BUILDING = "building"
    UNIT = "unit"
    PART = "part"
    AREA = "area"
    CONFIRM = "confirm"
    DUPLICATE = "duplicate"


# Back from each step: the one before it (the community only when there was a choice)
BACK: dict[Step, Step] = {
    Step.CATEGORY: Step.COMMUNITY,
    Step.DESCRIPTION: Step.CATEGORY,
    Step.PHOTOS: Step.DESCRIPTION,
    Step.WHERE: Step.PHOTOS,
    Step.BUILDING: Step.WHERE,
    Step.UNIT: Step.BUILDING,
    Step.PART: Step.WHERE,
    Step.AREA: Step.WHERE,
    Step.CONFIRM: Step.WHERE,
    Step.DUPLICATE: Step.CONFIRM,
}
PAGE_SIZE = 24
COLUMNS = 3


@dataclass
class Draft:
    step: Step
    community_id: int | None = None
    several: bool = False  # the user lives in several communities: Back reaches the choice
    household: str | None = None
    household_building: str | None = None
    emergency: str | None = None
    category: Category | None = None
    description: str = ""
    voice: Voice | None = None
    photos: list[str] = field(default_factory=list)
    location: Location | None = None
    duplicate_id: int | None = None
    building_index: int = 0
    page: int = 0


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


def _with_cancel(
    lang: Language, rows: list[list[InlineKeyboardButton]], back: Step | None = None
) -> InlineKeyboardMarkup:
    """The step's rows, then Back (to the step before `back`, named in the payload so a stale
    Back does nothing) and Cancel."""
    last = [_button(lang, "reports.flow.cancel", "cancel")]
    if back is not None:
        last.insert(0, _button(lang, "common.back", "bk", back.value))
    return InlineKeyboardMarkup([*rows, last])


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
    several = community_id is None and len(communities) > 1
    if community_id is None and len(communities) == 1:
        community_id = next(iter(communities))
    if community_id is None:
        draft = Draft(Step.COMMUNITY, several=True)
        context.user_data[DRAFT_KEY] = draft
        await _show(update, context, draft, lang, communities=list(communities.values()))
        return
    draft = Draft(Step.CATEGORY, several=several)
    await _set_community(context, draft, user, community_id)
    context.user_data[DRAFT_KEY] = draft
    await _show(update, context, draft, lang)


async def _set_community(context: BotContext, draft: Draft, user: User, community_id: int) -> None:
    async with context.services.uow() as uow:
        household = await reporter_household(uow, community_id, user.id)
        draft.emergency = await uow.reports.emergency(community_id)
    draft.community_id = community_id
    draft.household = household.unit_code
    draft.household_building = household.building


def _categories(lang: Language, back: Step | None) -> InlineKeyboardMarkup:
    buttons = [_button(lang, f"category.{c.value}", "k", CATEGORY_CODES[c]) for c in Category]
    return _with_cancel(lang, [buttons[i : i + 2] for i in range(0, len(buttons), 2)], back)


def _where_keyboard(draft: Draft, lang: Language) -> InlineKeyboardMarkup:
    rows = [
        [_button(lang, "reports.flow.my_unit", "w", "home", unit=draft.household or "-")],
        [_button(lang, "reports.flow.other_unit", "w", "unit")],
        [_button(lang, "reports.flow.shared_part", "w", "part")],
        [_button(lang, "reports.flow.public_area", "w", "place")],
    ]
    return _with_cancel(lang, rows, Step.WHERE)


def _presets(
    lang: Language, action: str, codes: tuple[str, ...]
) -> list[list[InlineKeyboardButton]]:
    buttons = [_button(lang, f"reports.part.{c}", action, i) for i, c in enumerate(codes)]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _emergency(draft: Draft, lang: Language) -> str:
    """The community's emergency numbers, for a lift or a safety hazard; nothing if unset."""
    assert draft.category is not None
    part = draft.location.part if draft.location is not None else None
    if draft.emergency is None or not needs_emergency_hint(draft.category, part):
        return ""
    return "\n\n" + t(lang, "reports.emergency_hint", numbers=draft.emergency)


async def _show(
    update: Update,
    context: BotContext,
    draft: Draft,
    lang: Language,
    communities: list[Community] | None = None,
) -> None:
    """The screen of the step the draft is at (after a press, a typed answer, or Back)."""
    step = draft.step
    text: str
    keyboard: InlineKeyboardMarkup
    if step is Step.COMMUNITY:
        if communities is None:
            communities = await _communities_of(context, update)
        rows = [[_button(lang, "me.community", "c", c.id, name=c.name)] for c in communities]
        text, keyboard = t(lang, "reports.flow.choose_community"), _with_cancel(lang, rows)
    elif step is Step.CATEGORY:
        back = Step.CATEGORY if draft.several else None
        text, keyboard = t(lang, "reports.flow.choose_category"), _categories(lang, back)
    elif step is Step.DESCRIPTION:
        assert draft.category is not None
        name = t(lang, f"category.{draft.category.value}")
        text = t(lang, "reports.flow.describe", category=name) + _emergency(draft, lang)
        keyboard = _with_cancel(lang, [], step)
    elif step is Step.PHOTOS:
        if draft.photos:
            count = len(draft.photos)
            text = t(lang, "reports.flow.photo_added", count=count, max=MAX_PHOTOS)
            label = "reports.flow.done"
        else:
            text, label = t(lang, "reports.flow.photos", max=MAX_PHOTOS), "reports.flow.skip"
        keyboard = _with_cancel(lang, [[_button(lang, label, "p")]], step)
    elif step is Step.WHERE:
        text, keyboard = t(lang, "reports.flow.where"), _where_keyboard(draft, lang)
    elif step is Step.BUILDING:
        text, keyboard = await _buildings_view(context, draft, lang)
    elif step is Step.UNIT:
        text, keyboard = await _units_view(context, draft, lang)
    elif step is Step.PART:
        text = t(lang, "reports.flow.which_part", building=draft.household_building or "-")
        keyboard = _with_cancel(lang, _presets(lang, "sp", SHARED_PARTS), step)
    elif step is Step.AREA:
        text = t(lang, "reports.flow.which_place")
        keyboard = _with_cancel(lang, _presets(lang, "pa", PUBLIC_AREAS), step)
    elif step is Step.CONFIRM:
        text = t(lang, "reports.flow.confirm", summary=_summary(draft, lang)) + _emergency(
            draft, lang
        )
        keyboard = _with_cancel(lang, [[_button(lang, "reports.flow.submit", "ok")]], step)
    else:
        raise UserError("common.stale_button")
    await _say(update, context, text, keyboard)


async def _communities_of(context: BotContext, update: Update) -> list[Community]:
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        found = {
            m.community_id
            for m in await uow.residents.live_of_user(user.id)
            if m.status is MembershipStatus.VERIFIED
        }
        return [c for cid in sorted(found) if (c := await uow.communities.get(cid))]


async def _buildings_view(
    context: BotContext, draft: Draft, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    """Another unit: the buildings of the register as buttons (as the join flow shows them)."""
    async with context.services.uow() as uow:
        buildings = await buildings_in_order(uow, draft.community_id or 0)
    buttons = [
        _button(lang, "join.building_button", "ub", i, 0, building=b)
        for i, b in enumerate(buildings)
    ]
    rows = [buttons[i : i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]
    return t(lang, "reports.flow.which_building"), _with_cancel(lang, rows, Step.BUILDING)


async def _units_view(
    context: BotContext, draft: Draft, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    async with context.services.uow() as uow:
        buildings = await buildings_in_order(uow, draft.community_id or 0)
        if not 0 <= draft.building_index < len(buildings):
            raise UserError("common.stale_button")
        building = buildings[draft.building_index]
        units = await units_of_building(uow, draft.community_id or 0, building)
    pages = max(1, -(-len(units) // PAGE_SIZE))
    draft.page = min(max(draft.page, 0), pages - 1)
    shown = units[draft.page * PAGE_SIZE : (draft.page + 1) * PAGE_SIZE]
    buttons = [
        InlineKeyboardButton(
            u.code, callback_data=callbacks.pack(callbacks.REPORT_FLOW, "uu", u.id)
        )
        for u in shown
    ]
    rows = [buttons[i : i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]
    nav = []
    if draft.page > 0:
        nav.append(_button(lang, "common.previous", "ub", draft.building_index, draft.page - 1))
    if draft.page < pages - 1:
        nav.append(_button(lang, "common.next", "ub", draft.building_index, draft.page + 1))
    if nav:
        rows.append(nav)
    text = t(lang, "reports.flow.which_unit", building=building)
    return text, _with_cancel(lang, rows, Step.UNIT)


async def _community(context: BotContext, draft: Draft) -> Community:
    async with context.services.uow() as uow:
        community = await uow.communities.get(draft.community_id or 0)
    if community is None:
        raise UserError("reports.flow.interrupted")
    return community


def _summary(draft: Draft, lang: Language) -> str:
    assert draft.category is not None and draft.location is not None
    said = draft.description
    if draft.voice is not None:
        voice = t(lang, "reports.voice_description", seconds=draft.voice.seconds)
        said = f"{voice} {said}".strip()
    return t(
        lang,
        "reports.summary",
        category=t(lang, f"category.{draft.category.value}"),
        where=where(draft.location, lang),
        description=said,
        photos=len(draft.photos),
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
    if not await _apply_press(update, context, draft, lang, action, rest):
        raise UserError("common.stale_button")
    await query.answer()


def _index(rest: list[str], at: int, size: int) -> int | None:
    """The `at`-th argument as an index below `size`, or None (stale or forged)."""
    value = callbacks.int_arg(rest[at], low=0) if len(rest) > at else None
    return value if value is not None and value < size else None


async def _apply_press(
    update: Update,
    context: BotContext,
    draft: Draft,
    lang: Language,
    action: str,
    rest: list[str],
) -> bool:
    """One press at the step the draft is at; False if it does not belong there."""
    user = update.effective_user
    assert user is not None
    step = draft.step
    if action == "bk" and rest[:1] == [step.value] and step in BACK:
        if step is Step.CATEGORY and not draft.several:
            return False
        draft.step = BACK[step]
        if draft.step is Step.WHERE:
            draft.location = None
        await _show(update, context, draft, lang)
    elif action == "c" and step is Step.COMMUNITY and rest:
        chosen = callbacks.int_arg(rest[0])
        if chosen is None:
            return False
        await _set_community(context, draft, user, chosen)
        draft.step = Step.CATEGORY
        await _show(update, context, draft, lang)
    elif action == "k" and step is Step.CATEGORY and rest and rest[0] in CATEGORIES_BY_CODE:
        draft.category = CATEGORIES_BY_CODE[rest[0]]
        draft.step = Step.DESCRIPTION
        await _show(update, context, draft, lang)
    elif action == "p" and step is Step.PHOTOS:
        draft.step = Step.WHERE
        await _show(update, context, draft, lang)
    elif action == "w" and step is Step.WHERE and rest:
        if rest[0] == "home":
            draft.location = Location(unit=draft.household, building=draft.household_building)
            draft.step = Step.CONFIRM
        elif rest[0] in ("unit", "part", "place"):
            draft.step = {"unit": Step.BUILDING, "part": Step.PART, "place": Step.AREA}[rest[0]]
        else:
            return False
        await _show(update, context, draft, lang)
    elif action == "ub" and step in (Step.BUILDING, Step.UNIT) and len(rest) == 2:
        index, page = callbacks.int_arg(rest[0], low=0), callbacks.int_arg(rest[1], low=0)
        if index is None or page is None:
            return False
        draft.building_index, draft.page, draft.step = index, page, Step.UNIT
        await _show(update, context, draft, lang)
    elif action == "uu" and step is Step.UNIT and rest:
        unit_id = callbacks.int_arg(rest[0])
        async with context.services.uow() as uow:
            unit = await uow.units.by_id(draft.community_id or 0, unit_id) if unit_id else None
        if unit is None or unit.retired:
            return False
        draft.location = Location(unit=unit.code, building=unit.building)
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    elif action == "sp" and step is Step.PART:
        index = _index(rest, 0, len(SHARED_PARTS))
        if index is None:
            return False
        draft.location = Location(building=draft.household_building, part=SHARED_PARTS[index])
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    elif action == "pa" and step is Step.AREA:
        index = _index(rest, 0, len(PUBLIC_AREAS))
        if index is None:
            return False
        draft.location = Location(part=PUBLIC_AREAS[index])
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    elif action == "ok" and step is Step.CONFIRM:
        await _submit(update, context, draft, lang, allow_duplicate=False)
    elif action == "dup" and step is Step.DUPLICATE and rest:
        if rest[0] == "me":
            await _me_too(update, context, draft, lang)
        else:
            await _submit(update, context, draft, lang, allow_duplicate=True)
    else:
        return False
    return True


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
            await _say(update, context, text, _with_cancel(lang, rows, Step.DUPLICATE))
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
            voice=draft.voice,
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
    if draft.step is Step.DESCRIPTION and (message.text or message.voice or message.photo):
        await _describe(message, draft)
        draft.step = Step.PHOTOS
        await _show(update, context, draft, lang)
    elif draft.step is Step.PHOTOS:
        await _photo(message, draft)
        if len(draft.photos) >= MAX_PHOTOS:
            draft.step = Step.WHERE
        await _show(update, context, draft, lang)
    elif draft.step in LOCATION_STEPS and message.location is not None:
        draft.location = Location(
            latitude=message.location.latitude, longitude=message.location.longitude
        )
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    elif draft.step in (Step.BUILDING, Step.UNIT) and message.text:
        async with context.services.uow() as uow:
            draft.location = await unit_location(uow, draft.community_id or 0, message.text)
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    elif draft.step is Step.AREA and message.text:
        draft.location = Location(place=check_place(message.text))
        draft.step = Step.CONFIRM
        await _show(update, context, draft, lang)
    else:
        await reply(update, t(lang, "reports.flow.use_buttons"))


LOCATION_STEPS = (Step.WHERE, Step.BUILDING, Step.UNIT, Step.PART, Step.AREA)


async def _describe(message: Message, draft: Draft) -> None:
    """Words; a voice message (its words optional, as a caption); or a photo with a caption
    (the photo kept as the first photo). A refusal leaves the draft as it was."""
    if message.voice is not None:
        voice = message.voice
        if voice.file_size is not None and voice.file_size > MAX_VOICE_BYTES:
            raise UserError("reports.flow.voice_too_large", max_mb=MAX_VOICE_BYTES // (1024 * 1024))
        caption = message.caption or ""
        draft.description = check_description(caption) if caption.strip() else ""
        duration = voice.duration
        seconds = duration if isinstance(duration, int) else int(duration.total_seconds())
        draft.voice = Voice(voice.file_id, seconds)
        return
    if message.photo:
        if not (message.caption or "").strip():
            raise UserError("reports.flow.photo_needs_caption")
        description = check_description(message.caption or "")
        file_id = _largest_photo(message)
        draft.description, draft.voice = description, None
        if file_id not in draft.photos and len(draft.photos) < MAX_PHOTOS:
            draft.photos.insert(0, file_id)
        return
    draft.description = check_description(message.text or "")
    draft.voice = None


def _largest_photo(message: Message) -> str:
    largest = message.photo[-1]
    if largest.file_size is not None and largest.file_size > MAX_PHOTO_BYTES:
        raise UserError("reports.flow.photo_too_large", max_mb=MAX_PHOTO_BYTES // (1024 * 1024))
    return largest.file_id


async def _photo(message: Message, draft: Draft) -> None:
    if not message.photo:
        raise UserError("reports.flow.send_photo")
    draft.photos.append(_largest_photo(message))


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
