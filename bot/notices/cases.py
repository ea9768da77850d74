"""Use cases of notices: posting one now or at a time (its card and private copies through the
outbox, in the same transaction as its publishing), confirming it for one's household, the count
its card shows, cancelling and withdrawing, /notices and /unread with its reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError, Whole
from bot.i18n import LANGUAGES, number
from bot.notices.model import (
    MAX_CAPTION,
    MAX_MESSAGE,
    AuthorRole,
    Notice,
    NoticeFile,
    NoticeStatus,
    ReadCount,
    ReadResult,
    count_reads,
    in_scope,
    message_length,
    notice_card_text,
    parse_notice,
    private_copy_text,
)
from bot.notices.ports import NoticesUnitOfWork
from bot.notices.schedule import resolve
from bot.outbox import Intent, Param, Tell, group_lane, person_lane, tell
from bot.points.cases import earn_each
from bot.points.model import Act
from bot.residents.cases import refuse_unverified, verified_households
from bot.roles.model import Actor
from bot.units.model import natural_order

# Start-up redraws the cards of the notices posted this recently.
LIVE_FOR = timedelta(days=30)


def _author_role(actor: Actor) -> AuthorRole:
    if actor.is_admin:
        return AuthorRole.ADMIN
    if actor.is_committee:
        return AuthorRole.COMMITTEE
    if actor.is_rep:
        return AuthorRole.REP
    raise NotAllowed("notices.not_allowed")


async def post_notice(
    uow: NoticesUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    text: str,
    now: datetime,
    file: NoticeFile | None = None,
) -> Notice:
    """`text` is what follows `/notice`: leading `pin` / `urgent` words and a time, in any
    order, an optional scope (`building 3`, `楼栋 3`, `3号楼`), then the notice. A rep's notice
    is always for one of their buildings. Posted now (its card and private copies written with
    it), or stored as scheduled when a time is given."""
    role = _author_role(actor)
    request = parse_notice(text)
    if not request.text:
        raise UserError("usage.notice")
    building = request.building
    if role is AuthorRole.REP:
        mine = Whole(", ".join(sorted(actor.buildings, key=natural_order)))
        if building is None:
            raise UserError("notices.rep_needs_building", buildings=mine)
        if building not in actor.buildings:
            raise NotAllowed("notices.not_your_building", building=building, buildings=mine)
    if building is not None and building not in await uow.units.buildings(community.id):
        raise NotFound("notices.unknown_building", building=building)
    publish_at = (
        resolve(request.schedule, now=now, timezone=community.timezone)
        if request.schedule is not None
        else None
    )
    draft = Notice(
        id=0,
        community_id=community.id,
        number=await uow.notices.next_number(community.id),
        text=request.text,
        building=building,
        author_id=actor.user_id,
        author_role=role,
        urgent=request.urgent,
        file=file,
    )
    total = (await _count(uow, draft)).total
    length = message_length(notice_card_text(draft, ReadCount(total, total), community.language))
    if file is not None and draft.private:  # the private copies carry the file too
        length = max(
            [length]
            + [message_length(private_copy_text(draft, community.name, lang)) for lang in LANGUAGES]
        )
    limit, key = (
        (MAX_MESSAGE, "notices.too_long")
        if file is None
        else (MAX_CAPTION, "notices.caption_too_long")
    )
    if length > limit:
        lang = community.language
        raise UserError(key, length=number(length, lang), limit=number(limit, lang))
    notice = await uow.notices.add(
        community_id=community.id,
        text=request.text,
        building=building,
        author_id=actor.user_id,
        author_role=role,
        now=now,
        status=NoticeStatus.SCHEDULED if publish_at is not None else NoticeStatus.PUBLISHED,
        publish_at=publish_at,
        urgent=request.urgent,
        pin=request.pin,
        file=file,
    )
    if publish_at is None:
        await _tell_published(uow, notice, now=now)
    await uow.commit()
    return notice


async def _tell_published(uow: NoticesUnitOfWork, notice: Notice, *, now: datetime) -> None:
    """The group card, and a private copy (with Read) to each verified resident in scope when
    the notice is for one building or urgent: one entry per person, in their own lane, so the
    copies go out side by side at the pace Telegram allows."""
    intents = [Intent(Tell.NOTICE_CARD, notice.id, group_lane(notice.community_id))]
    if notice.private:
        verified = await uow.residents.verified(notice.community_id)
        people = dict.fromkeys(
            m.user_id
            for m in verified
            if in_scope(notice.building, m.building) and m.user_id != notice.author_id
        )
        intents += [
            Intent(Tell.NOTICE_COPY, notice.id, person_lane(user_id), {"user": user_id})
            for user_id in people
        ]
    await tell(uow, *intents, now=now)


async def publish_due(uow: NoticesUnitOfWork, *, notice_id: int, now: datetime) -> Notice | None:
    """A scheduled notice's time came (or passed while the bot was down): published, its card
    and copies written in the same transaction, so a second firing finds it published and does
    nothing. None if it was not waiting (published, cancelled, gone)."""
    notice = await uow.notices.get(notice_id)
    if notice is None or notice.status is not NoticeStatus.SCHEDULED:
        return None
    await uow.notices.set_status(notice.id, NoticeStatus.PUBLISHED, now=now)
    await _tell_published(uow, notice, now=now)
    await uow.commit()
    return await uow.notices.get(notice_id)


async def scheduled_notices(uow: NoticesUnitOfWork) -> list[Notice]:
    """Every scheduled notice, for arming its timer at start-up."""
    return await uow.notices.scheduled()


def _may_manage(actor: Actor, notice: Notice) -> bool:
    return actor.is_admin or actor.user_id == notice.author_id


async def notice_of(
    uow: NoticesUnitOfWork,
    community: Community,
    *,
    notice_id: int | None = None,
    number_: int | None = None,
) -> Notice:
    """The community's notice by id (a button) or by number (a command)."""
    if notice_id is not None:
        notice = await uow.notices.get(notice_id)
    else:
        assert number_ is not None
        notice = await uow.notices.by_number(community.id, number_)
    if notice is None or notice.community_id != community.id:
        raise NotFound("notices.not_found")
    return notice


