"""What `/me` shows: a user's communities, units and roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.communities.model import Community
from bot.residents.model import Membership, Ownership
from bot.residents.ports import ProfileUnitOfWork
from bot.roles.model import RoleGrant


@dataclass(slots=True)
class CommunityProfile:
    community: Community
    memberships: list[Membership] = field(default_factory=list)
    ownerships: list[Ownership] = field(default_factory=list)  # verified or asked for
    grant: RoleGrant | None = None


async def load_profile(uow: ProfileUnitOfWork, user_id: int) -> list[CommunityProfile]:
    """Every community the user lives in, owns in or has a role in, with their live memberships
    and ownerships."""
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
    for ownership in await uow.ownerships.live_of_user(user_id):
        found = await entry(ownership.community_id)
        if found is not None:
            found.ownerships.append(ownership)
    for grant in await uow.roles.of_user(user_id):
        found = await entry(grant.community_id)
        if found is not None:
            found.grant = grant
    return sorted(profiles.values(), key=lambda p: p.community.name)
