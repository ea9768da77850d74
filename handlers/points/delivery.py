"""`Tell.POINTS_CHANGED`: a resident of a household told privately of a grant or redemption,
drawn from the ledger as it stands (the balance then), in their language."""

from __future__ import annotations

import logging

from bot.i18n import t
from bot.outbox import OutboxEntry
from handlers.common import language_of, send_private
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def deliver_points_changed(context: BotContext, entry: OutboxEntry) -> None:
    user_id = int(str(entry.intent.lane).removeprefix("user:"))
    async with context.services.uow() as uow:
        row = await uow.points.get(entry.intent.subject)
        community = await uow.communities.get(row.community_id) if row is not None else None
        balance = await uow.points.balance(row.community_id, row.unit_code) if row else 0
    if row is None or community is None:
        return
    lang = await language_of(context, user_id, community.language)
    text = t(
        lang,
        f"points.changed_{row.act.value}",
        unit=row.unit_code,
        amount=abs(row.amount),
        reason=row.reason,
        balance=balance,
    )
    if not await send_private(context, user_id, text):
        log.info("points entry %s: user %s has no private chat", row.id, user_id)
