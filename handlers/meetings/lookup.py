"""Finding a meeting, its community and who acts on it: shared by the commands, the private
menu and the deliverers."""

from __future__ import annotations

from telegram import Update

from bot.communities.model import Community
from bot.errors import NotAllowed
from bot.i18n import whole_number
from bot.meetings.cases import (
    meeting_view,
)
from bot.meetings.model import MeetingView
from bot.ports import UnitOfWork
from bot.roles.model import Actor
from handlers.common import (
    actor_in,
    sent_by_anonymous_admin,
)
from handlers.context import BotContext

MAX_NUMBER = 999_999_999


def number_arg(word: str) -> int | None:
    return whole_number(word.removeprefix("#"), high=MAX_NUMBER)


async def acting(update: Update, context: BotContext, community: Community) -> Actor:
    user = update.effective_user
    assert user is not None
    if sent_by_anonymous_admin(update.effective_message):  # writes as the group itself
        return Actor(user.id, is_chat_admin=True)
    return await actor_in(context, community, user.id)


async def committee_in(context: BotContext, community: Community, user_id: int) -> Actor:
    actor = await actor_in(context, community, user_id)
    if not actor.is_committee:
        raise NotAllowed("meetings.not_committee")
    return actor


async def view_of(uow: UnitOfWork, meeting_id: int) -> tuple[MeetingView, Community] | None:
    meeting = await uow.meetings.get(meeting_id)
    community = await uow.communities.get(meeting.community_id) if meeting else None
    if meeting is None or community is None:
        return None
    return await meeting_view(uow, meeting), community
