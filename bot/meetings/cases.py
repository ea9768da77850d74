"""Use cases of meetings: scheduling one (or a weekly series), its agenda, the households'
answers, moving and cancelling (its reminders follow in the same transaction, its attendees are
told), the start passing (held; a series gets its next meeting), firing a reminder, the minutes
and what the meeting did with each agenda topic. Every change writes what it must tell into the
outbox before its one commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.i18n import Localized
from bot.meetings.model import (
    MAX_AGENDA_LIMIT,
    MAX_MINUTES,
    AgendaItem,
    Answer,
    Attendance,
    Meeting,
    MeetingStatus,
    MeetingView,
    Outcome,
    Reminder,
    ReminderStatus,
    RsvpResult,
    Series,
    order_agenda,
)
from bot.meetings.ports import MeetingsUnitOfWork
from bot.meetings.schedule import OneOff, parse_meeting, parse_when, reminder_times
from bot.outbox import Intent, Tell, group_lane, person_lane, tell
from bot.points.cases import earn_each
from bot.points.model import Act
from bot.residents.cases import refuse_unverified, verified_households
from bot.roles.model import Actor
from bot.topics.cases import move_topic, redraw_topic_card, topic_by_number
from bot.topics.model import AgendaSlot, TopicStatus
from bot.votes.cases import create_vote
from bot.votes.model import Vote
from bot.votes.options import VoteRequest
from bot.when import next_weekday


def _committee(actor: Actor) -> None:
    if not actor.is_committee:
        raise NotAllowed("meetings.not_committee")


def _card(meeting: Meeting) -> Intent:
    return Intent(Tell.MEETING_CARD, meeting.id, group_lane(meeting.community_id))


async def _redraw_topics(uow: MeetingsUnitOfWork, topic_ids: list[int], now: datetime) -> None:
    """The cards of topics whose meeting changed (on an agenda or off it, the meeting moved,
    cancelled or held) are redrawn: they show the meeting they are on (审议)."""
    for topic_id in dict.fromkeys(topic_ids):
        topic = await uow.topics.get(topic_id)
        if topic is not None and topic.card is not None:
            await tell(uow, redraw_topic_card(topic), now=now)


async def _agenda_ids(uow: MeetingsUnitOfWork, meeting_id: int) -> list[int]:
    return [item.topic_id for item in await uow.meetings.agenda(meeting_id)]


async def _create(
    uow: MeetingsUnitOfWork,
    community: Community,
    *,
    starts_at: datetime,
    place: str,
    series_id: int | None,
    created_by: int,
    now: datetime,
) -> Meeting:
    """A scheduled meeting with its agenda, its reminders and its card (through the outbox)."""
    settings = await uow.meetings.settings(community.id)
    meeting = await uow.meetings.add(
        community_id=community.id,
        starts_at=starts_at,
        place=place,
        series_id=series_id,
        created_by=created_by,
        now=now,
    )
    agenda = order_agenda(
        await uow.meetings.discussion_topics(community.id),
        await uow.meetings.deferred_topics(community.id),
        set(await uow.meetings.upcoming_agenda(community.id)),
        settings.agenda_limit,
    )
    await uow.meetings.set_agenda(meeting.id, agenda)
    await _redraw_topics(uow, agenda, now)
    for ahead, due in reminder_times(starts_at, settings.reminders, community.timezone, now):
        await uow.meetings.add_reminder(meeting.id, ahead, due)
    await tell(uow, _card(meeting), now=now)
    return meeting


async def schedule_meeting(
    uow: MeetingsUnitOfWork, *, community: Community, actor: Actor, text: str, now: datetime
) -> Meeting:
    """`text` is what follows `/meeting`: a one-off meeting or a weekly one (whose first
    occurrence is scheduled now, the next each time one is held)."""
    _committee(actor)
    plan = parse_meeting(text, community.timezone, now)
    series_id = None
    starts_at = plan.starts_at if isinstance(plan, OneOff) else plan.first
    if not isinstance(plan, OneOff):
        series = await uow.meetings.add_series(
            community_id=community.id,
            weekday=plan.weekday,
            at=plan.at,
            place=plan.place,
            created_by=actor.user_id,
            now=now,
        )
        series_id = series.id
    meeting = await _create(
        uow,
        community,
        starts_at=starts_at,
        place=plan.place,
        series_id=series_id,
        created_by=actor.user_id,
        now=now,
    )
    await uow.commit()
    return meeting


async def attach_meeting_card(
    uow: MeetingsUnitOfWork, meeting_id: int, chat_id: int, message_id: int
) -> None:
    await uow.meetings.set_card(meeting_id, chat_id, message_id)
    await uow.commit()


async def attach_minutes(
    uow: MeetingsUnitOfWork, meeting_id: int, chat_id: int, message_id: int
) -> None:
    await uow.meetings.set_minutes_message(meeting_id, chat_id, message_id)
    await uow.commit()


async def meeting_by_number(uow: MeetingsUnitOfWork, community: Community, number: int) -> Meeting:
    meeting = await uow.meetings.by_number(community.id, number)
    if meeting is None:
        raise NotFound("meetings.no_such_number", number=number)
    return meeting


async def next_meeting(uow: MeetingsUnitOfWork, community_id: int, now: datetime) -> Meeting | None:
    """The earliest scheduled meeting still ahead."""
    return next((m for m in await uow.meetings.scheduled(community_id) if m.starts_at > now), None)


async def meeting_view(uow: MeetingsUnitOfWork, meeting: Meeting) -> MeetingView:
    rsvps = await uow.meetings.rsvps(meeting.id)
    answers = [answer for answer, _ in rsvps.values()]
    attendance = Attendance(answers.count(Answer.ATTEND), answers.count(Answer.ABSENT))
    return MeetingView(meeting, tuple(await uow.meetings.agenda(meeting.id)), attendance)


async def answer_rsvp(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    meeting_id: int,
    user_id: int,
    answer: Answer,
    now: datetime,
) -> RsvpResult:
    """Attend / Can't attend for the presser's households (one answer each, whoever of its
    residents presses), changeable until the meeting starts."""
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None or meeting.community_id != community.id:
        raise NotFound("meetings.not_found")
    if meeting.status is MeetingStatus.CANCELLED:
        raise UserError("meetings.rsvp_cancelled", number=meeting.number)
    if meeting.status is MeetingStatus.HELD or meeting.started(now):
        raise UserError("meetings.rsvp_started", number=meeting.number)
    households = tuple(
        dict.fromkeys(m.unit_code for m in await verified_households(uow, community.id, user_id))
    )
    if not households:
        await refuse_unverified(uow, community.id, user_id, "meetings.rsvp_not_resident")
    rsvps = await uow.meetings.rsvps(meeting_id)
    changing = [h for h in households if rsvps.get(h, (None, 0))[0] is not answer]
    if not changing:
        return RsvpResult(meeting, answer, households, changed=False)
    for household in changing:
        await uow.meetings.set_rsvp(meeting_id, household, user_id, answer, now=now)
    await uow.commit()
    return RsvpResult(meeting, answer, households, changed=True)


async def _attendees(uow: MeetingsUnitOfWork, meeting_id: int) -> list[int]:
    """Who answered Attend for their household, each person once."""
    rsvps = await uow.meetings.rsvps(meeting_id)
    return sorted({user for answer, user in rsvps.values() if answer is Answer.ATTEND})


async def _tell_attendees(
    uow: MeetingsUnitOfWork, meeting: Meeting, kind: str, now: datetime
) -> int:
    attendees = await _attendees(uow, meeting.id)
    for user_id in attendees:
        params = {"kind": kind, "was": meeting.starts_at.isoformat(), "place": meeting.place}
        intent = Intent(Tell.MEETING_CHANGED, meeting.id, person_lane(user_id), params)
        await tell(uow, intent, now=now)
    return len(attendees)


def _changeable(meeting: Meeting, now: datetime) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise UserError("meetings.is_cancelled", number=meeting.number)
    if meeting.status is MeetingStatus.HELD or meeting.started(now):
        raise UserError("meetings.has_started", number=meeting.number)


async def move_meeting(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    number: int,
    words: list[str],
    now: datetime,
) -> tuple[Meeting, int]:
    """`<date | 明天 | 周三> <HH:MM> [new place]`: its reminders are computed again for the new
    time, the card redrawn, those who said they would attend told. Returns the moved meeting
    and how many are told."""
    _committee(actor)
    meeting = await meeting_by_number(uow, community, number)
    _changeable(meeting, now)
    starts_at, rest = parse_when(words, community.timezone, now)
    place = " ".join(rest) or meeting.place
    await uow.meetings.move(meeting.id, starts_at, place)
    await uow.meetings.drop_pending_reminders(meeting.id, now=now)
    settings = await uow.meetings.settings(community.id)
    for ahead, due in reminder_times(starts_at, settings.reminders, community.timezone, now):
        await uow.meetings.add_reminder(meeting.id, ahead, due)
    told = await _tell_attendees(uow, meeting, "moved", now)
    await tell(uow, _card(meeting), now=now)
    await _redraw_topics(uow, await _agenda_ids(uow, meeting.id), now)
    moved = await uow.meetings.get(meeting.id)
    assert moved is not None
    await uow.commit()
    return moved, told


async def cancel_meeting(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    number: int,
    whole_series: bool,
    now: datetime,
) -> tuple[Meeting, list[Meeting], int]:
    """Cancelled, with its pending reminders, its attendees told. In a weekly series only this
    meeting goes and the next week's is scheduled at once; `whole_series` ends the series.
    Returns the cancelled meeting, the meetings scheduled in its place and how many are told."""
    _committee(actor)
    meeting = await meeting_by_number(uow, community, number)
    _changeable(meeting, now)
    if whole_series and meeting.series_id is None:
        raise UserError("meetings.not_weekly", number=meeting.number)
    await uow.meetings.set_status(meeting.id, MeetingStatus.CANCELLED)
    await uow.meetings.drop_pending_reminders(meeting.id, now=now)
    told = await _tell_attendees(uow, meeting, "cancelled", now)
    await tell(uow, _card(meeting), now=now)
    await _redraw_topics(uow, await _agenda_ids(uow, meeting.id), now)
    created: list[Meeting] = []
    if meeting.series_id is not None:
        if whole_series:
            await uow.meetings.end_series(meeting.series_id, now=now)
        else:
            series = await uow.meetings.series(meeting.series_id)
            if series is not None:
                created = await _continue_series(uow, series, now)
    cancelled = await uow.meetings.get(meeting.id)
    assert cancelled is not None
    await uow.commit()
    return cancelled, created, told


async def _continue_series(uow: MeetingsUnitOfWork, series: Series, now: datetime) -> list[Meeting]:
    """The series' next meeting, unless it has one still ahead (or has ended)."""
    if series.ended:
        return []
    community = await uow.communities.get(series.community_id)
    if community is None:
        return []
    meetings = await uow.meetings.of_series(series.id)
    if any(m.status is MeetingStatus.SCHEDULED and m.starts_at > now for m in meetings):
        return []
    after = max([now, *(m.starts_at for m in meetings)])
    starts_at = next_weekday(series.weekday, series.at, community.timezone, after)
    meeting = await _create(
        uow,
        community,
        starts_at=starts_at,
        place=series.place,
        series_id=series.id,
        created_by=meetings[0].created_by if meetings else 0,
        now=now,
    )
    return [meeting]


