"""`Tell.DIGEST`: the week's digest posted in the group, in the community's language, with a
Propose button under each frequent problem; drawn from the database when it goes out (the
week's due moment is in the params). A week with nothing to tell posts nothing."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.digest.cases import build_digest
from bot.outbox import OutboxEntry
from handlers.common import send_text
from handlers.context import BotContext
from handlers.digest.render import digest_keyboard, digest_text
from handlers.residents.privately import chunks_of

log = logging.getLogger(__name__)


async def deliver_digest(context: BotContext, entry: OutboxEntry) -> None:
    due, since = entry.intent.params.get("due"), entry.intent.params.get("since")
    if not isinstance(due, str):
        return
    async with context.services.uow() as uow:
        community = await uow.communities.get(entry.intent.subject)
        digest = await build_digest(
            uow,
            community_id=entry.intent.subject,
            until=datetime.fromisoformat(due),
            now=context.services.now(),
            since=datetime.fromisoformat(since) if isinstance(since, str) else None,
        )
    if community is None or digest is None:
        return
    if digest.empty:
        log.info("digest of community %s for %s: a quiet week, nothing posted", community.id, due)
        return
    lang = community.language
    *first, last = chunks_of(digest_text(digest, community, lang))
    for text in first:
        await send_text(context, community.chat_id, text)
    await send_text(context, community.chat_id, last, reply_markup=digest_keyboard(digest, lang))
