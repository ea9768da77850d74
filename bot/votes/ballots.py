"""Use cases of ballots: casting and changing one online, entering one from paper (书面表决 /
委托), and looking up one's own. A ballot belongs to a key of the vote's frozen electorate (a
household, or an owner with all their units in scope); the latest ballot of a key stands, and
each one is appended to the vote's hash chain with a receipt the voter can check later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Tell, person_lane, tell
from bot.residents.cases import owned_units, refuse_unverified, verified_households
from bot.roles.model import Actor, Role
from bot.units.model import normalize_unit_code
from bot.votes.cases import voter_users
from bot.votes.chain import RecordKind, append, receipt
from bot.votes.model import BallotSource, Vote, VoteStatus
from bot.votes.ports import VotesUnitOfWork
from bot.votes.records import ballot_data
from bot.votes.tally import DEVELOPER_VOTER, Choice, Voter


@dataclass(frozen=True, slots=True)
class ChangeNote:
    """A ballot that someone other than the last caster changed: its other voters are told."""

    voter_key: str
    units: tuple[str, ...]
    previous: Choice
    choice: Choice
    changed_by: int
    source: BallotSource
    recipients: frozenset[int]


@dataclass(frozen=True, slots=True)
class CastResult:
    vote: Vote
    choice: Choice
    covers: tuple[str, ...]
    changed: bool
    receipts: tuple[str, ...]  # one per voter key the ballot was cast for
    notes: tuple[ChangeNote, ...] = ()


def _check_open(vote: Vote, now: datetime) -> None:
    if vote.status in (VoteStatus.DRAFT, VoteStatus.ANNOUNCED):
        raise UserError("votes.not_started")
    if vote.status is VoteStatus.CLOSED or (vote.closes_at is not None and now >= vote.closes_at):
        raise UserError("votes.closed", number=vote.number)


async def own_open_vote(
    uow: VotesUnitOfWork, community: Community, vote_id: int, now: datetime
) -> Vote:
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    _check_open(vote, now)
    return vote


async def eligible_voters(uow: VotesUnitOfWork, vote: Vote, user_id: int) -> dict[str, Voter]:
    """The keys of the frozen electorate this user may cast for, each with its units: their
    verified households, or under the Civil Code every owner key whose units they are verified
    owner of (whichever unit they joined from), and the developer's for a developer agent."""
    households = await verified_households(uow, vote.community_id, user_id)
    if not vote.rule.civil_code:
        if not households:
            await refuse_unverified(uow, vote.community_id, user_id, "votes.not_resident")
        voters = await uow.votes.voters_by_key(vote.id, [m.unit_code for m in households])
    else:
        owned = await owned_units(uow, vote.community_id, user_id)
        grant = await uow.roles.get(vote.community_id, user_id)
        agent = grant is not None and grant.role is Role.DEVELOPER_AGENT
        if not owned and not agent:
            if households:
                raise NotAllowed("votes.owners_only")
            await refuse_unverified(uow, vote.community_id, user_id, "votes.not_resident")
        voters = await _owner_voters(uow, vote, owned)
        if agent:
            voters |= await uow.votes.voters_by_key(vote.id, [DEVELOPER_VOTER])
    if not voters:
        if vote.building is not None:
            raise NotAllowed("votes.not_in_building", building=vote.building)
        raise NotAllowed("votes.not_in_electorate", number=vote.number)
    return voters


async def _owner_voters(
    uow: VotesUnitOfWork, vote: Vote, owned: frozenset[str]
) -> dict[str, Voter]:
    """The frozen owner keys that hold one of these units (counted, or outside a building
    vote's scope). Never the developer's: that is its agents' ballot."""
    voters = await uow.votes.voters_for_units(vote.id, owned) if owned else {}
    voters.pop(DEVELOPER_VOTER, None)
    return voters


async def _record(
    uow: VotesUnitOfWork,
    vote: Vote,
    voters: dict[str, Voter],
    choice: Choice,
    *,
    by: int,
    source: BallotSource,
    now: datetime,
) -> tuple[bool, tuple[str, ...], list[tuple[Voter, Choice]]]:
    """Store the ballot of each key and append its records. Returns whether anything changed,
    the receipts, and the keys whose standing ballot someone else had cast."""
    current = await uow.votes.ballots_of(vote.id, list(voters))
    head = await uow.votes.chain_head(vote.id)
    changed = False
    receipts: list[str] = []
    taken_over: list[tuple[Voter, Choice]] = []
    for key in sorted(voters):
        previous = current.get(key)
        if previous is not None and previous.choice is choice and previous.source is source:
            continue
        kind = RecordKind.CAST if previous is None else RecordKind.CHANGE
        head = append(vote.id, head, kind, ballot_data(key, choice, source=source, by=by, at=now))
        ticket = receipt(head.hash)
        await uow.votes.put_ballot(
            vote.id, key, choice, cast_by=by, now=now, source=source, receipt=ticket
        )
        await uow.votes.append_record(head)
        receipts.append(ticket)
        changed = True
        if previous is not None and (previous.cast_by != by or source is BallotSource.PAPER):
            taken_over.append((voters[key], previous.choice))
    return changed, tuple(receipts), taken_over


async def _notes(
    uow: VotesUnitOfWork,
    vote: Vote,
    taken_over: list[tuple[Voter, Choice]],
    choice: Choice,
    *,
    by: int,
    source: BallotSource,
) -> tuple[ChangeNote, ...]:
    if not taken_over:
        return ()
    users = await voter_users(uow, vote, {voter.key: voter for voter, _ in taken_over})
    return tuple(
        ChangeNote(
            voter.key, voter.units, previous, choice, by, source, frozenset(users[voter.key] - {by})
        )
        for voter, previous in taken_over
    )