async def cancel_notice(
    uow: NoticesUnitOfWork, *, community: Community, actor: Actor, notice_id: int, now: datetime
) -> Notice:
    """A scheduled notice called off before its time (its author or an admin)."""
    notice = await notice_of(uow, community, notice_id=notice_id)
    if not _may_manage(actor, notice):
        raise NotAllowed("notices.manage_not_allowed", number=notice.number)
    if notice.status is NoticeStatus.PUBLISHED:
        raise UserError("notices.cancel_published", number=notice.number)
    if notice.status is not NoticeStatus.SCHEDULED:
        raise UserError("notices.already_off", number=notice.number)
    await uow.notices.set_status(notice.id, NoticeStatus.CANCELLED, now=now)
    await uow.commit()
    return notice


async def withdraw_notice(
    uow: NoticesUnitOfWork, *, community: Community, actor: Actor, notice: Notice, now: datetime
) -> Notice:
    """A published notice taken back (its author or an admin): the group card is redrawn as
    withdrawn without Read, copies not sent yet are not sent, those sent are edited to say so."""
    if not _may_manage(actor, notice):
        raise NotAllowed("notices.manage_not_allowed", number=notice.number)
    if notice.status is NoticeStatus.SCHEDULED:
        raise UserError("notices.withdraw_scheduled", number=notice.number)
    if notice.status is not NoticeStatus.PUBLISHED:
        raise UserError("notices.already_off", number=notice.number)
    await uow.notices.set_status(notice.id, NoticeStatus.WITHDRAWN, now=now)
    copies = await uow.notices.copies(notice.id)
    await tell(
        uow,
        Intent(Tell.NOTICE_CARD, notice.id, group_lane(community.id)),
        *(
            Intent(Tell.NOTICE_COPY, notice.id, person_lane(user_id), {"user": user_id})
            for user_id in copies
        ),
        now=now,
    )
    await uow.commit()
    withdrawn = await uow.notices.get(notice.id)
    assert withdrawn is not None
    return withdrawn


