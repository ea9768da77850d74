"""/vote (with buttons for what was left out), the ballot buttons, /close, /result, /remind,
/export and /verify. Closing at the deadline is in `vote_jobs.py`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from telegram import InlineKeyboardMarkup, InputFile, Update, User
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, UserError
from bot.i18n import t, when, whole_number
from bot.outbox import EntryStatus, OutboxEntry, Tell
from bot.ports import UnitOfWork
from bot.units.model import natural_order
from bot.votes.cases import (
    Figures,
    attach_vote_card,
    create_vote,
    figures,
    may_remind,
    reminder_targets,
    verify_vote,
    vote_by_number,
    votes_to_pick,
)
from bot.votes.chain import fingerprint
from bot.votes.model import BallotSource, Vote, VoteStatus
from bot.votes.options import MAX_DURATION, parse_vote_args
from bot.votes.tally import Choice
from handlers.common import (
    actor_in,
    command_args,
    language_of,
    open_private_button,
    reply,
    require_community,
    send_private,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.format import csv_file
from handlers.live_cards import Card
from handlers.reports.commands import cmd_export_reports
from handlers.stats.export import cmd_export_stats
from handlers.votes.jobs import schedule_close, schedule_open
from handlers.votes.render import (
    announcement_text,
    buildings_text,
    close_confirm_card,
    current_result_text,
    draft_card,
    figures_text,
    picker_keyboard,
    verification_text,
    vote_card,
)

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024
MAX_NUMBER = 999_999_999  # a vote number has at most 9 digits
MAX_DRAFT_MINUTES = int(MAX_DURATION.total_seconds() // 60)


async def render_vote_card(
    uow_factory: Callable[[], UnitOfWork], now: Callable[[], datetime], vote_id: int
) -> Card | None:
    """The vote card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        vote = await uow.votes.get(vote_id)
        community = await uow.communities.get(vote.community_id) if vote else None
        shown = (
            await figures(uow, vote)
            if vote is not None and vote.status in (VoteStatus.OPEN, VoteStatus.CLOSED)
            else None
        )
    announced = vote is not None and vote.status is VoteStatus.ANNOUNCED
    if announced and vote is not None and community is not None and vote.card is not None:
        return Card(vote.card[0], vote.card[1], announcement_text(vote, community), None)
    if vote is None or community is None or vote.card is None or shown is None:
        return None
    text, keyboard = vote_card(shown, community, now())
    return Card(vote.card[0], vote.card[1], text, keyboard)


def _vote_number(update: Update, command: str) -> int:
    args = command_args(update)
    number = whole_number(args[0].removeprefix("#"), high=MAX_NUMBER) if len(args) == 1 else None
    if number is None:
        raise UserError("usage.vote_number", command=command)
    return number


