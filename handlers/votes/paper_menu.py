"""Paper ballots (书面表决) with buttons alone: `/paper <vote>` (in the group or privately) sends a
committee member or admin a private screen, building → unit → For / Against / Abstain, one
message edited in place. A choice enters the ballot as `/paper <vote> <unit> <choice>` does
(`enter_paper_ballot`), with the same confirmation, receipt and notes to the household.

Payloads: `v1:pp:<vote id>:h` (the buildings), `v1:pp:<vote id>:b:<building>:<page>`,
`v1:pp:<vote id>:u:<building>:<unit>` and `v1:pp:<vote id>:c:<building>:<unit>:<f|a|x>`, the
building and unit as indices into the vote's frozen electorate in natural order. Every press
re-checks the screen (the presser's own private chat, the screen's message, a button of its
keyboard), the presser (committee or admin of the vote's community) and the open vote."""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.roles.model import Actor
from bot.votes.ballots import enter_paper_ballot
from bot.votes.cases import vote_by_number
from bot.votes.paper import PaperSheet, SheetBuilding, SheetUnit, paper_sheet
from bot.votes.tally import Choice
from handlers import callbacks
from handlers.common import (
    POPUP_LIMIT,
    actor_in,
    command_args,
    community_here,
    display_name,
    edit_text,
    is_private,
    open_private_button,
    reply,
    require_own_keyboard,
    require_private_screen,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.votes.ballots import paper_text
from handlers.votes.render import CHOICE_CODES, CHOICES_BY_CODE, units_text

log = logging.getLogger(__name__)

PAGE_SIZE = 30  # units per page (Telegram allows 100 buttons; elderly clerks prefer fewer)
COLUMNS = 3
SCREENS = "paper_screens"  # user_data: vote id → the message id of the clerk's latest screen


def _pack(vote_id: int, *args: int | str) -> str:
    return callbacks.pack(callbacks.PAPER_MENU, vote_id, *args)


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]


def _title(sheet: PaperSheet, lang: Language) -> str:
    vote = sheet.vote
    return t(lang, "votes.paper_menu_title", number=vote.number, question=vote.question)