async def hold_due(uow: MeetingsUnitOfWork, *, now: datetime) -> tuple[list[int], list[Meeting]]:
    """Meetings whose start passed are held (their cards lose the buttons, their pending
    reminders are skipped); every weekly series then has its next meeting. At each start and at
    every meeting's start. Returns (held meeting ids, meetings created)."""
    held = [m for m in await uow.meetings.scheduled() if m.started(now)]
    for meeting in held:
        await uow.meetings.set_status(meeting.id, MeetingStatus.HELD)
        await uow.meetings.drop_pending_reminders(meeting.id, now=now)
        await tell(uow, _card(meeting), now=now)
        await _redraw_topics(uow, await _agenda_ids(uow, meeting.id), now)
    created: list[Meeting] = []
    for series in await uow.meetings.live_series():
        created += await _continue_series(uow, series, now)
    if held or created:
        await uow.commit()
    return [m.id for m in held], created


async def fire_reminder(
    uow: MeetingsUnitOfWork, reminder_id: int, *, now: datetime
) -> Reminder | None:
    """A reminder falls due: marked sent in the same transaction as its entry in the outbox,
    so it goes out once. One missed while the bot was down is sent if the meeting is still
    ahead, else skipped; of several missed, only the latest goes out. Returns the reminder if
    it is sent."""
    reminder = await uow.meetings.reminder(reminder_id)
    if reminder is None or reminder.status is not ReminderStatus.PENDING or now < reminder.due_at:
        return None
    meeting = await uow.meetings.get(reminder.meeting_id)
    covered = any(
        r.id != reminder.id
        and r.status is ReminderStatus.PENDING
        and reminder.due_at < r.due_at <= now
        for r in await uow.meetings.reminders(reminder.meeting_id)
    )
    if (
        meeting is None
        or meeting.status is not MeetingStatus.SCHEDULED
        or meeting.started(now)
        or covered
    ):
        await uow.meetings.finish_reminder(reminder.id, ReminderStatus.SKIPPED, now=now)
        await uow.commit()
        return None
    await uow.meetings.finish_reminder(reminder.id, ReminderStatus.SENT, now=now)
    lane = group_lane(meeting.community_id)
    await tell(uow, Intent(Tell.MEETING_REMINDER, reminder.id, lane), now=now)
    await uow.commit()
    return reminder


