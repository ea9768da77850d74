"""Use cases of ballots: casting and changing one online, entering one from paper (书面表决 /
委托), and looking up one's own. A ballot belongs to a key of the vote's frozen electorate (a
household, or an owner with all their units in scope); the latest ballot of a key stands, and
each one is appended to the vote's hash chain with a receipt the voter can check later."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Tell, person_lane, tell
from bot.points.cases import earn_each
from bot.points.model import Act
from bot.residents.model import MembershipStatus, OwnershipStatus
from bot.roles.model import Actor, Role
from bot.units.model import normalize_unit_code
from bot.votes.cases import voter_users
from bot.votes.chain import ChainRecord, RecordKind, append, receipt
from bot.votes.model import BallotSource, StoredBallot, Vote, VoteStatus
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
    previous: tuple[Choice, ...] = ()  # the other choices this ballot replaced, in order


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


@dataclass(frozen=True, slots=True)
class Standing:
    """What one user is in the vote's community, read for many users at once: their verified
    households, a join request still waiting, the units they are verified owner of, and
    whether they are the developer's agent."""

    households: tuple[str, ...]
    pending: str | None
    owned: frozenset[str]
    agent: bool


async def standings(
    uow: VotesUnitOfWork, vote: Vote, user_ids: Collection[int]
) -> dict[int, Standing]:
    """The standing of each user, in two or three queries whatever their number."""
    households: dict[int, list[str]] = {user: [] for user in user_ids}
    pending: dict[int, str] = {}
    for membership in await uow.residents.live_of_users(list(user_ids)):
        if membership.community_id != vote.community_id:
            continue
        if membership.status is MembershipStatus.VERIFIED:
            households[membership.user_id].append(membership.unit_code)
        elif membership.status is MembershipStatus.PENDING:
            pending.setdefault(membership.user_id, membership.unit_code)
    owned: dict[int, set[str]] = {user: set() for user in user_ids}
    agents: set[int] = set()
    if vote.rule.civil_code:
        for ownership in await uow.ownerships.live_of_users(list(user_ids)):
            if (
                ownership.community_id == vote.community_id
                and ownership.status is OwnershipStatus.VERIFIED
                and not ownership.is_developer_unit
            ):
                owned[ownership.user_id].add(ownership.unit_code)
        grants = await uow.roles.of_users(vote.community_id, list(user_ids))
        agents = {g.user_id for g in grants if g.role is Role.DEVELOPER_AGENT}
    return {
        user: Standing(
            tuple(households[user]), pending.get(user), frozenset(owned[user]), user in agents
        )
        for user in user_ids
    }


async def candidate_voters(
    uow: VotesUnitOfWork, vote: Vote, standing: Collection[Standing]
) -> dict[str, Voter]:
    """The frozen voters any of these users may cast for, in one or two queries."""
    if not vote.rule.civil_code:
        keys = {unit for s in standing for unit in s.households}
        return await uow.votes.voters_by_key(vote.id, keys) if keys else {}
    owned = {unit for s in standing for unit in s.owned}
    voters = await uow.votes.voters_for_units(vote.id, owned) if owned else {}
    voters.pop(DEVELOPER_VOTER, None)  # never through a unit: that is its agents' ballot
    if any(s.agent for s in standing):
        voters |= await uow.votes.voters_by_key(vote.id, [DEVELOPER_VOTER])
    return voters


def voters_of(vote: Vote, standing: Standing, candidates: Mapping[str, Voter]) -> dict[str, Voter]:
    """The keys of the frozen electorate this user may cast for, each with its units: their
    verified households, or under the Civil Code every owner key whose units (counted or
    linked) they are verified owner of, whichever unit they joined from, and the developer's
    for a developer agent. A refusal says why there are none."""
    if not vote.rule.civil_code:
        if not standing.households:
            _refuse_unverified(standing, "votes.not_resident")
        voters = {k: candidates[k] for k in standing.households if k in candidates}
    else:
        if not standing.owned and not standing.agent:
            if standing.households:
                raise NotAllowed("votes.owners_only")
            _refuse_unverified(standing, "votes.not_resident")
        voters = {
            key: voter
            for key, voter in candidates.items()
            if key != DEVELOPER_VOTER and standing.owned & {*voter.units, *voter.linked}
        }
        if standing.agent and DEVELOPER_VOTER in candidates:
            voters[DEVELOPER_VOTER] = candidates[DEVELOPER_VOTER]
    if not voters:
        if vote.building is not None:
            raise NotAllowed("votes.not_in_building", building=vote.building)
        raise NotAllowed("votes.not_in_electorate", number=vote.number)
    return voters


def _refuse_unverified(standing: Standing, refusal: str) -> NoReturn:
    """As `residents.cases.refuse_unverified`, from a standing already read."""
    if standing.pending is not None:
        raise UserError("join.still_pending", unit=standing.pending)
    raise NotAllowed(refusal)