async def cmd_vote(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    request = parse_vote_args(command_args(update))
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        vote = await create_vote(
            uow, community=community, actor=actor, request=request, now=context.services.now()
        )
    if vote.status is VoteStatus.DRAFT:
        text, keyboard = draft_card(vote, community)
        draft = await reply(update, text, reply_markup=keyboard)
        if draft is not None:
            async with context.services.uow() as uow:
                await attach_vote_card(uow, vote.id, draft.chat_id, draft.message_id)
        return
    await post_card(context, community, vote)


async def post_card(context: BotContext, community: Community, vote: Vote) -> None:
    """The live card of an open vote, or the announcement of one that opens later: the outbox
    posts it (written when the vote started); its opening or closing is armed here."""
    if vote.status is VoteStatus.ANNOUNCED:
        schedule_open(context, vote)
    else:
        schedule_close(context, vote)
    context.services.wake_outbox()
    if vote.topic_id is not None:
        context.services.topic_cards.touch(vote.topic_id)


async def _offer_picker(
    update: Update, context: BotContext, community: Community, action: str
) -> None:
    """A command sent without a number: the votes it can act on, as buttons (`pickers.py`)."""
    closed_too = action in PICK_RECENT
    async with context.services.uow() as uow:
        votes = await votes_to_pick(
            uow, community.id, closed_too=closed_too, now=context.services.now()
        )
    lang = community.language
    if not votes:
        raise UserError("votes.pick_none_recent" if closed_too else "votes.pick_none_open")
    keyboard = picker_keyboard(votes, action, lang)
    await reply(update, t(lang, f"votes.pick_{PICK_COMMANDS[action]}"), reply_markup=keyboard)


# The picker's actions: the command each one stands for; result, export and verify offer the
# votes closed in the last 90 days too.
PICK_COMMANDS = {"c": "close", "r": "result", "m": "remind", "e": "export", "v": "verify"}
PICK_RECENT = frozenset({"r", "e", "v"})


def _wants_picker(update: Update) -> bool:
    return not command_args(update)


async def ask_close(
    context: BotContext, community: Community, user_id: int, vote: Vote
) -> tuple[str, InlineKeyboardMarkup]:
    """`/close 3` (or its picker): not at once, but "Close vote #3 now? n of N have voted."
    with Yes / No for the one who asked (`pickers.on_close_confirm`)."""
    actor = await actor_in(context, community, user_id)
    if not actor.is_committee:
        raise NotAllowed("votes.close_not_allowed")
    if vote.status is VoteStatus.CLOSED:
        raise UserError("votes.already_closed", number=vote.number)
    if vote.status is not VoteStatus.OPEN:
        raise UserError("votes.not_open", number=vote.number)
    async with context.services.uow() as uow:
        shown = await figures(uow, vote)
    return close_confirm_card(shown, user_id, community.language)


async def _require_committee(
    context: BotContext, community: Community, user_id: int, key: str
) -> None:
    actor = await actor_in(context, community, user_id)
    if not actor.is_committee:
        raise NotAllowed(key)


async def cmd_close(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    if _wants_picker(update):
        await _require_committee(context, community, user.id, "votes.close_not_allowed")
        await _offer_picker(update, context, community, "c")
        return
    number = _vote_number(update, "close")
    await _require_committee(context, community, user.id, "votes.close_not_allowed")
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
    text, keyboard = await ask_close(context, community, user.id, vote)
    await reply(update, text, reply_markup=keyboard)


async def result_of(context: BotContext, community: Community, vote: Vote) -> str:
    """What `/result 3` answers: the announcement, the figures so far, or the result."""
    async with context.services.uow() as uow:
        if vote.status is VoteStatus.DRAFT:
            raise UserError("votes.not_started")
        if vote.status is VoteStatus.ANNOUNCED:
            return announcement_text(vote, community)
        shown = await figures(uow, vote)
        head = await uow.votes.chain_head(vote.id)
    return current_result_text(
        shown, community, community.language, fingerprint(head.hash) if head else None
    )


async def cmd_result(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    if _wants_picker(update):
        await _offer_picker(update, context, community, "r")
        return
    number = _vote_number(update, "result")
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
    await reply(update, await result_of(context, community, vote))


async def remind_now(context: BotContext, community: Community, user_id: int, vote: Vote) -> str:
    """`/remind 3`: the round is recorded with its reminders and report in the outbox (none
    lost, none sent twice); the header for the chat is returned."""
    actor = await actor_in(context, community, user_id)
    if not may_remind(actor):
        raise NotAllowed("votes.remind_not_allowed")
    async with context.services.uow() as uow:
        await reminder_targets(uow, vote, actor, now=context.services.now())
        shown = await figures(uow, vote)
    context.services.wake_outbox()  # the reminders, then the counts and who was missed
    lang = community.language
    closes = when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"
    return t(
        lang,
        "votes.remind_header",
        number=vote.number,
        question=vote.question,
        closes=closes,
        buildings=buildings_text(shown, lang),
    )


async def cmd_remind(update: Update, context: BotContext) -> None:
    """Private reminders to the voters of the ballots not cast yet: a rep reaches only their
    buildings, once per vote every 6 hours; who could not be reached goes to the sender."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    if _wants_picker(update):
        if not may_remind(await actor_in(context, community, user.id)):
            raise NotAllowed("votes.remind_not_allowed")
        await _offer_picker(update, context, community, "m")
        return
    number = _vote_number(update, "remind")
    if not may_remind(await actor_in(context, community, user.id)):
        raise NotAllowed("votes.remind_not_allowed")
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
    await reply(update, await remind_now(context, community, user.id, vote))


async def deliver_reminded(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.VOTE_REMINDED`, after the round's reminders in its lane: the group hears the
    counts; the sender privately hears the units that could not be reached (to knock on
    doors), computed from how the round's reminders went out."""
    async with context.services.uow() as uow:
        vote = await uow.votes.get(entry.intent.subject)
        community = await uow.communities.get(vote.community_id) if vote else None
        round_ = [
            e
            for e in await uow.outbox.of_subject(Tell.VOTE_REMINDER, entry.intent.subject)
            if e.intent.lane == entry.intent.lane
        ]
    if vote is None or community is None:
        return
    reached = {str(e.intent.params["key"]) for e in round_ if e.status is EntryStatus.DONE}
    missed = [e for e in round_ if e.status is EntryStatus.FAILED]
    params = entry.intent.params
    if params["to"] == "group":
        text = t(
            community.language,
            "votes.remind_done",
            sent=len(round_) - len(missed),
            unreachable=len(missed),
        )
        await send_text(context, community.chat_id, text)
        return
    units = {
        unit
        for e in missed
        if str(e.intent.params["key"]) not in reached
        for unit in str(e.intent.params["units"]).split(",")
    }
    units |= {u for u in str(params.get("nobody") or "").split(",") if u}
    if units:
        sender = int(str(params["sender"]))
        lang = await language_of(context, sender, community.language)
        listed = ", ".join(sorted(units, key=natural_order))
        text = t(lang, "votes.remind_unreached", number=vote.number, units=listed)
        await send_private(context, sender, text[:4000])


# The export's columns (text keys `votes.export_col.<name>`); a secret vote has no choice and
# no time column, and its rows are in unit order, so nobody can match them to the live tally.
EXPORT_COLUMNS = ("vote", "unit", "building", "owner", "area", "choice", "voter", "cast_at")
SECRET_COLUMNS = ("vote", "unit", "building", "owner", "area", "voter")


@dataclass(frozen=True, slots=True)
class ExportRow:
    units: tuple[str, ...]
    buildings: tuple[str, ...]
    owners: tuple[str, ...]
    area_m2: Decimal | None
    choice: Choice
    voter: str
    cast_at: datetime


def _area_cell(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def ballots_csv(vote: Vote, rows: list[ExportRow], community: Community) -> bytes:
    """The ballots in the community's language and time zone; formula-safe cells."""
    lang = community.language
    columns = SECRET_COLUMNS if vote.secret else EXPORT_COLUMNS
    ordered = sorted(rows, key=lambda r: natural_order(r.units[0])) if vote.secret else rows
    cells = []
    for row in ordered:
        values = {
            "vote": vote.number,
            "unit": " ".join(row.units),
            "building": " ".join(row.buildings),
            "owner": " ".join(row.owners),
            "area": _area_cell(row.area_m2),
            "choice": t(lang, f"choice.{row.choice.value}"),
            "voter": row.voter,
            "cast_at": when(row.cast_at, lang, community.timezone),
        }
        cells.append([values[c] for c in columns])
    return csv_file([t(lang, f"votes.export_col.{c}") for c in columns], cells)


async def cmd_export(update: Update, context: BotContext) -> None:
    """One row per ballot, privately, in the community's language. A secret vote: refused while
    open; after close, who took part (for the quorum) but not what they chose."""
    if [a.lower() for a in command_args(update)] == ["reports"]:
        await cmd_export_reports(update, context)
        return
    if [a.lower() for a in command_args(update)][:1] == ["stats"]:
        await cmd_export_stats(update, context)
        return
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    if _wants_picker(update):
        await _require_committee(context, community, user.id, "votes.export_not_allowed")
        await _offer_picker(update, context, community, "e")
        return
    number = _vote_number(update, "export")
    await _require_committee(context, community, user.id, "votes.export_not_allowed")
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
    text, keyboard = await export_to(context, community, user, vote)
    await reply(update, text, reply_markup=keyboard)


async def export_to(
    context: BotContext, community: Community, user: User, vote: Vote
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The ballots sent to `user` privately; what the chat is told (sent, or open a private
    chat with the bot first)."""
    actor = await actor_in(context, community, user.id)
    if not actor.is_committee:
        raise NotAllowed("votes.export_not_allowed")
    async with context.services.uow() as uow:
        if vote.status in (VoteStatus.DRAFT, VoteStatus.ANNOUNCED):
            raise UserError("votes.not_started")
        if vote.secret and vote.status is not VoteStatus.CLOSED:
            raise UserError("votes.export_secret_open", number=vote.number)
        shown = await figures(uow, vote)
        ballots = await uow.votes.ballot_rows(vote.id)
        head = await uow.votes.chain_head(vote.id)
    lang = await user_language(context, user)
    rows = []
    for ballot in ballots:
        voter = shown.electorate.voters.get(ballot.voter_key)
        units = voter.units if voter else (ballot.voter_key,)
        cast_by = ballot.cast_by_name
        if ballot.source is BallotSource.PAPER:  # the clerk's name, marked as paper
            cast_by = f"{cast_by} ({t(lang, 'ballot_source.paper')})"
        rows.append(
            ExportRow(
                units=units,
                buildings=voter.buildings if voter else (),
                # the owners as frozen with the electorate, not as the register says today
                owners=tuple(sorted({u.owner_key for u in voter.members})) if voter else (),
                area_m2=voter.area_m2 if voter else None,
                choice=ballot.choice,
                voter=cast_by,
                cast_at=ballot.cast_at,
            )
        )
    record = f"{fingerprint(head.hash)}\n{head.hash}" if head else None
    caption = export_caption(shown, community, lang, record)
    try:
        await context.bot.send_document(
            user.id,
            InputFile(ballots_csv(vote, rows, community), filename=f"vote-{vote.number}.csv"),
            caption=caption[:CAPTION_LIMIT],
        )
    except (Forbidden, BadRequest):
        return (
            t(community.language, "common.start_private_first"),
            open_private_button(context, community.language),
        )
    return t(community.language, "votes.export_sent"), None


def export_caption(shown: Figures, community: Community, lang: Language, head: str | None) -> str:
    """The export's caption: the question, the outcome (or when it closes), the figures and the
    chain head; a secret vote adds only its totals."""
    vote = shown.vote
    if vote.status is VoteStatus.CLOSED and vote.outcome is not None:
        status = t(lang, f"outcome.{vote.outcome.value}")
    else:
        closes = when(vote.closes_at, lang, community.timezone) if vote.closes_at else "-"
        status = t(lang, "votes.export_open", closes=closes)
    caption = t(
        lang,
        "votes.export_caption_full",
        number=vote.number,
        question=vote.question,
        status=status,
        figures=figures_text(shown, lang),
        head=head or "-",
    )
    if vote.secret:
        counts = shown.tally.counts
        caption += t(
            lang,
            "votes.export_secret",
            for_=counts[Choice.FOR],
            against=counts[Choice.AGAINST],
            abstain=counts[Choice.ABSTAIN],
        )
    return caption


async def verification_of(context: BotContext, community: Community, vote: Vote) -> str:
    async with context.services.uow() as uow:
        checked = await verify_vote(uow, community=community, vote_id=vote.id)
    return verification_text(vote, checked, community.language)


async def cmd_verify(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    if _wants_picker(update):
        await _offer_picker(update, context, community, "v")
        return
    number = _vote_number(update, "verify")
    async with context.services.uow() as uow:
        vote = await vote_by_number(uow, community, number)
    await reply(update, await verification_of(context, community, vote))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("vote", cmd_vote))
    app.add_handler(CommandHandler("close", cmd_close))
    app.add_handler(CommandHandler("result", cmd_result))
    app.add_handler(CommandHandler("remind", cmd_remind))
    app.add_handler(CommandHandler("export", cmd_export))
    app.add_handler(CommandHandler("verify", cmd_verify))