async def record_copy(
    uow: NoticesUnitOfWork, notice_id: int, user_id: int, message_id: int, *, now: datetime
) -> None:
    """A private copy went out: stored, so it is never sent twice, and its reader reachable."""
    await uow.notices.add_copy(notice_id, user_id, message_id)
    await uow.notices.set_reachable(user_id, True, now=now)
    await uow.commit()


async def note_private_chat(
    uow: NoticesUnitOfWork, user_id: int, *, reachable: bool, now: datetime
) -> None:
    """The bot may (or, after a 403, may not) write to this user privately."""
    await uow.notices.set_reachable(user_id, reachable, now=now)
    await uow.commit()


async def attach_notice_card(
    uow: NoticesUnitOfWork, notice_id: int, chat_id: int, message_id: int
) -> None:
    await uow.notices.set_card(notice_id, chat_id, message_id)
    await uow.commit()


async def confirm_read(
    uow: NoticesUnitOfWork, *, community: Community, notice_id: int, user_id: int, now: datetime
) -> ReadResult:
    """The presser's households in scope confirm the notice: each household once, whoever of
    its residents presses; pressing again changes nothing."""
    notice = await uow.notices.get(notice_id)
    if notice is None or notice.community_id != community.id:
        raise NotFound("notices.not_found")
    if notice.status is NoticeStatus.WITHDRAWN:
        raise UserError("notices.read_withdrawn", number=notice.number)
    if notice.status is not NoticeStatus.PUBLISHED:
        raise NotFound("notices.not_found")
    mine = await verified_households(uow, community.id, user_id)
    if not mine:
        await refuse_unverified(uow, community.id, user_id, "notices.read_not_resident")
    households = tuple(
        dict.fromkeys(m.unit_code for m in mine if in_scope(notice.building, m.building))
    )
    if not households:
        raise NotAllowed("notices.read_outside", building=notice.building or "")
    reads = await uow.notices.reads(notice_id)
    new = tuple(h for h in households if h not in reads)
    if not new:
        return ReadResult(notice, households, already=True)
    for household in new:
        await uow.notices.add_read(notice_id, household, user_id, now=now)
    read = [(household, notice_id) for household in new]
    await earn_each(uow, community_id=community.id, act=Act.NOTICE_READ, earnings=read, now=now)
    await uow.commit()
    return ReadResult(notice, new, already=False)


async def _count(uow: NoticesUnitOfWork, notice: Notice) -> ReadCount:
    verified = await uow.residents.verified(notice.community_id)
    reads = await uow.notices.reads(notice.id) if notice.id else {}
    return count_reads(notice.building, [(m.unit_code, m.building) for m in verified], reads)


async def read_count(uow: NoticesUnitOfWork, notice: Notice) -> ReadCount:
    """n of N households, as they stand now."""
    return await _count(uow, notice)


async def live_notice_cards(uow: NoticesUnitOfWork, *, now: datetime) -> list[int]:
    """The notices of the last 30 days with a card, in every community: the cards start-up
    redraws, in case a redraw was cut short by a stop."""
    return [notice.id for notice in await uow.notices.with_cards_since(now - LIVE_FOR)]


@dataclass(frozen=True, slots=True)
class ListedNotice:
    notice: Notice
    count: ReadCount


async def recent_notices(
    uow: NoticesUnitOfWork, *, community: Community, now: datetime
) -> list[ListedNotice]:
    """/notices: those published in the last 30 days (newest first, withdrawn ones too) with
    their counts, then the scheduled ones."""
    listed = []
    for notice in await uow.notices.recent(community.id, now - LIVE_FOR):
        listed.append(ListedNotice(notice, await _count(uow, notice)))
    return listed


