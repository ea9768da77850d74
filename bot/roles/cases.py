"""Use cases of roles: an admin gives or removes one."""

from __future__ import annotations

from datetime import datetime

from bot.errors import NotAllowed, UserError
from bot.roles.model import Actor, Role, RoleGrant
from bot.roles.ports import RolesUnitOfWork


async def set_role(
    uow: RolesUnitOfWork,
    *,
    community_id: int,
    actor: Actor,
    target_user_id: int,
    role: Role,
    buildings: tuple[str, ...],
    now: datetime,
) -> RoleGrant:
    """Give `target_user_id` a role (resident removes any). Admins only."""
    if not actor.is_admin:
        raise NotAllowed("role.not_admin")
    if role is Role.REP:
        if not buildings:
            raise UserError("role.rep_needs_buildings")
        known = await uow.units.buildings(community_id)
        unknown = [b for b in buildings if b not in known]
        if unknown:
            raise UserError("role.unknown_buildings", buildings=", ".join(unknown))
    elif buildings:
        raise UserError("role.buildings_only_for_rep")
    grant = RoleGrant(community_id, target_user_id, role, buildings if role is Role.REP else ())
    if role is Role.RESIDENT:
        await uow.roles.remove(community_id, target_user_id)
    else:
        await uow.roles.put(grant, granted_by=actor.user_id, now=now)
    await uow.commit()
    return grant