async def eligible_voters(uow: VotesUnitOfWork, vote: Vote, user_id: int) -> dict[str, Voter]:
    """The keys one user may cast for (see `voters_of`)."""
    standing = (await standings(uow, vote, [user_id]))[user_id]
    return voters_of(vote, standing, await candidate_voters(uow, vote, [standing]))


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
    chain = _Chain(
        await uow.votes.ballots_of(vote.id, list(voters)), await uow.votes.chain_head(vote.id)
    )
    recorded = chain.record(vote, voters, choice, by=by, source=source, now=now)
    await chain.write(uow, vote, now)
    return recorded


async def _earn_ballots(
    uow: VotesUnitOfWork, vote: Vote, voters: Collection[Voter], now: datetime
) -> None:
    """A ballot pays its household once per vote, online or on paper; a changed ballot pays
    nothing more (the ledger ignores a second row). The household of an owner's ballot that
    covers several units is its first unit (one owner, one ballot); the developer's unsold
    units earn nothing."""
    earnings = [(v.units[0], vote.id) for v in voters if v.units and v.key != DEVELOPER_VOTER]
    await earn_each(uow, community_id=vote.community_id, act=Act.BALLOT, earnings=earnings, now=now)


class _Chain:
    """The standing ballots of the keys at hand and the chain's head, kept up to date while
    ballots are recorded one after another, then written at once (one read and two writes for
    a whole batch of presses)."""

    def __init__(self, current: dict[str, StoredBallot], head: ChainRecord | None) -> None:
        self.current = current
        self.head = head
        self._ballots: dict[str, StoredBallot] = {}
        self._records: list[ChainRecord] = []
        self.cast: dict[str, Voter] = {}  # every key a ballot was written for (points)
        self.replaced: list[Choice] = []  # the choices the last `record` replaced

    async def write(self, uow: VotesUnitOfWork, vote: Vote, now: datetime) -> None:
        if self._records:
            await uow.votes.put_ballots(vote.id, list(self._ballots.items()), now=now)
            await uow.votes.append_records(self._records)
        self._ballots, self._records = {}, []

    def record(
        self,
        vote: Vote,
        voters: dict[str, Voter],
        choice: Choice,
        *,
        by: int,
        source: BallotSource,
        now: datetime,
    ) -> tuple[bool, tuple[str, ...], list[tuple[Voter, Choice]]]:
        """Record `choice` for each key; what the chain replaced is kept in `replaced`."""
        self.replaced = []
        changed = False
        receipts: list[str] = []
        taken_over: list[tuple[Voter, Choice]] = []
        for key in sorted(voters):
            previous = self.current.get(key)
            if previous is not None and previous.choice is choice and previous.source is source:
                continue
            if (
                previous is not None
                and previous.choice is not choice
                and previous.choice not in self.replaced
            ):
                self.replaced.append(previous.choice)
            kind = RecordKind.CAST if previous is None else RecordKind.CHANGE
            data = ballot_data(key, choice, source=source, by=by, at=now)
            self.head = append(vote.id, self.head, kind, data)
            ticket = receipt(self.head.hash)
            self.current[key] = self._ballots[key] = StoredBallot(choice, by, source, ticket)
            self.cast[key] = voters[key]
            self._records.append(self.head)
            receipts.append(ticket)
            changed = True
            if previous is not None and (previous.cast_by != by or source is BallotSource.PAPER):
                taken_over.append((voters[key], previous.choice))
        return changed, tuple(receipts), taken_over


@dataclass(frozen=True, slots=True)
class BallotPress:
    """One press of For / Against / Abstain; `pressed_on` and `user_name` as in
    `cast_ballot`."""

    user_id: int
    choice: Choice
    pressed_on: tuple[int, int] | None = None
    user_name: str = ""