def buildings_view(sheet: PaperSheet, lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
    if not sheet.buildings:
        return t(lang, "votes.paper_menu_empty", number=sheet.vote.number), None
    buttons = [
        InlineKeyboardButton(
            t(lang, "votes.paper_menu_building", building=b.building),
            callback_data=_pack(sheet.vote.id, "b", i, 0),
        )
        for i, b in enumerate(sheet.buildings)
    ]
    text = f"{_title(sheet, lang)}\n{t(lang, 'votes.paper_menu_pick_building')}"
    return text, InlineKeyboardMarkup(_rows(buttons))


def _unit_label(unit: SheetUnit, lang: Language) -> str:
    if unit.choice is not None:
        choice = t(lang, f"choice.{unit.choice.value}")
        return t(lang, "votes.paper_menu_unit_choice", unit=unit.code, choice=choice)
    if unit.voted:
        return t(lang, "votes.paper_menu_unit_voted", unit=unit.code)
    return unit.code


def _building(sheet: PaperSheet, index: int) -> SheetBuilding:
    if not 0 <= index < len(sheet.buildings):
        raise UserError("common.stale_button")
    return sheet.buildings[index]


def _unit(sheet: PaperSheet, index: int, unit_index: int) -> SheetUnit:
    units = _building(sheet, index).units
    if not 0 <= unit_index < len(units):
        raise UserError("common.stale_button")
    return units[unit_index]


def units_view(
    sheet: PaperSheet, index: int, page: int, lang: Language, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The building's units, several a row, each marked with its standing choice; Back."""
    building = _building(sheet, index)
    vote_id = sheet.vote.id
    pages = max(1, -(-len(building.units) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    rows = _rows(
        [
            InlineKeyboardButton(
                _unit_label(unit, lang), callback_data=_pack(vote_id, "u", index, i)
            )
            for i, unit in enumerate(building.units[first : first + PAGE_SIZE], start=first)
        ]
    )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                t(lang, "common.previous"), callback_data=_pack(vote_id, "b", index, page - 1)
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                t(lang, "common.next"), callback_data=_pack(vote_id, "b", index, page + 1)
            )
        )
    nav.append(InlineKeyboardButton(t(lang, "common.back"), callback_data=_pack(vote_id, "h")))
    rows.append(nav)
    text = "\n".join(
        [
            *([note, ""] if note else []),
            _title(sheet, lang),
            t(lang, "votes.paper_menu_pick_unit", building=building.building),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def choices_view(
    sheet: PaperSheet, index: int, unit_index: int, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    """For / Against / Abstain for one unit (its ballot covers all its key's units); Back."""
    unit = _unit(sheet, index, unit_index)
    vote_id = sheet.vote.id
    if unit.choice is not None:
        standing = t(lang, f"choice.{unit.choice.value}")
    else:
        standing = t(lang, "votes.paper_menu_secret" if unit.voted else "votes.paper_menu_none")
    choices = [
        InlineKeyboardButton(
            t(lang, f"choice.{choice.value}"),
            callback_data=_pack(vote_id, "c", index, unit_index, CHOICE_CODES[choice]),
        )
        for choice in Choice
    ]
    back = InlineKeyboardButton(
        t(lang, "common.back"),
        callback_data=_pack(vote_id, "b", index, unit_index // PAGE_SIZE),
    )
    text = "\n".join(
        [
            _title(sheet, lang),
            t(lang, "votes.paper_menu_pick_choice", units=units_text(unit.covers), now=standing),
        ]
    )
    return text, InlineKeyboardMarkup([choices, [back]])


def _screens(context: BotContext) -> dict[int, int]:
    data = context.user_data
    if data is None:
        return {}
    screens: dict[int, int] = data.setdefault(SCREENS, {})
    return screens


async def _send_screen(
    context: BotContext, user_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """The screen in the clerk's private chat; None if they never opened one (403)."""
    try:
        return await context.bot.send_message(user_id, text, reply_markup=markup)
    except Forbidden:
        return None
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return None
        raise


async def cmd_paper_menu(update: Update, context: BotContext) -> None:
    """`/paper <vote>`: the buttons in the sender's private chat (a deep link if there is none
    yet). The three-word form is `ballots.cmd_paper`."""
    args = command_args(update)
    number = callbacks.int_arg(args[0].lstrip("#")) if len(args) == 1 else None
    if number is None:
        raise UserError("usage.paper")
    community = await community_here(
        update, context, refusal="votes.paper_which_community", with_role=True
    )
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
        sheet = await paper_sheet(
            uow, community=community, actor=actor, vote_id=vote.id, now=context.services.now()
        )
    text, markup = buildings_view(sheet, await user_language(context, user))
    message = await _send_screen(context, user.id, text, markup)
    if message is None:
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )
        return
    _screens(context)[vote.id] = message.message_id
    if not is_private(update):
        await reply(update, t(community.language, "votes.paper_menu_sent", number=vote.number))


async def on_paper_menu(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.args_of(query.data, callbacks.PAPER_MENU)
    vote_id = callbacks.int_arg(args[0]) if args else None
    if args is None or vote_id is None or len(args) < 2 or query.message is None:
        raise UserError("common.stale_button")
    require_private_screen(query, _screens(context).get(vote_id))
    require_own_keyboard(query)
    action = args[1]
    numbers = [callbacks.int_arg(a, low=0) for a in args[2:4]]
    indices = [n for n in numbers if n is not None]
    choice = CHOICES_BY_CODE.get(args[4]) if len(args) == 5 else None
    if not (
        (action == "h" and len(args) == 2)
        or (action in ("b", "u") and len(args) == 4 and len(indices) == 2)
        or (action == "c" and len(indices) == 2 and choice is not None)
    ):
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        vote = await uow.votes.get(vote_id)
        community = await uow.communities.get(vote.community_id) if vote else None
    if community is None:
        raise UserError("common.stale_button")
    user = query.from_user
    actor = await actor_in(context, community, user.id)
    lang = await user_language(context, user)
    if action == "c":
        assert choice is not None
        await _enter(context, query, community, actor, vote_id, indices, choice, lang)
        return
    now = context.services.now()
    async with context.services.uow() as uow:
        sheet = await paper_sheet(uow, community=community, actor=actor, vote_id=vote_id, now=now)
    view: tuple[str, InlineKeyboardMarkup | None]
    if action == "h":
        view = buildings_view(sheet, lang)
    elif action == "b":
        view = units_view(sheet, indices[0], indices[1], lang)
    else:
        view = choices_view(sheet, indices[0], indices[1], lang)
    await _edit(context, query.message.chat.id, query.message.message_id, view)
    await query.answer()


async def _enter(
    context: BotContext,
    query: CallbackQuery,
    community: Community,
    actor: Actor,
    vote_id: int,
    indices: list[int],
    choice: Choice,
    lang: Language,
) -> None:
    """A choice pressed: the paper ballot entered, confirmed with its receipt (a pop-up and on
    the screen), the household's voters told, and the building's units shown again."""
    assert query.message is not None
    now = context.services.now()
    async with context.services.uow() as uow:
        sheet = await paper_sheet(uow, community=community, actor=actor, vote_id=vote_id, now=now)
        unit = _unit(sheet, indices[0], indices[1])
        result = await enter_paper_ballot(
            uow,
            community=community,
            actor=actor,
            vote_id=vote_id,
            unit_code=unit.code,
            choice=choice,
            now=now,
            actor_name=display_name(query.from_user),
        )
    context.services.vote_cards.touch(vote_id)
    context.services.wake_outbox()  # the household's voters hear of it
    note = paper_text(result, lang)
    await query.answer(note[:POPUP_LIMIT], show_alert=True)
    async with context.services.uow() as uow:
        sheet = await paper_sheet(uow, community=community, actor=actor, vote_id=vote_id, now=now)
    view = units_view(sheet, indices[0], indices[1] // PAGE_SIZE, lang, note)
    await _edit(context, query.message.chat.id, query.message.message_id, view)


async def _edit(
    context: BotContext,
    chat_id: int,
    message_id: int,
    view: tuple[str, InlineKeyboardMarkup | None],
) -> None:
    text, markup = view
    kwargs: dict[str, Any] = {"reply_markup": markup} if markup is not None else {}
    await edit_text(context, chat_id, message_id, text, **kwargs)


def register(app: BotApplication) -> None:
    """Before `ballots.register`: `/paper` with one argument is this screen's, with three the
    typed form's."""
    app.add_handler(CommandHandler("paper", cmd_paper_menu, has_args=1))
    app.add_handler(
        CallbackQueryHandler(on_paper_menu, pattern=callbacks.pattern(callbacks.PAPER_MENU))
    )
