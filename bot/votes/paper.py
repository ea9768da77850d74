"""The paper sheet (书面表决): what a committee member entering paper ballots with buttons sees,
the vote's frozen electorate building by building and unit by unit, each unit with the standing
choice of its ballot. A read use case: entering a ballot is `ballots.enter_paper_ballot`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.communities.model import Community
from bot.errors import NotAllowed
from bot.roles.model import Actor
from bot.units.model import natural_order
from bot.votes.ballots import own_open_vote
from bot.votes.cases import electorate_of
from bot.votes.model import Vote
from bot.votes.ports import VotesUnitOfWork
from bot.votes.tally import Choice


@dataclass(frozen=True, slots=True)
class SheetUnit:
    code: str
    covers: tuple[str, ...]  # every unit the ballot entered for this one counts for
    voted: bool  # a ballot stands for its key
    choice: Choice | None  # the standing choice; None if there is none, or the vote is secret


@dataclass(frozen=True, slots=True)
class SheetBuilding:
    building: str
    units: tuple[SheetUnit, ...]  # natural order: 2-101 before 10-101


@dataclass(frozen=True, slots=True)
class PaperSheet:
    vote: Vote
    buildings: tuple[SheetBuilding, ...]  # natural order; a building vote's one building


async def paper_sheet(
    uow: VotesUnitOfWork, *, community: Community, actor: Actor, vote_id: int, now: datetime
) -> PaperSheet:
    """The frozen electorate's units by building, for a committee member or admin, while the
    vote is open (the same refusals as entering a paper ballot). In a secret vote a unit shows
    only that a ballot stands, never which."""
    if not actor.is_committee:
        raise NotAllowed("votes.paper_not_committee")
    vote = await own_open_vote(uow, community, vote_id, now)
    electorate = await electorate_of(uow, vote)
    ballots = await uow.votes.ballots(vote.id)
    by_building: dict[str, list[SheetUnit]] = {}
    for voter in electorate.voters.values():
        choice = ballots.get(voter.key)
        for unit in voter.members:
            by_building.setdefault(unit.building, []).append(
                SheetUnit(
                    unit.code,
                    voter.units,
                    choice is not None,
                    None if vote.secret else choice,
                )
            )
    buildings = tuple(
        SheetBuilding(building, tuple(sorted(units, key=lambda u: natural_order(u.code))))
        for building, units in sorted(by_building.items(), key=lambda item: natural_order(item[0]))
    )
    return PaperSheet(vote, buildings)
