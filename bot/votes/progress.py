"""A rep's view of an open vote, unit by unit (`/progress`): pure, over the frozen electorate,
the ballots cast, who may cast each ballot and whom the bot may write to privately. Never a
choice: only whether a ballot is in, so a secret vote shows no more than an open one."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.units.model import natural_order
from bot.votes.tally import Electorate


class Mark(StrEnum):
    VOTED = "voted"  # the household's (or owner's) ballot is in
    NOT_VOTED = "not_voted"  # not yet, and someone who may cast it can be reminded
    UNREACHABLE = "unreachable"  # not yet, and nobody who may cast it can be written to


@dataclass(frozen=True, slots=True)
class BuildingProgress:
    building: str
    units: tuple[tuple[str, Mark], ...]  # in the register's natural order

    def count(self, mark: Mark) -> int:
        return sum(1 for _, m in self.units if m is mark)

    def of(self, mark: Mark) -> list[str]:
        return [unit for unit, m in self.units if m is mark]


@dataclass(frozen=True, slots=True)
class VoteProgress:
    buildings: tuple[BuildingProgress, ...]
    # the people a "remind the reachable ones" round writes to: who may cast a ballot not cast
    # yet in these buildings and is known to be reachable
    remindable: frozenset[int]

    @property
    def units(self) -> int:
        return sum(len(b.units) for b in self.buildings)

    def count(self, mark: Mark) -> int:
        return sum(b.count(mark) for b in self.buildings)


def vote_progress(
    electorate: Electorate,
    cast: Collection[str],
    users: Mapping[str, Collection[int]],
    reachable: Collection[int],
    building_of: Mapping[str, str],
    buildings: Iterable[str],
) -> VoteProgress:
    """Each unit of the electorate in `buildings`: voted if its voter key's ballot is `cast`;
    else not voted if one of the `users` who may cast it is `reachable`; else unreachable (to
    knock on the door). A voter with units in several buildings counts in each of them."""
    shown = set(buildings)
    per_building: dict[str, list[tuple[str, Mark]]] = {b: [] for b in shown}
    remindable: set[int] = set()
    for key, voter in electorate.voters.items():
        can_write = {u for u in users.get(key, ()) if u in reachable}
        if key in cast:
            mark = Mark.VOTED
        elif can_write:
            mark = Mark.NOT_VOTED
        else:
            mark = Mark.UNREACHABLE
        in_scope = False
        for unit in voter.units:
            building = building_of.get(unit)
            if building in shown:
                per_building[building].append((unit, mark))
                in_scope = True
        if in_scope and mark is Mark.NOT_VOTED:
            remindable |= can_write
    return VoteProgress(
        tuple(
            BuildingProgress(b, tuple(sorted(per_building[b], key=lambda u: natural_order(u[0]))))
            for b in sorted(shown, key=natural_order)
            if per_building[b]
        ),
        frozenset(remindable),
    )
