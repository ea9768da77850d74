"""Closing votes on time. PTB's JobQueue keeps jobs in memory only, so every open vote's
deadline lives in SQLite and is armed again at start-up (`rearm_votes`); a deadline that passed
while the bot was down closes the vote at once. Jobs are named `vote-close:<id>` and armed with
`handlers.timers.arm`, so doing it twice is harmless. An hourly job redraws the open
cards, so that their "time left" line stays true between ballots."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import CallbackContext

from bot.errors import UserError
from bot.roles.model import Actor
from bot.votes.cases import CloseResult, close_vote, freeze_late, open_announced
from bot.votes.model import Vote
from handlers import timers
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)


def job_name(vote_id: int) -> str:
    return f"vote-close:{vote_id}"


def schedule_close(context: BotContext | BotApplication, vote: Vote) -> None:
    if vote.closes_at is not None:
        timers.arm(context, job_name(vote.id), vote.closes_at, on_close_due, vote.id)


CARD_REFRESH_JOB = "vote-cards-refresh"
CARD_REFRESH_EVERY = timedelta(hours=1)


def schedule_card_refresh(app: BotApplication) -> None:
    """Every hour, touch each open vote's card (started once at start-up; again is harmless)."""
    timers.repeat(app, CARD_REFRESH_JOB, CARD_REFRESH_EVERY, refresh_open_cards)


async def refresh_open_cards(context: CallbackContext) -> int:
    """Touch the live card of every open vote: LiveCards redraws it at its pace, coalesced with
    ballots' touches, and an unchanged card costs one ignored "message is not modified"."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        votes = await uow.votes.open_votes()
    touched = [vote.id for vote in votes if vote.card is not None]
    for vote_id in touched:
        services.vote_cards.touch(vote_id)
    return len(touched)


def open_job_name(vote_id: int) -> str:
    return f"vote-open:{vote_id}"


def schedule_open(context: BotContext | BotApplication, vote: Vote) -> None:
    """An announced vote opens by itself on its date (at once if that passed while down)."""
    if vote.opens_at is not None:
        timers.arm(context, open_job_name(vote.id), vote.opens_at, on_open_due, vote.id)


async def on_open_due(context: CallbackContext) -> None:
    vote_id = timers.job_data(context, int)
    if vote_id is None:
        return
    try:
        await publish_open(context, vote_id)  # type: ignore[arg-type]
    except UserError:
        log.info("vote %s was already open", vote_id)


async def publish_open(context: BotContext, vote_id: int) -> Vote:
    """Open and arm the closing; the outbox turns the announcement into the live card and
    tells the group (written with the opening, so neither is lost if a send fails)."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        vote = await open_announced(uow, vote_id=vote_id, now=services.now())
    schedule_close(context, vote)
    services.wake_outbox()
    return vote


async def rearm_votes(app: BotApplication) -> int:
    async with app.bot_data["services"].uow() as uow:
        frozen = await freeze_late(uow)
    if frozen:
        log.info("froze the electorates of votes opened before the upgrade: %s", frozen)
    async with app.bot_data["services"].uow() as uow:
        votes = await uow.votes.open_votes()
        announced = await uow.votes.announced_votes()
    for vote in votes:
        schedule_close(app, vote)
    for vote in announced:
        schedule_open(app, vote)
    return len(votes) + len(announced)


async def on_close_due(context: CallbackContext) -> None:
    vote_id = timers.job_data(context, int)
    if vote_id is None:
        return
    try:
        await publish_close(context, vote_id, actor=None)  # type: ignore[arg-type]
    except UserError:
        log.info("vote %s was already closed", vote_id)


async def publish_close(context: BotContext, vote_id: int, *, actor: Actor | None) -> CloseResult:
    """Close; the outbox redraws the card without buttons, posts and pins the result (公示) and
    the ledger (written with the close, so the result is never lost if a send fails)."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        result = await close_vote(uow, vote_id=vote_id, now=services.now(), actor=actor)
    timers.disarm(context, job_name(vote_id))
    services.wake_outbox()
    if result.topic is not None:
        services.topic_cards.touch(result.topic.id)
    return result
