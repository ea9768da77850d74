"""Joining with buttons alone (for residents who would rather not type): building → unit →
owner or tenant. Reached from the group's deep link (`/start join-<id>`) or `/join` in private.

Payloads: `v1:jp:<community>:b:<building index>:<page>`, `v1:jp:<community>:u:<unit id>`,
`v1:jp:<community>:r:<unit id>:o|t`. The unit is looked up inside the community again, so a
forged id of another community finds nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotFound, UserError
from bot.i18n import t
from bot.residents.model import Relation
from bot.units.cases import buildings_in_order, units_of_building
from handlers import callbacks
from handlers.common import display_name, edit_text, is_private, send_text, user_language
from handlers.context import BotApplication, BotContext
from handlers.menus import home_keyboard_for
from handlers.residents.join_cards import submit_join_request

PAGE_SIZE = 24
COLUMNS = 3


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]


async def buildings_keyboard(
    context: BotContext, community: Community, lang: Language
) -> InlineKeyboardMarkup:
    async with context.services.uow() as uow:
        buildings = await buildings_in_order(uow, community.id)
    if not buildings:
        raise UserError("join.no_register", community=community.name)
    buttons = [
        InlineKeyboardButton(
            t(lang, "join.building_button", building=b),
            callback_data=callbacks.pack(callbacks.JOIN_PICK, community.id, "b", i, 0),
        )
        for i, b in enumerate(buildings)
    ]
    return InlineKeyboardMarkup(_rows(buttons))


async def _units_view(
    context: BotContext, community: Community, index: int, page: int, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    async with context.services.uow() as uow:
        buildings = await buildings_in_order(uow, community.id)
        if not 0 <= index < len(buildings):
            raise UserError("common.stale_button")
        building = buildings[index]
        units = await units_of_building(uow, community.id, building)
    pages = max(1, -(-len(units) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = units[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = _rows(
        [
            InlineKeyboardButton(
                u.code, callback_data=callbacks.pack(callbacks.JOIN_PICK, community.id, "u", u.id)
            )
            for u in shown
        ]
    )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                t(lang, "common.previous"),
                callback_data=callbacks.pack(
                    callbacks.JOIN_PICK, community.id, "b", index, page - 1
                ),
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                t(lang, "common.next"),
                callback_data=callbacks.pack(
                    callbacks.JOIN_PICK, community.id, "b", index, page + 1
                ),
            )
        )
    nav.append(
        InlineKeyboardButton(
            t(lang, "common.back"),
            callback_data=callbacks.pack(callbacks.JOIN_PICK, community.id, "h"),
        )
    )
    rows.append(nav)
    return t(lang, "join.pick_unit", building=building), InlineKeyboardMarkup(rows)


def _relation_keyboard(community: Community, unit_id: int, lang: Language) -> InlineKeyboardMarkup:
    def pick(relation: str, key: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(lang, key),
            callback_data=callbacks.pack(callbacks.JOIN_PICK, community.id, "r", unit_id, relation),
        )

    back = InlineKeyboardButton(
        t(lang, "common.back"), callback_data=callbacks.pack(callbacks.JOIN_PICK, community.id, "h")
    )
    return InlineKeyboardMarkup(
        [[pick("o", "join.pick_owner")], [pick("t", "join.pick_tenant")], [back]]
    )


async def on_join_pick(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.args_of(query.data, callbacks.JOIN_PICK)
    if (
        not args
        or len(args) < 2
        or callbacks.int_arg(args[0]) is None
        or query.message is None
        or not is_private(update)
    ):
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        community = await uow.communities.get(callbacks.int_arg(args[0]) or 0)
    if community is None:
        raise UserError("common.stale_button")
    lang = await user_language(context, query.from_user)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    action, rest = args[1], [callbacks.int_arg(a, low=0) for a in args[2:]]
    if action == "h":
        keyboard = await buildings_keyboard(context, community, lang)
        await edit_text(
            context,
            chat_id,
            message_id,
            t(lang, "join.pick_building", community=community.name),
            reply_markup=keyboard,
        )
    elif action == "b" and len(rest) == 2 and rest[0] is not None and rest[1] is not None:
        text, keyboard = await _units_view(context, community, rest[0], rest[1], lang)
        await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
    elif action in ("u", "r") and rest and rest[0] is not None:
        async with context.services.uow() as uow:
            unit = await uow.units.by_id(community.id, rest[0])
        if unit is None or unit.retired:
            raise NotFound("common.stale_button")
        if action == "u":
            text = t(lang, "join.pick_relation", unit=unit.code)
            await edit_text(
                context,
                chat_id,
                message_id,
                text,
                reply_markup=_relation_keyboard(community, unit.id, lang),
            )
        elif len(args) == 4 and args[3] in ("o", "t"):
            relation = Relation.OWNER if args[3] == "o" else Relation.TENANT
            membership = await submit_join_request(
                context,
                community,
                user_id=query.from_user.id,
                user_name=display_name(query.from_user),
                unit_code=unit.code,
                relation=relation,
            )
            text = t(
                lang, "join.requested_private", unit=membership.unit_code, community=community.name
            )
            await edit_text(context, chat_id, message_id, text)
            # joined: from now on the home keyboard stays under the chat
            home = await home_keyboard_for(context, query.from_user.id, lang)
            await send_text(context, chat_id, t(lang, "home.ready"), reply_markup=home)
        else:
            raise UserError("common.stale_button")
    else:
        raise UserError("common.stale_button")
    await query.answer()


def register(app: BotApplication) -> None:
    app.add_handler(
        CallbackQueryHandler(on_join_pick, pattern=callbacks.pattern(callbacks.JOIN_PICK))
    )
