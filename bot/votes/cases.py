"""Use cases of votes: starting a vote (on a topic in discussion or a free question), casting and
changing ballots (one per household, or per owner under the Civil Code), closing at the
deadline or by hand, and the figures behind the result."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Param, Tell, group_lane, person_lane, reminder_lane, tell
from bot.residents.cases import owned_units, refuse_unverified, unit_owners, verified_households
from bot.roles.model import Actor, Role
from bot.topics.cases import move_topic, topic_by_number
from bot.topics.model import Topic, TopicStatus
from bot.units.model import natural_order
from bot.votes.chain import RecordKind, append
from bot.votes.model import Objection, Vote, VoteStatus
from bot.votes.options import (
    DEFAULT_DURATION,
    MAX_DURATION,
    MAX_QUESTION,
    MIN_DURATION,
    VoteRequest,
)
from bot.votes.ports import VotesUnitOfWork
from bot.votes.records import Finding, Problem, StoredState, audit, close_data, open_data
from bot.votes.tally import (
    DEVELOPER_VOTER,
    Choice,
    Decision,
    Electorate,
    Rule,
    Tally,
    Voter,
    count,
    decide,
    electorate_for,
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
        vote = await _start(uow, community, vote, now)
    await uow.commit()
    return vote


def _card(vote: Vote) -> Intent:
    """Draw the vote's card from its state: posted if it has none (or only its draft's
    message, `replaces`, which stays as it is), else redrawn."""
    draft = vote.card[1] if vote.status is VoteStatus.DRAFT and vote.card else None
    params = {"replaces": draft} if draft is not None else {}
    return Intent(Tell.VOTE_CARD, vote.id, group_lane(vote.community_id), params)


async def _start(uow: VotesUnitOfWork, community: Community, vote: Vote, now: datetime) -> Vote:
    """Open the vote, or under the Civil Code announce it first: the owners are told the
    question, rule and opening date a notice period ahead, and it opens by itself then. Either
    way its card (the live card, or the announcement) goes to the group through the outbox."""
    await tell(uow, _card(vote), now=now)
    if vote.topic_id is not None:
        topic = await uow.topics.get(vote.topic_id)
        if topic is None or topic.status is not TopicStatus.DISCUSSION:
            raise UserError("votes.topic_not_in_discussion", number=topic.number if topic else "?")
        await move_topic(uow, vote.topic_id, TopicStatus.VOTING, now=now)
    if vote.rule.civil_code and community.notice_period > timedelta(0):
        await uow.votes.announce(vote.id, announced_at=now, opens_at=now + community.notice_period)
        announced = await uow.votes.get(vote.id)
        assert announced is not None
        return announced
    return await _open(uow, vote, now)


async def open_announced(uow: VotesUnitOfWork, *, vote_id: int, now: datetime) -> Vote:
    """An announced vote opens on its date (at start-up, if the bot was down then); its
    electorate is frozen now, when it opens, and it runs its full duration from now."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        raise NotFound("votes.not_found")
    if vote.status is not VoteStatus.ANNOUNCED or vote.opens_at is None or now < vote.opens_at:
        raise UserError("votes.not_announced", number=vote.number)
    opened = await _open(uow, vote, now)
    lane = group_lane(vote.community_id)
    await tell(uow, _card(vote), Intent(Tell.VOTE_STARTED, vote.id, lane), now=now)
    await uow.commit()
    return opened


async def _open(uow: VotesUnitOfWork, vote: Vote, now: datetime) -> Vote:
    await uow.votes.open(vote.id, opened_at=now, closes_at=now + vote.duration)
    electorate = await _electorate_now(uow, vote)
    await uow.votes.freeze(vote.id, electorate)
    opened = await uow.votes.get(vote.id)
    assert opened is not None
    opening = append(vote.id, None, RecordKind.OPEN, open_data(opened, electorate))
    await uow.votes.append_record(opening)
    return opened


