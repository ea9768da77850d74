"""`/pending` (Pending joins), privately for reps and admins: the join requests and the
requests to be verified as owner waiting in their buildings (all for an admin), each with
Approve / Reject. The buttons are the cards' own `v1:jr:<id>:a|r` and `v1:or:<id>:a|r`,
pressed on the asker's own private screen and re-checked there (`commands.on_join_review`,
`owners.on_owner_review`): a rep of another building is refused, a decided request says by
whom."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed
from bot.i18n import counted, t, when
from bot.residents.cases import owner_pending_for, pending_for
from bot.residents.model import Membership, Ownership
from handlers import callbacks
from handlers.common import user_language
from handlers.context import BotApplication, BotContext
from handlers.residents.privately import answer_privately, staff_communities
from handlers.residents.render import relation_word

# At most this many requests per community on the list (each has a row of buttons).
MAX_LISTED = 30


def _buttons(kind: str, subject: int, unit: str, lang: Language) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            t(lang, "pending.approve", unit=unit), callback_data=callbacks.pack(kind, subject, "a")
        ),
        InlineKeyboardButton(
            t(lang, "pending.reject", unit=unit), callback_data=callbacks.pack(kind, subject, "r")
        ),
    ]


def pending_list(
    community: Community,
    waiting: list[Membership],
    lang: Language,
    owners: list[Ownership] | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The join requests, then the owner checks, each with its Approve / Reject row; at most
    `MAX_LISTED` rows in all, the join requests first."""
    owners = owners or []
    if not waiting and not owners:
        return t(lang, "pending.none", community=community.name), None
    lines: list[str] = []
    rows = []
    if waiting:
        lines.append(
            t(lang, "pending.header", community=community.name, count=counted(len(waiting), lang))
        )
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
        rows.append(_buttons(callbacks.JOIN_REVIEW, m.id, m.unit_code, lang))
    room = max(0, MAX_LISTED - len(rows))
    if owners:
        lines.append(
            t(
                lang,
                "owner.pending_header",
                community=community.name,
                count=counted(len(owners), lang),
            )
        )
    for o in owners[:room]:
        at = when(o.requested_at, lang, community.timezone)
        lines.append(t(lang, "owner.pending_line", unit=o.unit_code, name=o.user_name, at=at))
        rows.append(_buttons(callbacks.OWNER_REVIEW, o.id, o.unit_code, lang))
    left = len(waiting) + len(owners) - len(rows)
    if left > 0:
        lines.append(t(lang, "pending.more", count=left))
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
            owners = await owner_pending_for(uow, community.id, actor)
            messages.append(pending_list(community, waiting, lang, owners))
    await answer_privately(update, context, places[0][0], messages)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("pending", cmd_pending))
