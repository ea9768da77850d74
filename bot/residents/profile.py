"""What `/me` shows: a user's communities, units and roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.communities.model import Community
from bot.residents.model import Membership
from bot.residents.ports import ProfileUnitOfWork
from bot.roles.model import RoleGrant


@dataclass(slots=True)
class CommunityProfile:
    community: Community
    memberships: list[Membership] = field(default_factory=list)
    grant: RoleGrant | None = None


async def load_profile(uow: ProfileUnitOfWork, user_id: int) -> list[CommunityProfile]:
    """Every community the user lives in or has a role in, with their live memberships."""
    profiles: dict[int, CommunityProfile] = {}

    async def entry(community_id: int) -> CommunityProfile | None:
        if community_id not in profiles:
            community = await uow.communities.get(community_id)
            if community is None:
                return None
            profiles[community_id] = CommunityProfile(community)
        return profiles[community_id]

    for membership in await uow.residents.live_of_user(user_id):
        found = await entry(membership.community_id)
        if found is not None:
            found.memberships.append(membership)
    for grant in await uow.roles.of_user(user_id):
        found = await entry(grant.community_id)
        if found is not None:
            found.grant = grant
    return sorted(profiles.values(), key=lambda p: p.community.name)
