"""Use cases of communities: binding a group, its language, its move to a supergroup, settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.communities.model import (
    MAX_NAME_LENGTH,
    MAX_PERIOD_DAYS,
    MAX_SUPPORT_THRESHOLD,
    Community,
)
from bot.communities.ports import CommunitiesUnitOfWork
from bot.config import Language
from bot.errors import NotAllowed, UserError
from bot.outbox import Intent, Tell, group_lane, tell


@dataclass(frozen=True, slots=True)
class SetupResult:
    community: Community
    created: bool
    old_name: str | None


def _front_door(community: Community) -> Intent:
    """The group's pinned "start here" message: posted once, redrawn by a later /setup."""
    return Intent(Tell.FRONT_DOOR, community.id, group_lane(community.id))


async def setup_community(
    uow: CommunitiesUnitOfWork,
    *,
    chat_id: int,
    name: str,
    is_chat_admin: bool,
    user_id: int,
    language: Language,
    timezone: str,
    now: datetime,
) -> SetupResult:
    """Bind the group as a community, or rename the community it already is."""
    if not is_chat_admin:
        raise NotAllowed("setup.not_admin")
    clean = " ".join(name.split())
    if not clean:
        raise UserError("usage.setup")
    if len(clean) > MAX_NAME_LENGTH:
        raise UserError("setup.name_too_long", max=MAX_NAME_LENGTH)
    existing = await uow.communities.by_chat(chat_id)
    if existing is None:
        created = await uow.communities.add(
            chat_id=chat_id,
            name=clean,
            language=language,
            timezone=timezone,
            created_by=user_id,
            now=now,
        )
        await tell(uow, _front_door(created), now=now)
        await uow.commit()
        return SetupResult(created, created=True, old_name=None)
    await uow.communities.rename(existing.id, clean)
    await tell(uow, _front_door(existing), now=now)
    await uow.commit()
    return SetupResult(replace(existing, name=clean), created=False, old_name=existing.name)


async def set_community_language(
    uow: CommunitiesUnitOfWork, community: Community, language: Language, *, is_admin: bool
) -> Community:
    if not is_admin:
        raise NotAllowed("lang.group_not_admin")
    await uow.communities.set_language(community.id, language)
    await uow.commit()
    return replace(community, language=language)


async def move_community(uow: CommunitiesUnitOfWork, *, old_chat_id: int, new_chat_id: int) -> bool:
    """A group upgraded to a supergroup gets a new chat id; the community follows it."""
    community = await uow.communities.by_chat(old_chat_id)
    if community is None or await uow.communities.by_chat(new_chat_id) is not None:
        return False
    await uow.communities.move_chat(community.id, new_chat_id)
    await uow.commit()
    return True


async def set_support_threshold(
    uow: CommunitiesUnitOfWork, community: Community, threshold: int, *, is_admin: bool
) -> Community:
    """How many households must support a topic before it enters discussion."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    if not 1 <= threshold <= MAX_SUPPORT_THRESHOLD:
        raise UserError("settings.bad_threshold", max=MAX_SUPPORT_THRESHOLD)
    await uow.communities.set_support_threshold(community.id, threshold)
    await uow.commit()
    return replace(community, support_threshold=threshold)


async def set_vote_periods(
    uow: CommunitiesUnitOfWork,
    community: Community,
    *,
    notice_days: int | None = None,
    publication_days: int | None = None,
    is_admin: bool,
) -> Community:
    """The notice period of Civil Code votes (0: they open at once, when the owners were told
    otherwise) and the publication period of results (at least a day)."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    notice = community.notice_period if notice_days is None else timedelta(days=notice_days)
    publication = (
        community.publication_period
        if publication_days is None
        else timedelta(days=publication_days)
    )
    if not timedelta(0) <= notice <= timedelta(days=MAX_PERIOD_DAYS):
        raise UserError("settings.bad_notice", max=MAX_PERIOD_DAYS)
    if not timedelta(days=1) <= publication <= timedelta(days=MAX_PERIOD_DAYS):
        raise UserError("settings.bad_publication", max=MAX_PERIOD_DAYS)
    await uow.communities.set_vote_periods(
        community.id, notice_period=notice, publication_period=publication
    )
    await uow.commit()
    return replace(community, notice_period=notice, publication_period=publication)