async def _electorate_now(uow: VotesUnitOfWork, vote: Vote) -> Electorate:
    """Who may take part, from the register and the verified households as they are now: what
    a vote freezes when it opens (and what a vote opened before freezing still counts from)."""
    units = await uow.units.in_register(vote.community_id)
    inhabited = await uow.units.inhabited(vote.community_id, verified_only=True)
    return electorate_for(vote.rule, units, building=vote.building, inhabited=inhabited)


async def _own_vote(uow: VotesUnitOfWork, community: Community, vote_id: int) -> Vote:
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.community_id != community.id:
        raise NotFound("votes.not_found")
    return vote


async def vote_by_number(uow: VotesUnitOfWork, community: Community, number: int) -> Vote:
    vote = await uow.votes.by_number(community.id, number)
    if vote is None:
        raise NotFound("votes.no_such_number", number=number)
    if vote.status is VoteStatus.DELETED:
        raise NotFound("votes.number_deleted", number=number)
    return vote


@dataclass(frozen=True, slots=True)
class DraftEdit:
    """What one press of the draft's buttons changes; None (False) leaves it as it is."""

    rule: Rule | None = None
    duration: timedelta | None = None
    building: str | None = None  # one building of the register
    whole_community: bool = False  # the building dropped: every household (or owner)
    toggle_secret: bool = False
    question: str | None = None
    delete: bool = False
    start: bool = False


async def own_draft(uow: VotesUnitOfWork, community: Community, vote_id: int, actor: Actor) -> Vote:
    """Only the committee member who started a draft may change it, while still on the
    committee, and only while it is a draft (a deleted one answers so)."""
    vote = await _own_vote(uow, community, vote_id)
    if vote.status is VoteStatus.DELETED:
        raise UserError("votes.draft_deleted")
    if vote.created_by != actor.user_id:
        raise NotAllowed("votes.draft_not_yours")
    if not actor.is_committee:
        raise NotAllowed("votes.not_committee")
    if vote.status is not VoteStatus.DRAFT:
        raise UserError("votes.already_started", number=vote.number)
    return vote


def clean_question(text: str) -> str:
    """A question typed for a draft: its words joined by single spaces, 1 to MAX_QUESTION."""
    clean = " ".join(text.split())
    if not clean:
        raise UserError("votes.question_empty")
    if len(clean) > MAX_QUESTION:
        raise UserError("votes.question_too_long", max=MAX_QUESTION)
    return clean


async def edit_draft(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    actor: Actor,
    edit: DraftEdit,
    now: datetime,
) -> Vote:
    """The draft's buttons: rule, duration (within the bounds `/vote` has), building (one of
    the register's, or all), secret, the question, delete, start."""
    vote = await own_draft(uow, community, vote_id, actor)
    if edit.duration is not None and not MIN_DURATION <= edit.duration <= MAX_DURATION:
        raise UserError("votes.duration_out_of_bounds")
    if edit.delete:
        await uow.votes.delete_draft(vote_id, now=now)
        deleted = await uow.votes.get(vote_id)
        assert deleted is not None
        await uow.commit()
        return deleted
    building = None if edit.whole_community else (edit.building or vote.building)
    rule = edit.rule or vote.rule
    changed = (
        edit.rule is not None
        or edit.duration is not None
        or building != vote.building
        or edit.toggle_secret
        or edit.question is not None
    )
    if changed:
        await _check_options(uow, community.id, rule, building)
        await uow.votes.update_draft(
            vote_id,
            rule=rule,
            duration=edit.duration or vote.duration,
            building=building,
            secret=vote.secret != edit.toggle_secret,
            question=clean_question(edit.question) if edit.question is not None else None,
        )
    updated = await uow.votes.get(vote_id)
    assert updated is not None
    if edit.start:
        updated = await _start(uow, community, updated, now)
    await uow.commit()
    return updated


