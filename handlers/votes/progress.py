"""`/progress` (Vote progress), privately for reps, the committee and admins: per open vote,
their buildings (all for the committee and admins) unit by unit from the frozen electorate,
✅ voted / ⬜ not voted / 📵 not reachable (nobody who may cast the ballot has a private chat
with the bot, `private_chats`), the door-knocking list, and **Remind the reachable ones**
`v1:pg:<vote id>`: a `/remind` round (`reminder_targets`, its 6-hour limit included) limited to
those the bot may write to. Never a choice: a secret vote shows the same as an open one."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, NotFound, UserError
from bot.i18n import counted, t, when
from bot.ports import UnitOfWork
from bot.roles.model import Actor
from bot.votes.cases import electorate_of, may_remind, reminder_targets, voter_users
from bot.votes.model import Vote, VoteStatus
from bot.votes.progress import Mark, VoteProgress, vote_progress
from handlers import callbacks
from handlers.common import (
    actor_in,
    require_own_keyboard,
    require_private_screen,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.residents.privately import answer_privately, chunks_of, staff_communities

MARKS = {Mark.VOTED: "✅", Mark.NOT_VOTED: "⬜", Mark.UNREACHABLE: "📵"}


async def progress_of(uow: UnitOfWork, vote: Vote, actor: Actor) -> VoteProgress:
    """The vote's progress in the actor's buildings (all for the committee)."""
    electorate = await electorate_of(uow, vote)
    cast = await uow.votes.ballots(vote.id)
    users = await voter_users(uow, vote, electorate.voters)
    everyone = {u for people in users.values() for u in people}
    reachable = await uow.notices.reachable(everyone)
    register = {u.code: u.building for u in await uow.units.in_register(vote.community_id)}
    for voter in electorate.voters.values():  # as frozen, for units retired since
        for unit in voter.members:
            register.setdefault(unit.code, unit.building)
    buildings = set(register.values())
    shown = buildings if actor.is_committee else buildings & actor.buildings
    return vote_progress(electorate, set(cast), users, reachable, register, shown)


def progress_text(vote: Vote, progress: VoteProgress, community: Community, lang: Language) -> str:
    closes = when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"
    lines = [
        t(
            lang,
            "progress.vote",
            number=vote.number,
            question=vote.question,
            community=community.name,
            closes=closes,
        ),
        t(
            lang,
            "progress.total",
            voted=progress.count(Mark.VOTED),
            units=progress.units,
            unreachable=progress.count(Mark.UNREACHABLE),
        ),
    ]
    for building in progress.buildings:
        lines.append("")
        lines.append(
            t(
                lang,
                "progress.building",
                building=building.building,
                voted=building.count(Mark.VOTED),
                units=len(building.units),
            )
        )
        for mark, icon in MARKS.items():
            units = building.of(mark)
            if units:
                lines.append(f"{icon} {t(lang, 'progress.sep').join(units)}")
    doors = [(b.building, b.of(Mark.UNREACHABLE)) for b in progress.buildings]
    doors = [(b, units) for b, units in doors if units]
    lines.append("")
    if doors:
        lines.append(t(lang, "progress.doors"))
        sep = t(lang, "progress.sep")
        lines.extend(
            t(lang, "progress.doors_building", building=b, units=sep.join(units))
            for b, units in doors
        )
    else:
        lines.append(t(lang, "progress.no_doors"))
    lines.append(t(lang, "progress.legend"))
    return "\n".join(lines)


def remind_keyboard(
    vote: Vote, progress: VoteProgress, lang: Language
) -> InlineKeyboardMarkup | None:
    if not progress.remindable:
        return None
    button = InlineKeyboardButton(
        t(lang, "progress.remind", count=progress.count(Mark.NOT_VOTED)),
        callback_data=callbacks.pack(callbacks.VOTE_PROGRESS, vote.id),
    )
    return InlineKeyboardMarkup([[button]])


async def cmd_progress(update: Update, context: BotContext) -> None:
    """Vote progress for the asker's buildings, always privately (in a group, the group only
    hears that it went out privately)."""
    user = update.effective_user
    assert user is not None
    places = [(c, a) for c, a in await staff_communities(update, context) if may_remind(a)]
    if not places:
        raise NotAllowed("progress.not_allowed")
    lang = await user_language(context, user)
    messages: list[tuple[str, InlineKeyboardMarkup | None]] = []
    async with context.services.uow() as uow:
        open_votes = await uow.votes.open_votes()
        for community, actor in places:
            for vote in (v for v in open_votes if v.community_id == community.id):
                progress = await progress_of(uow, vote, actor)
                chunks = chunks_of(progress_text(vote, progress, community, lang))
                messages += [(c, None) for c in chunks[:-1]]
                messages.append((chunks[-1], remind_keyboard(vote, progress, lang)))
    if not messages:
        messages = [(t(lang, "progress.none"), None)]
    await answer_privately(update, context, places[0][0], messages)


async def on_remind_reachable(update: Update, context: BotContext) -> None:
    """Remind the reachable ones: on the presser's own /progress screen; the presser is
    re-checked in the vote's community, and the round is `/remind`'s (once per vote every
    6 hours per sender), limited to the people the bot may write to in their buildings."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.VOTE_PROGRESS, 1)
    vote_id = callbacks.int_arg(args[0]) if args else None
    if vote_id is None:
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    async with context.services.uow() as uow:
        vote = await uow.votes.get(vote_id)
        community = await uow.communities.get(vote.community_id) if vote else None
    if vote is None or community is None:
        raise NotFound("common.stale_button")
    if vote.status is not VoteStatus.OPEN:
        raise UserError("votes.not_open", number=vote.number)
    actor = await actor_in(context, community, query.from_user.id)
    if not may_remind(actor):
        raise NotAllowed("votes.remind_not_allowed")
    now = context.services.now()
    async with context.services.uow() as uow:
        progress = await progress_of(uow, vote, actor)
        if not progress.remindable:
            raise UserError("progress.nobody_to_remind")
        sent = await reminder_targets(uow, vote, actor, now=now, only_users=progress.remindable)
    lang = await user_language(context, query.from_user)
    households = len({target.voter_key for target in sent.targets})
    reminded = t(lang, "progress.reminded", count=counted(households, lang))
    await query.answer(reminded, show_alert=True)
    context.services.wake_outbox()  # the reminders, then the counts and the doors to knock


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("progress", cmd_progress))
    app.add_handler(
        CallbackQueryHandler(
            on_remind_reachable, pattern=callbacks.pattern(callbacks.VOTE_PROGRESS)
        )
    )
