"""Use cases of votes: starting a vote (on a topic in discussion or a free question), casting and
changing ballots (one per household, or per owner under the Civil Code), closing at the
deadline or by hand, and the figures behind the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.cases import verified_households
from bot.residents.model import Relation
from bot.roles.model import Actor
from bot.topics.cases import topic_by_number
from bot.topics.model import Topic, TopicStatus
from bot.units.model import natural_order
from bot.votes.chain import ChainRecord, RecordKind, append, first_broken, replay
from bot.votes.model import Vote, VoteStatus
from bot.votes.options import (
    DEFAULT_DURATION,
    MAX_DURATION,
    MIN_DURATION,
    VoteRequest,
)
from bot.votes.ports import VotesUnitOfWork
from bot.votes.tally import (
    Choice,
    Decision,
    Electorate,
    Rule,
    Tally,
    count,
    decide,
    electorate_for,
    voter_key,
)


async def _check_options(
    uow: VotesUnitOfWork, community_id: int, rule: Rule, building: str | None
) -> None:
    buildings = await uow.units.buildings(community_id)
    if rule.civil_code and not buildings:
        raise UserError("votes.no_register")
    if building is not None and building not in buildings:
        raise UserError("votes.unknown_building", building=building)


async def create_vote(
    uow: VotesUnitOfWork, *, community: Community, actor: Actor, request: VoteRequest, now: datetime
) -> Vote:
    """A draft (when only the subject was given: the buttons ask the rest) or an open vote."""
    if not actor.is_committee:
        raise NotAllowed("votes.not_committee")
    topic: Topic | None = None
    question = request.question
    if request.topic_number is not None:
        topic = await topic_by_number(uow, community.id, request.topic_number)
        if topic.status is not TopicStatus.DISCUSSION:
            raise UserError("votes.topic_not_in_discussion", number=topic.number)
        question = topic.title
    rule = request.rule or Rule.SIMPLE
    await _check_options(uow, community.id, rule, request.building)
    vote = await uow.votes.add(
        community_id=community.id,
        topic_id=topic.id if topic else None,
        question=question,
        rule=rule,
        duration=request.duration or DEFAULT_DURATION,
        building=request.building,
        secret=request.secret,
        created_by=actor.user_id,
        now=now,
    )
    if request.complete:
        vote = await _open(uow, vote, now)
    await uow.commit()
    return vote


async def _open(uow: VotesUnitOfWork, vote: Vote, now: datetime) -> Vote:
    if vote.topic_id is not None:
        topic = await uow.topics.get(vote.topic_id)
        if topic is None or topic.status is not TopicStatus.DISCUSSION:
            raise UserError("votes.topic_not_in_discussion", number=topic.number if topic else "?")
        await uow.topics.set_status(vote.topic_id, TopicStatus.VOTING, now=now)
    await uow.votes.open(vote.id, opened_at=now, closes_at=now + vote.duration)
    opened = await uow.votes.get(vote.id)
    assert opened is not None
    return opened


async def _own_vote(uow: VotesUnitOfWork, community: Community, vote_id: int) -> Vote:
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    return vote


async def vote_by_number(uow: VotesUnitOfWork, community: Community, number: int) -> Vote:
    vote = await uow.votes.by_number(community.id, number)
    if vote is None:
        raise NotFound("votes.no_such_number", number=number)
    return vote


async def edit_draft(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    actor: Actor,
    rule: Rule | None = None,
    duration: timedelta | None = None,
    start: bool = False,
    now: datetime,
) -> Vote:
    """The draft's buttons: only the committee member who started it may press them, and only
    while they are still on the committee; the duration stays within the bounds `/vote` has."""
    vote = await _own_vote(uow, community, vote_id)
    if vote.created_by != actor.user_id:
        raise NotAllowed("votes.draft_not_yours")
    if not actor.is_committee:
        raise NotAllowed("votes.not_committee")
    if vote.status is not VoteStatus.DRAFT:
        raise UserError("votes.already_started", number=vote.number)
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        raise UserError("votes.duration_out_of_bounds")
    if rule is not None or duration is not None:
        await _check_options(uow, community.id, rule or vote.rule, vote.building)
        await uow.votes.update_draft(
            vote_id, rule=rule or vote.rule, duration=duration or vote.duration
        )
    updated = await uow.votes.get(vote_id)
    assert updated is not None
    if start:
        updated = await _open(uow, updated, now)
    await uow.commit()
    return updated


async def attach_vote_card(
    uow: VotesUnitOfWork, vote_id: int, chat_id: int, message_id: int
) -> None:
    await uow.votes.set_card(vote_id, chat_id, message_id)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class CastResult:
    vote: Vote
    choice: Choice
    covers: tuple[str, ...]
    changed: bool


async def _voter_keys(uow: VotesUnitOfWork, vote: Vote, user_id: int) -> dict[str, tuple[str, ...]]:
    """The voter keys this user may cast for, each with the units its ballot covers."""
    memberships = await verified_households(uow, vote.community_id, user_id)
    if not memberships:
        raise NotAllowed("votes.not_resident")
    if vote.rule.civil_code:
        memberships = [m for m in memberships if m.relation is Relation.OWNER]
        if not memberships:
            raise NotAllowed("votes.owners_only")
    if vote.building is not None:
        memberships = [m for m in memberships if m.building == vote.building]
        if not memberships:
            raise NotAllowed("votes.not_in_building", building=vote.building)
    if not vote.rule.civil_code:
        return {m.unit_code: (m.unit_code,) for m in memberships}
    # The hot path of a press: look up only this owner's units, not the whole register.
    keys: dict[str, tuple[str, ...]] = {}
    for membership in memberships:
        stored = await uow.units.get(vote.community_id, membership.unit_code)
        if stored is None or stored.retired:
            continue
        key = voter_key(vote.rule, stored.unit)
        if key not in keys:
            owned = await uow.units.of_owner(vote.community_id, stored.unit.owner_key)
            keys[key] = tuple(
                u.code for u in owned if vote.building is None or u.building == vote.building
            )
    if not keys:
        raise NotAllowed("votes.not_resident")
    return keys


async def cast_ballot(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    user_id: int,
    choice: Choice,
    now: datetime,
) -> CastResult:
    """Record the user's ballot for each household (or owner) they may vote for; the latest
    stands. Every cast and change is appended to the vote's hash chain."""
    vote = await _own_vote(uow, community, vote_id)
    if vote.status is VoteStatus.DRAFT:
        raise UserError("votes.not_started")
    if vote.status is VoteStatus.CLOSED or (vote.closes_at is not None and now >= vote.closes_at):
        raise UserError("votes.closed", number=vote.number)
    keys = await _voter_keys(uow, vote, user_id)
    current = await uow.votes.ballots_of(vote_id, list(keys))
    changed = False
    head = await uow.votes.chain_head(vote_id)
    for key in sorted(keys):
        previous = current.get(key)
        if previous is choice:
            continue
        kind = RecordKind.CAST if previous is None else RecordKind.CHANGE
        head = append(
            vote_id,
            head,
            kind,
            {"voter": key, "choice": choice.value, "by": str(user_id), "at": now.isoformat()},
        )
        await uow.votes.put_ballot(vote_id, key, choice, cast_by=user_id, now=now)
        await uow.votes.append_record(head)
        changed = True
    await uow.commit()
    covers = tuple(sorted({unit for units in keys.values() for unit in units}))
    return CastResult(vote, choice, covers, changed)