def _pressed_where_allowed(press: BallotPress, vote: Vote) -> bool:
    """A ballot button has two legitimate places: the vote's card in the group, and a message
    in the presser's own private chat (the open-votes list, a reminder; a private chat's id is
    the user's id, so no one presses on another's). Anywhere else it is a forged payload."""
    where = press.pressed_on
    return where is None or where == vote.card or where[0] == press.user_id


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
    or the presser's own private chat (a payload is forgeable); checked here so that a press
    reads the vote once. The other voters of a ballot someone else changed are told (by
    `user_name`) through the outbox."""
    press = BallotPress(user_id, choice, pressed_on, user_name)
    (cast,) = await cast_ballots(
        uow, community=community, vote_id=vote_id, presses=[press], now=now
    )
    if isinstance(cast, UserError):
        raise cast
    return cast


async def cast_ballots(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    presses: Sequence[BallotPress],
    now: datetime,
) -> list[CastResult | UserError]:
    """Many presses on one vote, in one transaction and one commit: each recorded as if it
    were cast alone, in the order given (the latest of a household stands); a refused press
    gets its refusal and leaves the others alone. What the presses have in common (the vote,
    the chain's head, the users' households and the frozen voters) is read once for all, so
    a building pressing at once costs a few queries, not a dozen per press."""
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        return [NotFound("votes.not_found") for _ in presses]
    closed: UserError | None = None
    try:
        _check_open(vote, now)
    except UserError as refusal:
        closed = refusal
    on_card = [_pressed_where_allowed(p, vote) for p in presses]
    standing: dict[int, Standing] = {}
    candidates: dict[str, Voter] = {}
    if closed is None and any(on_card):
        standing = await standings(uow, vote, {press.user_id for press in presses})
        candidates = await candidate_voters(uow, vote, standing.values())
    chosen: list[dict[str, Voter] | UserError] = []
    for press, pressed_on_card in zip(presses, on_card, strict=True):
        try:
            if not pressed_on_card:  # a payload forged onto another message
                raise UserError("common.stale_button")
            if closed is not None:
                raise closed
            chosen.append(voters_of(vote, standing[press.user_id], candidates))
        except UserError as refusal:
            chosen.append(refusal)
    keys = {key for voters in chosen if not isinstance(voters, UserError) for key in voters}
    chain = _Chain(await uow.votes.ballots_of(vote.id, keys), await uow.votes.chain_head(vote.id))
    recorded: list[tuple[bool, tuple[str, ...], list[tuple[Voter, Choice]]] | None] = []
    replaced: list[tuple[Choice, ...]] = []
    for press, voters in zip(presses, chosen, strict=True):
        if isinstance(voters, UserError):
            recorded.append(None)
            replaced.append(())
            continue
        recorded.append(
            chain.record(
                vote,
                voters,
                press.choice,
                by=press.user_id,
                source=BallotSource.ONLINE,
                now=now,
            )
        )
        replaced.append(tuple(chain.replaced))
    await chain.write(uow, vote, now)
    await _earn_ballots(uow, vote, list(chain.cast.values()), now)
    taken = {voter.key: voter for r in recorded if r for voter, _ in r[2]}
    users = await voter_users(uow, vote, taken) if taken else {}
    results: list[CastResult | UserError] = []
    for press, voters, outcome, before in zip(presses, chosen, recorded, replaced, strict=True):
        if isinstance(voters, UserError) or outcome is None:
            results.append(
                voters if isinstance(voters, UserError) else UserError("common.stale_button")
            )
            continue
        changed, receipts, taken_over = outcome
        if not receipts:  # pressed the same choice again: show the standing receipts
            receipts = tuple(
                chain.current[key].receipt for key in sorted(voters) if key in chain.current
            )
        covers = tuple(sorted({unit for voter in voters.values() for unit in voter.units}))
        notes = tuple(
            ChangeNote(
                voter.key,
                voter.units,
                previous,
                press.choice,
                press.user_id,
                BallotSource.ONLINE,
                frozenset(users[voter.key] - {press.user_id}),
            )
            for voter, previous in taken_over
        )
        for note in notes:
            await tell_change(uow, vote, note, press.user_name, now)
        results.append(CastResult(vote, press.choice, covers, changed, receipts, notes, before))
    await uow.commit()
    return results


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
    await _earn_ballots(uow, vote, list(voters.values()), now)
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


@dataclass(frozen=True, slots=True)
class HouseholdBallot:
    """One key a user may cast for in an open vote, and its standing choice (None: not yet)."""

    units: tuple[str, ...]
    choice: Choice | None


@dataclass(frozen=True, slots=True)
class OpenBallot:
    """An open vote a user may vote in, with the standing ballot of each key they cast for."""

    vote: Vote
    community: Community
    households: tuple[HouseholdBallot, ...]


async def open_ballots(
    uow: VotesUnitOfWork, *, user_id: int, now: datetime, community_id: int | None = None
) -> list[OpenBallot]:
    """The open votes this user may vote in (as `cast_ballots` decides: their verified
    households, or the units they own under the Civil Code), oldest first, in every community
    they live in or only in `community_id`. Votes they may not vote in are left out."""
    memberships = await uow.residents.live_of_users([user_id])
    ownerships = await uow.ownerships.live_of_users([user_id])
    mine = {m.community_id for m in memberships} | {o.community_id for o in ownerships}
    if community_id is not None:
        mine &= {community_id}
    listed: list[OpenBallot] = []
    for vote in sorted(await uow.votes.open_votes(), key=lambda v: (v.community_id, v.number)):
        if vote.community_id not in mine or (vote.closes_at is not None and now >= vote.closes_at):
            continue
        community = await uow.communities.get(vote.community_id)
        if community is None:
            continue
        try:
            voters = await eligible_voters(uow, vote, user_id)
        except UserError:
            continue
        standing = await uow.votes.ballots_of(vote.id, list(voters))
        households = tuple(
            HouseholdBallot(voters[key].units, standing[key].choice if key in standing else None)
            for key in sorted(voters)
        )
        listed.append(OpenBallot(vote, community, households))
    return listed
