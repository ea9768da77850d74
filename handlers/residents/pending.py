"""`/pending` (Pending joins), privately for reps and admins: the join requests waiting in
their buildings (all for an admin), each with Approve / Reject. The buttons are the cards'
own `v1:jr:<id>:a|r`, pressed on the asker's own private screen and re-checked there
(`commands.on_join_review`): a rep of another building is refused, a decided request says by
whom."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed
from bot.i18n import t, when
from bot.residents.cases import pending_for
from bot.residents.model import Membership
from handlers import callbacks
from handlers.common import user_language
from handlers.context import BotApplication, BotContext
from handlers.residents.privately import answer_privately, staff_communities
from handlers.residents.render import relation_word

# At most this many requests per community on the list (each has a row of buttons).
MAX_LISTED = 30


def pending_list(
    community: Community, waiting: list[Membership], lang: Language
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not waiting:
        return t(lang, "pending.none", community=community.name), None
    lines = [t(lang, "pending.header", community=community.name, count=len(waiting))]
    rows = []
    for m in waiting[:MAX_LISTED]:
        lines.append(
            t(
                lang,
                "pending.line",
                unit=m.unit_code,
                name=m.user_name,
                relation=relation_word(m, lang),
                at=when(m.requested_at, lang, community.timezone),
            )
        )
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "pending.approve", unit=m.unit_code),
                    callback_data=callbacks.pack(callbacks.JOIN_REVIEW, m.id, "a"),
                ),
                InlineKeyboardButton(
                    t(lang, "pending.reject", unit=m.unit_code),
                    callback_data=callbacks.pack(callbacks.JOIN_REVIEW, m.id, "r"),
                ),
            ]
        )
    if len(waiting) > MAX_LISTED:
        lines.append(t(lang, "pending.more", count=len(waiting) - MAX_LISTED))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def cmd_pending(update: Update, context: BotContext) -> None:
    """The waiting join requests the asker may decide, per community, always privately."""
    user = update.effective_user
    assert user is not None
    places = [(c, a) for c, a in await staff_communities(update, context) if a.is_admin or a.is_rep]
    if not places:
        raise NotAllowed("pending.not_allowed")
    lang = await user_language(context, user)
    messages = []
    async with context.services.uow() as uow:
        for community, actor in places:
            waiting = await pending_for(uow, community.id, actor)
            messages.append(pending_list(community, waiting, lang))
    await answer_privately(update, context, places[0][0], messages)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("pending", cmd_pending))
