"""Filing a join request and posting its review card in the community group: the one path
for `/join <unit>` typed in the group or in private, and for the join buttons."""

from __future__ import annotations

from bot.communities.model import Community
from bot.residents.cases import attach_card, request_join
from bot.residents.model import Membership, Relation
from handlers.common import send_text
from handlers.context import BotContext
from handlers.residents.owners import notify_if_self_review
from handlers.residents.render import join_card


async def submit_join_request(
    context: BotContext,
    community: Community,
    *,
    user_id: int,
    user_name: str,
    unit_code: str,
    relation: Relation,
    reply_to_message_id: int | None = None,
) -> Membership:
    async with context.services.uow() as uow:
        membership = await request_join(
            uow,
            community=community,
            user_id=user_id,
            user_name=user_name,
            unit_code=unit_code,
            relation=relation,
            now=context.services.now(),
        )
    text, keyboard = join_card(membership, community)
    card = await send_text(
        context,
        community.chat_id,
        text,
        reply_markup=keyboard,
        reply_to_message_id=reply_to_message_id,
    )
    async with context.services.uow() as uow:
        await attach_card(uow, membership.id, card.chat_id, card.message_id)
    await notify_if_self_review(
        context,
        community,
        user_id=user_id,
        user_name=membership.user_name,
        unit_code=membership.unit_code,
        building=membership.building,
    )
    return membership