async def _agenda_meeting(
    uow: MeetingsUnitOfWork, community: Community, number: int | None, now: datetime
) -> Meeting:
    if number is not None:
        meeting = await meeting_by_number(uow, community, number)
    else:
        found = await next_meeting(uow, community.id, now)
        if found is None:
            raise UserError("meetings.none_ahead")
        meeting = found
    _changeable(meeting, now)
    return meeting


@dataclass(frozen=True, slots=True)
class AgendaChange:
    meeting: Meeting
    topic_number: int
    agenda: tuple[AgendaItem, ...]


async def edit_agenda(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    action: str,
    topic_number: int,
    meeting_number: int | None,
    now: datetime,
) -> AgendaChange:
    """`add` (a topic in discussion only), `remove` or `up` one topic on the agenda of the next
    meeting (or of meeting `meeting_number`); the card is redrawn."""
    _committee(actor)
    meeting = await _agenda_meeting(uow, community, meeting_number, now)
    topic = await topic_by_number(uow, community.id, topic_number)
    order = [item.topic_id for item in await uow.meetings.agenda(meeting.id)]
    if action == "add":
        if topic.status is not TopicStatus.DISCUSSION:
            key = (
                "meetings.topic_closed"
                if topic.status is not TopicStatus.PROPOSED
                else ("meetings.topic_not_in_discussion")
            )
            status = Localized(f"topic_status.{topic.status.value}")
            raise UserError(key, number=topic.number, status=status)
        if topic.id in order:
            raise UserError(
                "meetings.already_on_agenda", number=topic.number, meeting=meeting.number
            )
        order.append(topic.id)
    elif topic.id not in order:
        raise UserError("meetings.not_on_agenda", number=topic.number, meeting=meeting.number)
    elif action == "remove":
        order.remove(topic.id)
    else:
        at = order.index(topic.id)
        if at > 0:
            order[at - 1], order[at] = order[at], order[at - 1]
    await uow.meetings.set_agenda(meeting.id, order)
    await tell(uow, _card(meeting), now=now)
    await _redraw_topics(uow, [topic.id], now)
    agenda = tuple(await uow.meetings.agenda(meeting.id))
    await uow.commit()
    return AgendaChange(meeting, topic.number, agenda)