@dataclass(frozen=True, slots=True)
class BuildingParticipation:
    building: str
    voted: int
    eligible: int


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything a card or a result shows."""

    vote: Vote
    electorate: Electorate
    tally: Tally
    decision: Decision
    buildings: tuple[BuildingParticipation, ...]
    ballots: Mapping[str, Choice] = field(repr=False)


async def figures(uow: VotesUnitOfWork, vote: Vote) -> Figures:
    units = await uow.units.in_register(vote.community_id)
    ballots = await uow.votes.ballots(vote.id)
    inhabited = await uow.units.inhabited(vote.community_id, verified_only=True)
    if not vote.rule.civil_code:
        inhabited |= set(ballots)  # a household that voted and then left still counts
    electorate = electorate_for(vote.rule, units, building=vote.building, inhabited=inhabited)
    tally = count(electorate, ballots)
    per_building: dict[str, list[int]] = {}
    for voter in electorate.voters.values():
        for building in voter.buildings:
            entry = per_building.setdefault(building, [0, 0])
            entry[1] += 1
            entry[0] += voter.key in ballots
    buildings = tuple(
        BuildingParticipation(b, voted, eligible)
        for b, (voted, eligible) in sorted(
            per_building.items(), key=lambda item: natural_order(item[0])
        )
    )
    return Figures(vote, electorate, tally, decide(tally), buildings, ballots)


@dataclass(frozen=True, slots=True)
class CloseResult:
    figures: Figures
    chain_head: str
    topic: Topic | None


async def close_vote(
    uow: VotesUnitOfWork, *, vote_id: int, now: datetime, actor: Actor | None = None
) -> CloseResult:
    """Close at the deadline (actor None) or by hand (committee, admins)."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        raise NotFound("votes.not_found")
    if actor is not None and not actor.is_committee:
        raise NotAllowed("votes.close_not_allowed")
    if vote.status is not VoteStatus.OPEN:
        raise UserError("votes.not_open", number=vote.number)
    result = await figures(uow, vote)
    outcome = result.decision.outcome
    head = append(
        vote_id,
        await uow.votes.chain_head(vote_id),
        RecordKind.CLOSE,
        {
            "outcome": outcome.value,
            "for": str(result.tally.counts[Choice.FOR]),
            "against": str(result.tally.counts[Choice.AGAINST]),
            "abstain": str(result.tally.counts[Choice.ABSTAIN]),
            "at": now.isoformat(),
        },
    )
    await uow.votes.append_record(head)
    await uow.votes.close(vote_id, closed_at=now, outcome=outcome)
    topic = None
    if vote.topic_id is not None:
        await uow.topics.set_status(vote.topic_id, TopicStatus(outcome.value), now=now)
        topic = await uow.topics.get(vote.topic_id)
    closed = await uow.votes.get(vote_id)
    await uow.commit()
    assert closed is not None
    final = Figures(
        closed, result.electorate, result.tally, result.decision, result.buildings, result.ballots
    )
    return CloseResult(final, head.hash, topic)


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    first_broken: int | None
    ballots_match: bool
    head: str | None