# "Remind them" on /unread: at most once per notice in this long.
REMIND_EVERY = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Household:
    """A household in scope that has not confirmed: reachable when some verified resident of
    it has a private chat with the bot."""

    unit: str
    building: str
    residents: tuple[int, ...]
    reachable: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Unread:
    notice: Notice
    total: int  # the households in scope (a rep's buildings of a notice for everyone)
    households: tuple[Household, ...]  # those that have not confirmed, by building, then unit

    @property
    def reachable(self) -> tuple[Household, ...]:
        return tuple(h for h in self.households if h.reachable)

    @property
    def door_knocking(self) -> tuple[Household, ...]:
        return tuple(h for h in self.households if not h.reachable)


async def unread_households(
    uow: NoticesUnitOfWork, *, community: Community, actor: Actor, notice: Notice
) -> Unread:
    """The households in scope that have not confirmed: for the author, admins and the reps of
    the notice's building (a rep sees only their buildings of a notice for everyone)."""
    mine: frozenset[str] | None = None
    if not (actor.is_admin or actor.user_id == notice.author_id):
        if not actor.is_rep or (
            notice.building is not None and notice.building not in actor.buildings
        ):
            raise NotAllowed("notices.unread_not_allowed", number=notice.number)
        mine = frozenset(actor.buildings) if notice.building is None else None
    if notice.status is NoticeStatus.SCHEDULED:
        raise UserError("notices.not_published", number=notice.number)
    verified = await uow.residents.verified(community.id)
    reads = await uow.notices.reads(notice.id)
    residents: dict[tuple[str, str], list[int]] = {}
    for m in verified:
        if in_scope(notice.building, m.building) and (mine is None or m.building in mine):
            residents.setdefault((m.building, m.unit_code), []).append(m.user_id)
    reachable = await uow.notices.reachable({u for users in residents.values() for u in users})
    households = tuple(
        Household(
            unit,
            building,
            tuple(dict.fromkeys(users)),
            tuple(u for u in dict.fromkeys(users) if u in reachable),
        )
        for (building, unit), users in sorted(
            residents.items(),
            key=lambda item: (natural_order(item[0][0]), natural_order(item[0][1])),
        )
        if unit not in reads
    )
    return Unread(notice, len(residents), households)


@dataclass(frozen=True, slots=True)
class Reminded:
    households: int
    people: int


async def remind_unread(
    uow: NoticesUnitOfWork, *, community: Community, actor: Actor, notice_id: int, now: datetime
) -> Reminded:
    """ "Remind them": a private reminder with Read to each reachable resident of the households
    that have not confirmed, through the outbox; once per notice every 6 hours."""
    notice = await notice_of(uow, community, notice_id=notice_id)
    unread = await unread_households(uow, community=community, actor=actor, notice=notice)
    if notice.status is not NoticeStatus.PUBLISHED:
        raise UserError("notices.already_off", number=notice.number)
    last = await uow.notices.last_reminder(notice.id)
    if last is not None and now - last < REMIND_EVERY:
        again = (last + REMIND_EVERY).astimezone(ZoneInfo(community.timezone))
        raise UserError(
            "notices.remind_too_soon", number=notice.number, at=again.strftime("%Y-%m-%d %H:%M")
        )
    targets = unread.reachable
    if not targets:
        raise UserError("notices.remind_nobody", number=notice.number)
    await uow.notices.add_reminder(notice.id, actor.user_id, now=now)
    seen: set[int] = set()
    intents = []
    for household in targets:
        for user_id in household.reachable:
            if user_id in seen:
                continue  # one reminder a person, for the first of their households
            seen.add(user_id)
            params: dict[str, Param] = {"user": user_id, "unit": household.unit}
            intents.append(Intent(Tell.NOTICE_REMINDER, notice.id, person_lane(user_id), params))
    await tell(uow, *intents, now=now)
    await uow.commit()
    return Reminded(len(targets), len(intents))