async def post_minutes(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    number: int,
    text: str,
    now: datetime,
) -> Meeting:
    """The minutes of a meeting that has started: posted and pinned in the group (公示), and
    their author gets a row of buttons per agenda topic (both through the outbox)."""
    _committee(actor)
    text = text.strip()
    if not text:
        raise UserError("usage.minutes")
    if len(text) > MAX_MINUTES:
        raise UserError("meetings.minutes_too_long", limit=MAX_MINUTES)
    meeting = await meeting_by_number(uow, community, number)
    if meeting.status is MeetingStatus.CANCELLED:
        raise UserError("meetings.is_cancelled", number=meeting.number)
    if not meeting.started(now):
        raise UserError("meetings.minutes_too_early", number=meeting.number)
    if meeting.minutes is not None:
        raise UserError("meetings.minutes_exist", number=meeting.number)
    if meeting.status is MeetingStatus.SCHEDULED:  # its start job has not run yet
        await uow.meetings.set_status(meeting.id, MeetingStatus.HELD)
        await uow.meetings.drop_pending_reminders(meeting.id, now=now)
        await tell(uow, _card(meeting), now=now)
        await _redraw_topics(uow, await _agenda_ids(uow, meeting.id), now)
    await uow.meetings.set_minutes(meeting.id, text=text, author_id=actor.user_id, now=now)
    attended = [
        (h, meeting.id)
        for h, (a, _) in (await uow.meetings.rsvps(meeting.id)).items()
        if a is Answer.ATTEND
    ]
    await earn_each(
        uow, community_id=community.id, act=Act.MEETING_ATTENDED, earnings=attended, now=now
    )
    lane = group_lane(community.id)
    await tell(uow, Intent(Tell.MEETING_MINUTES, meeting.id, lane), now=now)
    if await uow.meetings.agenda(meeting.id):
        author = person_lane(actor.user_id)
        await tell(uow, Intent(Tell.MEETING_OUTCOMES, meeting.id, author), now=now)
    if meeting.series_id is not None:
        series = await uow.meetings.series(meeting.series_id)
        if series is not None:
            await _continue_series(uow, series, now)
    updated = await uow.meetings.get(meeting.id)
    assert updated is not None
    await uow.commit()
    return updated


