"""Closing votes on time. PTB's JobQueue keeps jobs in memory only, so every open vote's
deadline lives in SQLite and is armed again at start-up (`rearm_votes`); a deadline that passed
while the bot was down closes the vote at once. Jobs are named `vote-close:<id>`, and arming
removes any job of that name first, so doing it twice is harmless."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InputFile
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.communities.model import Community
from bot.errors import UserError
from bot.i18n import t
from bot.roles.model import Actor
from bot.votes.cases import CloseResult, close_vote, freeze_late, open_announced
from bot.votes.chain import fingerprint
from bot.votes.model import BallotRow, Vote
from handlers.common import in_chat, send_text
from handlers.context import BotApplication, BotContext
from handlers.votes.ledger import ledger_csv
from handlers.votes.render import result_text

log = logging.getLogger(__name__)


def job_name(vote_id: int) -> str:
    return f"vote-close:{vote_id}"


def schedule_close(context: BotContext | BotApplication, vote: Vote) -> None:
    job_queue = context.job_queue
    if job_queue is None or vote.closes_at is None:
        return
    for job in job_queue.get_jobs_by_name(job_name(vote.id)):
        job.schedule_removal()
    now = context.bot_data["services"].now()
    delay = max(vote.closes_at - now, timedelta(0))
    job_queue.run_once(on_close_due, when=delay, name=job_name(vote.id), data=vote.id)


def open_job_name(vote_id: int) -> str:
    return f"vote-open:{vote_id}"


def schedule_open(context: BotContext | BotApplication, vote: Vote) -> None:
    """An announced vote opens by itself on its date (at once if that passed while down)."""
    job_queue = context.job_queue
    if job_queue is None or vote.opens_at is None:
        return
    for job in job_queue.get_jobs_by_name(open_job_name(vote.id)):
        job.schedule_removal()
    now = context.bot_data["services"].now()
    delay = max(vote.opens_at - now, timedelta(0))
    job_queue.run_once(on_open_due, when=delay, name=open_job_name(vote.id), data=vote.id)


async def on_open_due(context: CallbackContext) -> None:
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    try:
        await publish_open(context, job.data)  # type: ignore[arg-type]
    except UserError:
        log.info("vote %s was already open", job.data)


async def publish_open(context: BotContext, vote_id: int) -> Vote:
    """Open, turn the announcement into the live card, tell the group, arm the closing."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        vote = await open_announced(uow, vote_id=vote_id, now=services.now())
        community = await uow.communities.get(vote.community_id)
    assert community is not None
    await services.vote_cards.draw_now(vote_id)
    schedule_close(context, vote)
    await send_text(
        context, community.chat_id, t(community.language, "votes.started", number=vote.number)
    )
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
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    try:
        await publish_close(context, job.data, actor=None)  # type: ignore[arg-type]
    except UserError:
        log.info("vote %s was already closed", job.data)


async def publish_close(context: BotContext, vote_id: int, *, actor: Actor | None) -> CloseResult:
    """Close, redraw the card without buttons, post and pin the result (公示)."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        result = await close_vote(uow, vote_id=vote_id, now=services.now(), actor=actor)
        community = await uow.communities.get(result.figures.vote.community_id)
    assert community is not None
    job_queue = context.job_queue
    if job_queue is not None:
        for job in job_queue.get_jobs_by_name(job_name(vote_id)):
            job.schedule_removal()
    await services.vote_cards.draw_now(vote_id)
    if result.topic is not None:
        services.topic_cards.touch(result.topic.id)
    message = await send_text(
        context,
        community.chat_id,
        result_text(result.figures, community, fingerprint(result.chain_head)),
    )
    try:
        await context.bot.pin_chat_message(
            message.chat_id, message.message_id, disable_notification=True
        )
    except TelegramError as exc:
        log.warning("could not pin the result of vote %s: %s", vote_id, exc)
    async with services.uow() as uow:
        await uow.votes.set_result_message(vote_id, message.message_id)
        await uow.commit()
        rows = await uow.votes.ballot_rows(vote_id)
    await _publish_ledger(context, community, result, rows)
    return result


async def _publish_ledger(
    context: BotContext, community: Community, result: CloseResult, rows: list[BallotRow]
) -> None:
    """The ledger goes to the group beside the result, with the full fingerprint."""
    vote = result.figures.vote
    lang = community.language
    caption = t(
        lang,
        "votes.ledger_caption",
        number=vote.number,
        fingerprint=fingerprint(result.chain_head),
        head=result.chain_head,
    )
    ledger = ledger_csv(result.figures, rows, lang)
    try:
        await in_chat(
            context,
            community.chat_id,
            lambda chat: context.bot.send_document(
                chat,
                InputFile(ledger, filename=f"ledger-{vote.number}.csv"),
                caption=caption[:1024],
            ),
        )
    except TelegramError as exc:
        log.warning("could not publish the ledger of vote %s: %s", vote.id, exc)
