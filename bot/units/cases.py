"""Use cases of the unit register: importing it, and listing buildings and units for the buttons."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import NotAllowed
from bot.units.model import (
    RegisterSummary,
    StoredUnit,
    moved_units,
    natural_order,
    summarize,
)
from bot.units.ports import UnitsUnitOfWork
from bot.units.register import (
    RegisterDoubts,
    parse_register,
)


@dataclass(frozen=True, slots=True)
class ImportReport:
    summary: RegisterSummary
    added: int
    updated: int
    removed: int
    kept_missing: tuple[str, ...]
    # owner keys to confirm first; while `saved` is False nothing was changed
    doubts: RegisterDoubts = field(default_factory=RegisterDoubts)
    saved: bool = True


async def import_units(
    uow: UnitsUnitOfWork,
    *,
    community_id: int,
    data: bytes,
    is_admin: bool,
    confirmed: bool = False,
) -> ImportReport:
    """Replace the register with the file's units; nothing changes if any row is bad. Owner keys
    that merge after normalization, or differ only in case, are shown first: nothing is saved
    until the admin confirms (`confirmed`). A unit whose owner key changes loses its verified
    owners (they verify again, see `moved_units`)."""
    if not is_admin:
        raise NotAllowed("units.not_admin")
    parsed = parse_register(data)
    units = parsed.units
    existing = {s.code: s for s in await uow.units.stored(community_id)}
    incoming = {u.code for u in units}
    missing = set(existing) - incoming
    inhabited = await uow.units.inhabited(community_id)
    kept = tuple(sorted(missing & inhabited))
    removed = sorted(missing - inhabited)
    added = sum(1 for u in units if u.code not in existing)
    updated = sum(
        1
        for u in units
        if u.code in existing and (existing[u.code].unit != u or existing[u.code].retired)
    )
    if parsed.doubts and not confirmed:
        return ImportReport(
            summarize(units), added, updated, len(removed), kept, parsed.doubts, saved=False
        )
    moved = moved_units(
        {code: stored.unit.owner_key for code, stored in existing.items()},
        {u.code: u.owner_key for u in units},
    )
    await uow.units.save(community_id, units, retire=kept, remove=removed, revoke_ownerships=moved)
    await uow.commit()
    return ImportReport(summarize(units), added, updated, len(removed), kept, parsed.doubts)


async def buildings_in_order(uow: UnitsUnitOfWork, community_id: int) -> list[str]:
    return sorted(await uow.units.buildings(community_id), key=natural_order)


async def units_of_building(
    uow: UnitsUnitOfWork, community_id: int, building: str
) -> list[StoredUnit]:
    """The building's units in the register, in natural order (for the join buttons)."""
    units = [
        s for s in await uow.units.stored(community_id) if s.building == building and not s.retired
    ]
    return sorted(units, key=lambda s: natural_order(s.code))