@dataclass(frozen=True, slots=True)
class Marked:
    meeting: Meeting
    topic_number: int
    outcome: Outcome
    vote: Vote | None = None  # the draft opened by "put to a vote"
    next_meeting: Meeting | None = None  # where a deferred topic went


async def mark_outcome(
    uow: MeetingsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    meeting_id: int,
    topic_id: int,
    outcome: Outcome,
    now: datetime,
) -> Marked:
    """The minutes' author marks what the meeting did with an agenda topic, once: decided (the
    topic is closed as passed: the meeting decided it, the minutes say how), put to a vote (its
    vote draft is opened, as `/vote <topic>` does), or deferred (it stays in discussion and
    goes first on the next meeting's agenda)."""
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None or meeting.community_id != community.id or meeting.minutes is None:
        raise NotFound("meetings.not_found")
    if meeting.minutes_by != actor.user_id:
        raise NotAllowed("meetings.outcome_not_yours")
    _committee(actor)
    item = next((i for i in await uow.meetings.agenda(meeting.id) if i.topic_id == topic_id), None)
    if item is None:
        raise NotFound("meetings.not_found")
    if item.outcome is not None:
        raise UserError(
            "meetings.outcome_already",
            number=item.number,
            outcome=Localized(f"meeting_outcome.{item.outcome.value}"),
        )
    topic = await uow.topics.get(topic_id)
    if topic is None or topic.status is not TopicStatus.DISCUSSION:
        status = topic.status.value if topic else "passed"
        raise UserError(
            "meetings.topic_closed", number=item.number, status=Localized(f"topic_status.{status}")
        )
    await uow.meetings.set_outcome(meeting.id, topic_id, outcome)
    if outcome is Outcome.VOTE:  # create_vote commits, with the outcome
        await _off_upcoming_agendas(uow, meeting, topic_id, now)
        request = VoteRequest(topic_number=topic.number, question="")
        vote = await create_vote(uow, community=community, actor=actor, request=request, now=now)
        return Marked(meeting, topic.number, outcome, vote=vote)
    following = None
    if outcome is Outcome.DECIDED:
        await _off_upcoming_agendas(uow, meeting, topic_id, now)
        await move_topic(uow, topic_id, TopicStatus.PASSED, now=now)  # its card redrawn
    else:
        following = await next_meeting(uow, community.id, now)
        if following is not None and following.id != meeting.id:
            order = [i.topic_id for i in await uow.meetings.agenda(following.id)]
            await uow.meetings.set_agenda(
                following.id, [topic_id, *(t for t in order if t != topic_id)]
            )
            await tell(uow, _card(following), now=now)
            await _redraw_topics(uow, [topic_id], now)
    await uow.commit()
    return Marked(meeting, topic.number, outcome, next_meeting=following)