async def verify_vote(uow: VotesUnitOfWork, *, community: Community, vote_id: int) -> Verification:
    """Recompute the chain; and check that the stored ballots are what the chain says."""
    await _own_vote(uow, community, vote_id)
    records: list[ChainRecord] = await uow.votes.records(vote_id)
    broken = first_broken(vote_id, records)
    stored = {k: c.value for k, c in (await uow.votes.ballots(vote_id)).items()}
    return Verification(
        len(records), broken, replay(records) == stored, records[-1].hash if records else None
    )


def may_remind(actor: Actor) -> bool:
    return actor.is_committee or actor.is_rep


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    user_id: int
    voter_key: str


async def reminder_targets(uow: VotesUnitOfWork, vote: Vote) -> list[ReminderTarget]:
    """The eligible residents of households (owners) that have not voted yet."""
    ballots = await uow.votes.ballots(vote.id)
    register = {u.code: u for u in await uow.units.in_register(vote.community_id)}
    targets: dict[int, ReminderTarget] = {}
    for membership in await uow.residents.verified(vote.community_id):
        unit = register.get(membership.unit_code)
        if unit is None or (vote.building is not None and unit.building != vote.building):
            continue
        if vote.rule.civil_code and membership.relation is not Relation.OWNER:
            continue
        key = voter_key(vote.rule, unit)
        if key not in ballots and membership.user_id not in targets:
            targets[membership.user_id] = ReminderTarget(membership.user_id, key)
    return list(targets.values())