async def tell_change(
    uow: VotesUnitOfWork, vote: Vote, note: ChangeNote, changer: str, now: datetime
) -> None:
    """Each of the key's other voters is told privately, with the facts of this change."""
    params = {
        "units": ",".join(note.units),
        "previous": note.previous.value,
        "choice": note.choice.value,
        "source": note.source.value,
        "name": changer,
    }
    for user_id in sorted(note.recipients):
        intent = Intent(Tell.VOTE_CHANGE_NOTE, vote.id, person_lane(user_id), params)
        await tell(uow, intent, now=now)


async def cast_ballot(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    user_id: int,
    choice: Choice,
    now: datetime,
    pressed_on: tuple[int, int] | None = None,
    user_name: str = "",
) -> CastResult:
    """Record the user's ballot for each key they may vote for; the latest stands.
    `pressed_on`: the (chat, message) the button was pressed on, which must be the vote's card
    (a payload is forgeable); checked here so that a press reads the vote once. The other
    voters of a ballot someone else changed are told (by `user_name`) through the outbox."""
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    if pressed_on is not None and (vote.card is None or tuple(vote.card) != pressed_on):
        raise UserError("common.stale_button")
    _check_open(vote, now)
    voters = await eligible_voters(uow, vote, user_id)
    changed, receipts, taken_over = await _record(
        uow, vote, voters, choice, by=user_id, source=BallotSource.ONLINE, now=now
    )
    notes = await _notes(uow, vote, taken_over, choice, by=user_id, source=BallotSource.ONLINE)
    for note in notes:
        await tell_change(uow, vote, note, user_name, now)
    await uow.commit()
    covers = tuple(sorted({unit for voter in voters.values() for unit in voter.units}))
    if not receipts:  # pressed the same choice again: show the standing receipts
        receipts = tuple(r.receipt for r in await _rows_of(uow, vote, voters))
    return CastResult(vote, choice, covers, changed, receipts, notes)


async def _rows_of(uow: VotesUnitOfWork, vote: Vote, voters: dict[str, Voter]) -> list[MyBallot]:
    rows = await uow.votes.ballots_of(vote.id, list(voters))
    return [
        MyBallot(key, voters[key].units, rows[key].choice, rows[key].source, rows[key].receipt)
        for key in sorted(voters)
        if key in rows
    ]


@dataclass(frozen=True, slots=True)
class PaperResult:
    vote: Vote
    voter_key: str
    units: tuple[str, ...]
    choice: Choice
    receipt: str
    previous: Choice | None
    recipients: frozenset[int]  # the key's voters, told that a paper ballot now stands


async def enter_paper_ballot(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    vote_id: int,
    unit_code: str,
    choice: Choice,
    now: datetime,
    actor_name: str = "",
) -> PaperResult:
    """A committee member or admin enters a paper (or proxy) ballot for the key of one unit;
    the key's voters hear (by `actor_name`) that a paper ballot now stands for them."""
    if not actor.is_committee:
        raise NotAllowed("votes.paper_not_committee")
    vote = await own_open_vote(uow, community, vote_id, now)
    unit = normalize_unit_code(unit_code)
    voters = await uow.votes.voters_for_units(vote.id, [unit])
    if not voters:
        raise UserError("votes.paper_not_in_scope", unit=unit, number=vote.number)
    key = next(iter(voters))
    before = await uow.votes.ballots_of(vote.id, [key])
    _, receipts, _ = await _record(
        uow, vote, voters, choice, by=actor.user_id, source=BallotSource.PAPER, now=now
    )
    users = await voter_users(uow, vote, voters)
    previous = before[key].choice if key in before else None
    ticket = receipts[0] if receipts else next(iter(await _rows_of(uow, vote, voters))).receipt
    recipients = frozenset(users[key] - {actor.user_id})
    params = {
        "units": ",".join(voters[key].units),
        "choice": choice.value,
        "receipt": ticket,
        "name": actor_name,
    }
    for user_id in sorted(recipients):
        intent = Intent(Tell.VOTE_PAPER_NOTE, vote.id, person_lane(user_id), params)
        await tell(uow, intent, now=now)
    await uow.commit()
    return PaperResult(vote, key, voters[key].units, choice, ticket, previous, recipients)


@dataclass(frozen=True, slots=True)
class MyBallot:
    voter_key: str
    units: tuple[str, ...]
    choice: Choice
    source: BallotSource
    receipt: str


async def my_ballots(
    uow: VotesUnitOfWork, *, community: Community, vote_id: int, user_id: int
) -> tuple[Vote, list[MyBallot]]:
    """The standing ballots of the keys this user may cast for, and of those they cast
    themselves, with their receipts."""
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    if vote.status in (VoteStatus.DRAFT, VoteStatus.ANNOUNCED):
        raise UserError("votes.not_started")
    cast = await uow.votes.ballots_cast_by(vote.id, user_id)
    try:
        voters = await eligible_voters(uow, vote, user_id)
    except UserError:
        # no longer eligible (say, the register re-keyed the unit): their own ballots still show
        if not cast:
            raise
        voters = {}
    if set(cast) - set(voters):
        voters |= await uow.votes.voters_by_key(vote.id, set(cast) - set(voters))
    return vote, await _rows_of(uow, vote, voters)