async def _off_upcoming_agendas(
    uow: MeetingsUnitOfWork, meeting: Meeting, topic_id: int, now: datetime
) -> None:
    """A topic the meeting decided or put to a vote leaves the agendas of the meetings after it
    (a weekly series' next one took the topics still in discussion when it was created)."""
    for upcoming in await uow.meetings.scheduled(meeting.community_id):
        order = [i.topic_id for i in await uow.meetings.agenda(upcoming.id)]
        if upcoming.id != meeting.id and topic_id in order:
            await uow.meetings.set_agenda(upcoming.id, [t for t in order if t != topic_id])
            await tell(uow, _card(upcoming), now=now)
            await _redraw_topics(uow, [topic_id], now)


async def agenda_of_topics(uow: MeetingsUnitOfWork, community_id: int) -> dict[int, AgendaSlot]:
    """topic id → the upcoming scheduled meeting it is on (its number and start): for the
    topics' five steps (审议: on a meeting's agenda)."""
    found = await uow.meetings.upcoming_agenda(community_id)
    return {topic: AgendaSlot(m.number, m.starts_at) for topic, m in found.items()}


async def live_meeting_cards(uow: MeetingsUnitOfWork) -> list[int]:
    """The scheduled meetings with a card, in every community: redrawn at start-up."""
    return [m.id for m in await uow.meetings.scheduled() if m.card is not None]


async def set_meeting_reminders(
    uow: MeetingsUnitOfWork,
    community: Community,
    offsets: tuple[timedelta, ...],
    *,
    is_admin: bool,
) -> tuple[timedelta, ...]:
    """For meetings scheduled from now on."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    await uow.meetings.set_reminders(community.id, offsets)
    await uow.commit()
    return offsets


async def set_agenda_limit(
    uow: MeetingsUnitOfWork, community: Community, limit: int, *, is_admin: bool
) -> int:
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    if not 1 <= limit <= MAX_AGENDA_LIMIT:
        raise UserError("meetings.bad_agenda_limit", max=MAX_AGENDA_LIMIT)
    await uow.meetings.set_agenda_limit(community.id, limit)
    await uow.commit()
    return limit
