"""`/codes` (all units) and `/codes <unit>` (regenerate one): letterbox codes, sent privately."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.codes.cases import issue_codes, regenerate_code
from bot.codes.model import display_code
from bot.i18n import t
from handlers.common import (
    actor_in,
    command_args,
    open_private_button,
    reply,
    require_community,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.format import csv_file


def codes_csv(rows: list[tuple[str, str, str]]) -> bytes:
    return csv_file(("unit", "building", "code"), rows)


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
            issued = None
        else:
            issued = await issue_codes(uow, community_id=community.id, actor=actor, now=now)
    if issued is None:
        text = t(
            lang,
            "codes.regenerated",
            unit=fresh.unit_code,
            code=display_code(fresh.code),
            community=community.name,
        )
        delivered = await send_private(context, user.id, text)
    else:
        data = codes_csv([(c.unit_code, c.building, display_code(c.code)) for c in issued])
        try:
            await context.bot.send_document(
                user.id,
                InputFile(data, filename=f"codes-{community.id}.csv"),
                caption=t(lang, "codes.caption", count=len(issued), community=community.name),
            )
            delivered = True
        except (Forbidden, BadRequest):
            delivered = False
    if delivered:
        await reply(update, t(group_lang, "codes.sent_privately"))
    else:
        await reply(
            update,
            t(group_lang, "codes.start_private_first"),
            reply_markup=open_private_button(context, group_lang),
        )


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("codes", cmd_codes))
