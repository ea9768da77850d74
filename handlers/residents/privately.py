"""Answers that name residents go to the asker privately, never to the whole group: in a
group the asker gets them in a private chat and the group only "sent to you privately" (or,
for one who never started the bot, the button that opens the private chat)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update

from bot.communities.model import Community
from bot.i18n import t
from bot.residents.profile import load_profile
from bot.roles.model import Actor
from handlers.common import actor_in, is_private, open_private_button, reply, send_private
from handlers.context import BotContext

MESSAGE_LIMIT = 4000


def chunks_of(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line ends into messages under Telegram's length limit."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        if len(current) + len(line) + 1 > limit and current:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return chunks


async def answer_privately(
    update: Update,
    context: BotContext,
    community: Community | None,
    messages: Sequence[tuple[str, InlineKeyboardMarkup | None]],
) -> None:
    """Send `messages` (text, keyboard) to the asker in private; asked in a group, the group
    hears only that they went out privately, in the community's language."""
    user = update.effective_user
    assert user is not None
    if is_private(update):
        for text, keyboard in messages:
            await reply(update, text, reply_markup=keyboard)
        return
    lang = community.language if community is not None else context.services.settings.bot_language
    first, *rest = messages
    if not await send_private(context, user.id, first[0], reply_markup=first[1]):
        await reply(
            update,
            t(lang, "common.start_private_first"),
            reply_markup=open_private_button(context, lang),
        )
        return
    for text, keyboard in rest:
        await context.bot.send_message(user.id, text, reply_markup=keyboard)
    await reply(update, t(lang, "members.sent_privately"))


async def staff_communities(update: Update, context: BotContext) -> list[tuple[Community, Actor]]:
    """Where the asker is staff (admin, committee or rep): in a group, its community; in
    private, every community they have a role in, set up, or live in and administer on
    Telegram, each with the asker's `Actor` there."""
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        if not is_private(update):
            assert update.effective_chat is not None
            here = await uow.communities.by_chat(update.effective_chat.id)
            candidates = [here] if here is not None else []
        else:
            candidates = [p.community for p in await load_profile(uow, user.id)]
            candidates += await uow.communities.created_by(user.id)
    found: list[tuple[Community, Actor]] = []
    seen: set[int] = set()
    for community in candidates:
        if community.id in seen:
            continue
        seen.add(community.id)
        actor = await actor_in(context, community, user.id)
        if actor.is_committee or actor.is_rep:
            found.append((community, actor))
    return found