async def ask_question(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    actor: Actor,
    chat_id: int,
    now: datetime,
) -> Vote:
    """ "Edit question": the author's next message in this chat replaces the question. Stored,
    so a restart between the press and the message keeps it."""
    vote = await own_draft(uow, community, vote_id, actor)
    await uow.votes.ask_question(vote_id, actor.user_id, chat_id, now=now)
    await uow.commit()
    return vote


async def drop_question_prompt(uow: VotesUnitOfWork, *, user_id: int, chat_id: int) -> None:
    """The draft waited for a question that can no longer be set (started, deleted)."""
    await uow.votes.drop_question_prompt(user_id, chat_id)
    await uow.commit()


async def answer_question(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    vote_id: int,
    actor: Actor,
    chat_id: int,
    text: str,
) -> Vote:
    """The awaited message: the draft's new question (refused empty or too long, and the
    prompt kept for another try)."""
    vote = await own_draft(uow, community, vote_id, actor)
    await uow.votes.update_draft(
        vote_id,
        rule=vote.rule,
        duration=vote.duration,
        building=vote.building,
        secret=vote.secret,
        question=clean_question(text),
    )
    await uow.votes.drop_question_prompt(actor.user_id, chat_id)
    updated = await uow.votes.get(vote_id)
    assert updated is not None
    await uow.commit()
    return updated


PICKER_SIZE = 8
RECENT = timedelta(days=90)


async def votes_to_pick(
    uow: VotesUnitOfWork, community_id: int, *, closed_too: bool, now: datetime
) -> list[Vote]:
    """What a command without a number offers: the open votes (to close or remind), or the
    open ones and those closed in the last 90 days (result, export, verify); newest first."""
    if closed_too:
        return await uow.votes.recent(community_id, since=now - RECENT, limit=PICKER_SIZE)
    return list(reversed(await open_votes_of(uow, community_id)))[:PICKER_SIZE]


async def attach_vote_card(
    uow: VotesUnitOfWork, vote_id: int, chat_id: int, message_id: int
) -> None:
    await uow.votes.set_card(vote_id, chat_id, message_id)
    await uow.commit()


async def open_votes_of(uow: VotesUnitOfWork, community_id: int) -> list[Vote]:
    """The community's open votes, in number order: each keeps the electorate it opened with."""
    votes = [v for v in await uow.votes.open_votes() if v.community_id == community_id]
    return sorted(votes, key=lambda v: v.number)


async def live_vote_cards(uow: VotesUnitOfWork) -> list[int]:
    """The votes whose cards are live (open votes' tallies, announced votes' announcements), in
    every community: the cards start-up redraws, in case a redraw was cut short by a stop."""
    live = [*await uow.votes.open_votes(), *await uow.votes.announced_votes()]
    return [vote.id for vote in live if vote.card is not None]


async def freeze_late(uow: VotesUnitOfWork) -> list[int]:
    """Freeze the electorate of every vote that was opened before electorates were frozen (once,
    at the first start-up after the upgrade), from what it counted until then."""
    frozen: list[int] = []
    for vote in await uow.votes.open_votes():
        if vote.electorate_frozen:
            continue
        electorate = await electorate_of(uow, vote)
        await uow.votes.freeze(vote.id, electorate)
        head = await uow.votes.chain_head(vote.id)
        data = open_data(vote, electorate, late=True)
        await uow.votes.append_record(append(vote.id, head, RecordKind.OPEN, data))
        frozen.append(vote.id)
    await uow.commit()
    return frozen


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
    paper: int = 0  # how many of the ballots were entered from paper


