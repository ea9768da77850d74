"""Use cases of the weekly digest: its schedule, sending a week's digest once (the week is
recorded as sent in the same transaction as its outbox entry), what it tells (drawn from the
other features' state when it goes out), and proposing a topic from a frequent problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.communities.model import Community
from bot.config import Language
from bot.digest.model import (
    FREQUENT_WINDOW,
    LATE_LIMIT,
    TOP_IN_DIGEST,
    ClosedVote,
    Contributor,
    Digest,
    DigestProposal,
    DigestSchedule,
    FrequentProblem,
    NewTopic,
    NextMeeting,
    NoticeReads,
    ProposalStatus,
    by_category,
    frequent_problems,
    last_digest_at,
    next_digest_at,
    proposal_text,
    week_of,
    week_window,
)
from bot.digest.ports import DigestUnitOfWork
from bot.errors import NotAllowed, UserError
from bot.meetings.cases import next_meeting
from bot.notices.cases import read_count
from bot.notices.model import NoticeStatus
from bot.outbox import Intent, Tell, group_lane, tell
from bot.points.cases import ranking
from bot.reports.model import Category
from bot.residents.cases import refuse_unverified, verified_households
from bot.topics.cases import propose_topic
from bot.topics.model import Topic, step_of
from bot.votes.cases import figures

EXCERPT = 40  # characters of a notice's first line


async def digest_schedule(uow: DigestUnitOfWork, community_id: int) -> DigestSchedule:
    return await uow.digest.schedule(community_id)


async def set_digest_schedule(
    uow: DigestUnitOfWork, community: Community, schedule: DigestSchedule, *, is_admin: bool
) -> DigestSchedule:
    """`/settings digest mon 09:00` or `off` (admins): the handler re-arms the timer."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    await uow.digest.set_schedule(community.id, schedule)
    await uow.commit()
    return schedule


async def send_due_digest(
    uow: DigestUnitOfWork, *, community_id: int, now: datetime
) -> datetime | None:
    """The digest due at or before `now`, into the group's outbox lane, and its week recorded
    as sent, in one transaction: a job that fires twice, or a restart, sends it once. Returns
    the due moment, or None: off, already sent, or more than a day late (skipped). The week
    starts where the last digest ended, if that is later (the schedule moved from Monday to
    Wednesday: Wednesday's digest tells what happened since Monday's)."""
    community = await uow.communities.get(community_id)
    schedule = await uow.digest.schedule(community_id)
    if community is None or not schedule.enabled:
        return None
    due = last_digest_at(schedule.weekday, schedule.clock, community.timezone, now)
    if now - due >= LATE_LIMIT:
        return None
    last = await uow.digest.last_due(community_id)
    if last is not None and last >= due:
        return None
    if not await uow.digest.mark_sent(
        community_id, week_of(due, community.timezone), due_at=due, now=now
    ):
        return None
    since, _ = week_window(due, community.timezone)
    if last is not None and last > since:
        since = last
    params = {"due": due.isoformat(), "since": since.isoformat()}
    await tell(uow, Intent(Tell.DIGEST, community_id, group_lane(community_id), params), now=now)
    await uow.commit()
    return due


@dataclass(frozen=True, slots=True)
class DigestTimer:
    """A community's digest at start-up: the next due moment to arm, and a week still owed
    (due less than a day ago, not sent: sent now) or skipped (more than a day late)."""

    community_id: int
    next_at: datetime
    owed: datetime | None = None
    skipped: datetime | None = None


async def due_digests(uow: DigestUnitOfWork, now: datetime) -> list[DigestTimer]:
    """Every community whose digest is on, with what start-up must do about it."""
    timers = []
    for community_id, schedule in (await uow.digest.schedules()).items():
        community = await uow.communities.get(community_id)
        if community is None or not schedule.enabled:
            continue
        zone = community.timezone
        due = last_digest_at(schedule.weekday, schedule.clock, zone, now)
        last = await uow.digest.last_due(community_id)
        owed = skipped = None
        if last is None or last < due:
            if now - due < LATE_LIMIT:
                owed = due
            elif last is not None:  # a community with no digest yet was simply not around
                skipped = due
        next_at = next_digest_at(schedule.weekday, schedule.clock, zone, now)
        timers.append(DigestTimer(community_id, next_at, owed, skipped))
    return timers


async def _top_contributors(
    uow: DigestUnitOfWork, community_id: int, since: datetime, until: datetime
) -> tuple[Contributor, ...]:
    """The households that earned most points in the week (by unit only, if named)."""
    standings = await ranking(uow, community_id, since=since, until=until, limit=TOP_IN_DIGEST)
    return tuple(Contributor(s.unit_code, s.building, s.points, s.named) for s in standings)


