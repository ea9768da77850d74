"""Use cases of notices: posting one (its card through the outbox, in the same transaction),
confirming it for one's household, the count its card shows."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError, Whole
from bot.i18n import number
from bot.notices.model import (
    MAX_MESSAGE,
    AuthorRole,
    Notice,
    ReadCount,
    ReadResult,
    count_reads,
    in_scope,
    message_length,
    notice_card_text,
    parse_notice,
)
from bot.notices.ports import NoticesUnitOfWork
from bot.outbox import Intent, Tell, group_lane, tell
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
    uow: NoticesUnitOfWork, *, community: Community, actor: Actor, text: str, now: datetime
) -> Notice:
    """`text` is what follows `/notice`: an optional scope (`building 3`, `楼栋 3`, `3号楼`),
    then the notice. A rep's notice is always for one of their buildings."""
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
    draft = Notice(
        id=0,
        community_id=community.id,
        number=await uow.notices.next_number(community.id),
        text=request.text,
        building=building,
        author_id=actor.user_id,
        author_role=role,
    )
    total = (await _count(uow, draft)).total
    length = message_length(notice_card_text(draft, ReadCount(total, total), community.language))
    if length > MAX_MESSAGE:
        lang = community.language
        raise UserError(
            "notices.too_long", length=number(length, lang), limit=number(MAX_MESSAGE, lang)
        )
    notice = await uow.notices.add(
        community_id=community.id,
        text=request.text,
        building=building,
        author_id=actor.user_id,
        author_role=role,
        now=now,
    )
    await tell(uow, Intent(Tell.NOTICE_CARD, notice.id, group_lane(community.id)), now=now)
    await uow.commit()
    return notice


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