async def electorate_of(uow: VotesUnitOfWork, vote: Vote) -> Electorate:
    """The frozen electorate (for a vote opened before freezing: the register as it is now,
    with the households that voted and have since left)."""
    if vote.electorate_frozen:
        return await uow.votes.electorate(vote.id, vote.rule)
    electorate = await _electorate_now(uow, vote)
    if vote.rule.civil_code:
        return electorate
    ballots = await uow.votes.ballots(vote.id)
    units = await uow.units.in_register(vote.community_id)
    inhabited = {v.key for v in electorate.voters.values()} | set(ballots)
    return electorate_for(vote.rule, units, building=vote.building, inhabited=inhabited)


async def figures(uow: VotesUnitOfWork, vote: Vote) -> Figures:
    electorate = await electorate_of(uow, vote)
    ballots = await uow.votes.ballots(vote.id)
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
    paper = await uow.votes.paper_count(vote.id)
    return Figures(vote, electorate, tally, decide(tally), buildings, ballots, paper)


@dataclass(frozen=True, slots=True)
class CloseResult:
    figures: Figures
    chain_head: str
    topic: Topic | None


async def close_vote(
    uow: VotesUnitOfWork, *, vote_id: int, now: datetime, actor: Actor | None = None
) -> CloseResult:
    """Close at the deadline (actor None) or by hand (committee, admins). The close record
    holds the published figures; nothing may follow it. Published (公示) through the outbox:
    the card redrawn without buttons, the result posted and pinned, the ledger beside it."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        raise NotFound("votes.not_found")
    if actor is not None and not actor.is_committee:
        raise NotAllowed("votes.close_not_allowed")
    if vote.status is not VoteStatus.OPEN:
        raise UserError("votes.not_open", number=vote.number)
    community = await uow.communities.get(vote.community_id)
    assert community is not None
    result = await figures(uow, vote)
    outcome = result.decision.outcome
    await uow.votes.close(
        vote_id,
        closed_at=now,
        outcome=outcome,
        publication_ends_at=now + community.publication_period,
    )
    closed = await uow.votes.get(vote_id)
    assert closed is not None and closed.closed_at is not None
    head = append(
        vote_id,
        await uow.votes.chain_head(vote_id),
        RecordKind.CLOSE,
        # as stored, to the second
        close_data(result.tally, outcome, closed.closed_at, closed.publication_ends_at),
    )
    await uow.votes.append_record(head)
    topic = None
    if vote.topic_id is not None:
        topic = await move_topic(uow, vote.topic_id, TopicStatus(outcome.value), now=now)
    lane = group_lane(vote.community_id)
    await tell(
        uow,
        _card(vote),
        Intent(Tell.VOTE_RESULT, vote_id, lane),
        Intent(Tell.VOTE_LEDGER, vote_id, lane),
        now=now,
    )
    await uow.commit()
    final = Figures(
        closed,
        result.electorate,
        result.tally,
        result.decision,
        result.buildings,
        result.ballots,
        result.paper,
    )
    return CloseResult(final, head.hash, topic)


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    findings: tuple[Finding, ...]
    head: str | None
    covers_vote: bool  # False: opened before electorates were frozen, the chain covers ballots

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> int | None:
        return next((int(f.detail) for f in self.findings if f.problem is Problem.BROKEN), None)

    @property
    def ballots_match(self) -> bool:
        return all(f.problem is not Problem.BALLOTS_MISMATCH for f in self.findings)


async def verify_vote(uow: VotesUnitOfWork, *, community: Community, vote_id: int) -> Verification:
    """Recompute the chain from the stored rows and say exactly what differs: the vote itself,
    its frozen electorate, the ballots, and the published figures and outcome."""
    vote = await _own_vote(uow, community, vote_id)
    records = await uow.votes.records(vote_id)
    electorate = await electorate_of(uow, vote)
    rows = await uow.votes.ballot_rows(vote_id)
    ballots = {row.voter_key: (row.choice, row.source) for row in rows}
    recount = None
    if vote.status is VoteStatus.CLOSED:
        recount = count(electorate, {k: c for k, (c, _) in ballots.items()})
    findings = audit(records, StoredState(vote, electorate, ballots, recount))
    return Verification(
        len(records),
        tuple(findings),
        records[-1].hash if records else None,
        vote.electorate_frozen,
    )


def may_remind(actor: Actor) -> bool:
    return actor.is_committee or actor.is_rep


REMIND_EVERY = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    user_id: int
    voter_key: str
    units: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reminders:
    targets: tuple[ReminderTarget, ...]
    nobody: tuple[tuple[str, ...], ...]  # the units of missing ballots no verified user can cast


async def voter_users(
    uow: VotesUnitOfWork, vote: Vote, voters: Mapping[str, Voter]
) -> dict[str, set[int]]:
    """Voter key → the users who may cast its ballot now: the household's verified residents,
    or under the Civil Code the verified owners of its units (and for the developer's units
    the developer agents)."""
    users: dict[str, set[int]] = {key: set() for key in voters}
    if vote.rule.civil_code:
        owners = await unit_owners(uow, vote.community_id)
        for key, voter in voters.items():
            if key == DEVELOPER_VOTER:
                grants = await uow.roles.of_community(vote.community_id)
                users[key] |= {g.user_id for g in grants if g.role is Role.DEVELOPER_AGENT}
                continue
            for unit in voter.units:
                users[key] |= owners.get(unit, frozenset())
        return users
    for membership in await uow.residents.verified(vote.community_id):
        if membership.unit_code in users:
            users[membership.unit_code].add(membership.user_id)
    return users


async def reminder_targets(
    uow: VotesUnitOfWork,
    vote: Vote,
    actor: Actor,
    *,
    now: datetime,
    only_users: Collection[int] | None = None,
) -> Reminders:
    """The users who may cast the ballots not cast yet: all of them for the committee, those
    of their buildings for a rep (`only_users`: only these, e.g. those the bot may write to,
    for /progress; the households left without one are reported as not reached). Once per vote
    every 6 hours per sender; recorded together with the reminders in the outbox: one lane for
    the round, each reminder in turn, then the counts to the group and the units nobody could
    be reached for to the sender."""
    if not may_remind(actor):
        raise NotAllowed("votes.remind_not_allowed")
    if vote.status is not VoteStatus.OPEN:
        raise UserError("votes.not_open", number=vote.number)
    last = await uow.votes.last_reminder(vote.id, actor.user_id)
    if last is not None and now - last < REMIND_EVERY:
        raise UserError("votes.remind_too_soon", number=vote.number, hours=6)
    electorate = await electorate_of(uow, vote)
    ballots = await uow.votes.ballots(vote.id)
    missing = {
        key: voter
        for key, voter in electorate.voters.items()
        if key not in ballots
        and (actor.is_committee or any(b in actor.buildings for b in voter.buildings))
    }
    users = await voter_users(uow, vote, missing)
    targets: dict[int, ReminderTarget] = {}
    nobody: list[tuple[str, ...]] = []
    for key in sorted(missing, key=lambda k: natural_order(missing[k].units[0])):
        allowed = sorted(u for u in users[key] if only_users is None or u in only_users)
        for user_id in allowed:
            targets.setdefault(user_id, ReminderTarget(user_id, key, missing[key].units))
        if not allowed:
            nobody.append(missing[key].units)
    await uow.votes.add_reminder(vote.id, actor.user_id, now=now)
    lane = reminder_lane(vote.id, actor.user_id, now)
    for target in targets.values():
        params: dict[str, Param] = {
            "user": target.user_id,
            "key": target.voter_key,
            "units": ",".join(target.units),
        }
        await tell(uow, Intent(Tell.VOTE_REMINDER, vote.id, lane, params), now=now)
    nobody_units = ",".join(unit for units in nobody for unit in units)
    for to in ("group", "sender"):
        report: dict[str, Param] = {"to": to, "sender": actor.user_id, "nobody": nobody_units}
        await tell(uow, Intent(Tell.VOTE_REMINDED, vote.id, lane, report), now=now)
    await uow.commit()
    return Reminders(tuple(targets.values()), tuple(nobody))


MAX_OBJECTION = 1000


@dataclass(frozen=True, slots=True)
class LodgedObjection:
    objection: Objection
    vote: Vote
    committee: frozenset[int]  # who is told: the committee members and administrators


async def object_to_result(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    number: int,
    user_id: int,
    user_name: str,
    text: str,
    now: datetime,
) -> LodgedObjection:
    """An objection to a published result, during its publication period: by an owner (under
    the Civil Code) or a verified resident; kept with the vote for the committee to answer."""
    vote = await vote_by_number(uow, community, number)
    clean = " ".join(text.split())
    if not clean:
        raise UserError("usage.object")
    if len(clean) > MAX_OBJECTION:
        raise UserError("votes.objection_too_long", max=MAX_OBJECTION)
    if vote.status is not VoteStatus.CLOSED or vote.publication_ends_at is None:
        raise UserError("votes.objection_not_closed", number=vote.number)
    if now >= vote.publication_ends_at:
        raise UserError("votes.objection_period_over", number=vote.number)
    entitled = (
        bool(await owned_units(uow, community.id, user_id))
        if vote.rule.civil_code
        else bool(await verified_households(uow, community.id, user_id))
    )
    if not entitled:
        if vote.rule.civil_code and await verified_households(uow, community.id, user_id):
            raise NotAllowed("votes.objection_owners_only")
        await refuse_unverified(uow, community.id, user_id, "votes.objection_not_resident")
    await uow.users.remember(user_id, user_name, now=now)
    objection = await uow.votes.add_objection(vote.id, user_id, clean, now=now)
    grants = await uow.roles.of_community(community.id)
    committee = frozenset(
        g.user_id for g in grants if g.role in (Role.ADMIN, Role.COMMITTEE) and g.user_id != user_id
    )
    for member in sorted(committee):  # each told privately, through the outbox
        params = {"objection": objection.number}
        await tell(uow, Intent(Tell.VOTE_OBJECTION, vote.id, person_lane(member), params), now=now)
    await uow.commit()
    return LodgedObjection(objection, vote, committee)


async def objections_to(
    uow: VotesUnitOfWork, *, community: Community, actor: Actor, number: int
) -> tuple[Vote, list[Objection]]:
    if not actor.is_committee:
        raise NotAllowed("votes.objections_not_committee")
    vote = await vote_by_number(uow, community, number)
    return vote, await uow.votes.objections(vote.id)


async def answer_objection(
    uow: VotesUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    number: int,
    objection_number: int,
    text: str,
    now: datetime,
    answered_in: int | None = None,
) -> tuple[Vote, Objection]:
    """The committee's answer, kept with the objection and told to the objector through the
    outbox; if they cannot be reached privately, the chat `answered_in` hears so."""
    if not actor.is_committee:
        raise NotAllowed("votes.objections_not_committee")
    vote = await vote_by_number(uow, community, number)
    clean = " ".join(text.split())
    if not clean:
        raise UserError("usage.answer")
    if len(clean) > MAX_OBJECTION:
        raise UserError("votes.objection_too_long", max=MAX_OBJECTION)
    objection = await uow.votes.objection(vote.id, objection_number)
    if objection is None:
        raise NotFound("votes.no_such_objection", number=vote.number, objection=objection_number)
    await uow.votes.answer_objection(vote.id, objection_number, clean, by=actor.user_id, now=now)
    answered = await uow.votes.objection(vote.id, objection_number)
    assert answered is not None
    params = {"objection": objection_number, "answered_in": answered_in}
    lane = person_lane(answered.user_id)
    await tell(uow, Intent(Tell.VOTE_OBJECTION_ANSWER, vote.id, lane, params), now=now)
    await uow.commit()
    assert answered is not None
    return vote, answered