async def build_digest(
    uow: DigestUnitOfWork,
    *,
    community_id: int,
    until: datetime,
    now: datetime,
    since: datetime | None = None,
) -> Digest | None:
    """The week ending at `until` (a due moment), as the database holds it `now`; from
    `since` when the last digest ended within that week."""
    community = await uow.communities.get(community_id)
    if community is None:
        return None
    start, until = week_window(until, community.timezone)
    since = max(start, since) if since is not None and since < until else start
    topics = [
        await uow.topics.get(i) for i in await uow.digest.new_topic_ids(community_id, since, until)
    ]
    closed = []
    for vote_id in await uow.digest.closed_vote_ids(community_id, since, until):
        vote = await uow.votes.get(vote_id)
        if vote is None or vote.outcome is None:
            continue
        tally = (await figures(uow, vote)).tally
        closed.append(
            ClosedVote(
                vote.number, vote.question, vote.outcome, tally.participants, tally.electorate_size
            )
        )
    tickets = await uow.digest.tickets(community_id, min(since, now - FREQUENT_WINDOW))
    notices = []
    for notice_id in await uow.digest.published_notice_ids(community_id, since, until):
        notice = await uow.notices.get(notice_id)
        if notice is None or notice.status is not NoticeStatus.PUBLISHED:
            continue
        reads = await read_count(uow, notice)
        excerpt = notice.text.strip().split("\n", 1)[0]
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[: EXCERPT - 1] + "…"
        notices.append(NoticeReads(notice.number, excerpt, reads.read, reads.total))
    meeting = await next_meeting(uow, community_id, now)
    upcoming = None
    if meeting is not None:
        agenda = len(await uow.meetings.agenda(meeting.id))
        upcoming = NextMeeting(meeting.number, meeting.starts_at, meeting.place, agenda)
    return Digest(
        community_id=community_id,
        since=since,
        until=until,
        new_topics=tuple(NewTopic(t.number, t.title, step_of(t.status)) for t in topics if t),
        closed_votes=tuple(closed),
        opened=by_category(t.category for t in tickets if since <= t.created_at < until),
        resolved=by_category(
            t.category
            for t in tickets
            if t.resolved_at is not None and since <= t.resolved_at < until
        ),
        next_meeting=upcoming,
        notices=tuple(notices),
        top=await _top_contributors(uow, community_id, since, until),
        frequent=frequent_problems(tickets, now),
    )


async def frequent_problem(
    uow: DigestUnitOfWork, community_id: int, building: str, category: Category, now: datetime
) -> FrequentProblem | None:
    """The problem as it stands now, if it is still frequent."""
    tickets = await uow.digest.tickets(community_id, now - FREQUENT_WINDOW)
    return next(
        (
            p
            for p in frequent_problems(tickets, now)
            if p.building == building and p.category is category
        ),
        None,
    )


async def draft_proposal(
    uow: DigestUnitOfWork,
    *,
    community: Community,
    user_id: int,
    building: str,
    category: Category,
    lang: Language,
    now: datetime,
) -> DigestProposal:
    """A verified resident pressed Propose under a frequent problem: the topic's text,
    prefilled, waits for their Propose it (the same one again if they press twice)."""
    if not await verified_households(uow, community.id, user_id):
        await refuse_unverified(uow, community.id, user_id, "digest.propose_not_resident")
    earlier = await uow.digest.find_proposal(community.id, user_id, building, category)
    if earlier is not None and earlier.status is ProposalStatus.PROPOSED:
        raise UserError("digest.already_proposed")
    if earlier is not None and earlier.status is ProposalStatus.OPEN:
        return earlier
    problem = await frequent_problem(uow, community.id, building, category, now)
    if problem is None:
        raise UserError("digest.problem_gone")
    proposal = await uow.digest.add_proposal(
        community_id=community.id,
        user_id=user_id,
        building=building,
        category=category,
        text=proposal_text(lang, problem),
        now=now,
    )
    await uow.commit()
    return proposal


async def _own_open_proposal(
    uow: DigestUnitOfWork, proposal_id: int, user_id: int
) -> DigestProposal:
    proposal = await uow.digest.proposal(proposal_id)
    if proposal is None or proposal.user_id != user_id:
        raise UserError("common.stale_button")
    if proposal.status is ProposalStatus.PROPOSED:
        raise UserError("digest.already_proposed")
    if proposal.status is ProposalStatus.CANCELLED:
        raise UserError("digest.proposal_cancelled")
    return proposal


async def own_proposal(uow: DigestUnitOfWork, proposal_id: int, user_id: int) -> DigestProposal:
    """A prefilled topic still waiting, for its resident only (the `dp-<id>` deep link)."""
    return await _own_open_proposal(uow, proposal_id, user_id)


async def confirm_proposal(
    uow: DigestUnitOfWork, *, proposal_id: int, user_id: int, now: datetime
) -> Topic:
    """Propose it: the topic is proposed as /propose would (a verified household required),
    and the proposal marked done in the same transaction, so it is proposed once."""
    proposal = await _own_open_proposal(uow, proposal_id, user_id)
    community = await uow.communities.get(proposal.community_id)
    if community is None:
        raise UserError("common.stale_button")
    await uow.digest.set_proposal_status(proposal.id, ProposalStatus.PROPOSED)
    return await propose_topic(
        uow, community=community, user_id=user_id, text=proposal.text, now=now
    )


async def cancel_proposal(uow: DigestUnitOfWork, *, proposal_id: int, user_id: int) -> None:
    proposal = await _own_open_proposal(uow, proposal_id, user_id)
    await uow.digest.set_proposal_status(proposal.id, ProposalStatus.CANCELLED)
    await uow.commit()
