"""The weekly digest on time. PTB's JobQueue keeps jobs in memory only, so the schedule lives in
SQLite and each community's timer `digest:<community>` is armed again (`handlers.timers`) after
each send, after a change of the schedule and at start-up (`rearm_digests`); arming twice leaves
one job; sending records the week as sent in the same transaction
as the outbox entry, so a job that fires twice, or a restart, sends one digest. A week missed
while the bot was down is sent at start-up if less than a day late, else skipped (logged). An
hourly sweep arms the communities set up since start-up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import CallbackContext

from bot.digest.cases import digest_schedule, due_digests, send_due_digest
from bot.digest.model import next_digest_at
from handlers import timers
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)
SWEEP = "digest-sweep"
# Communities set up after start-up get their timer within this long (their first digest is
# due the next Monday anyway).
SWEEP_EVERY = timedelta(hours=1)


def job_name(community_id: int) -> str:
    return f"digest:{community_id}"


def arm_digest(
    context: BotContext | BotApplication | CallbackContext, community_id: int, at: datetime | None
) -> None:
    """The community's timer at `at`, replacing any earlier one; None: no timer (off)."""
    if at is None:
        timers.disarm(context, job_name(community_id))
    else:
        timers.arm(context, job_name(community_id), at, on_digest_due, community_id)


async def fire_digest(
    context: BotContext | BotApplication | CallbackContext, community_id: int
) -> bool:
    """Send the digest due now (once), then arm the next one. True if one was written."""
    services = context.bot_data["services"]
    now = services.now()
    async with services.uow() as uow:
        due = await send_due_digest(uow, community_id=community_id, now=now)
    if due is not None:
        services.wake_outbox()
    async with services.uow() as uow:
        schedule = await digest_schedule(uow, community_id)
        community = await uow.communities.get(community_id)
    if community is not None and schedule.enabled:
        at = next_digest_at(schedule.weekday, schedule.clock, community.timezone, now)
        arm_digest(context, community_id, at)
    return due is not None


async def on_digest_due(context: CallbackContext) -> None:
    community_id = timers.job_data(context, int)
    if community_id is not None:
        await fire_digest(context, community_id)


async def rearm_digests(app: BotApplication) -> int:
    """At start-up: a digest still owed is sent now, every community's next one armed; then
    hourly, the communities set up since get theirs (`on_digest_sweep`)."""
    armed = await _arm(app, every=True)
    timers.repeat(app, SWEEP, SWEEP_EVERY, on_digest_sweep)
    log.info("weekly digests armed for %d communities", armed)
    return armed


async def on_digest_sweep(context: CallbackContext) -> None:
    await _arm(context, every=False)


async def _arm(context: BotContext | BotApplication | CallbackContext, *, every: bool) -> int:
    """Arm each community's timer (`every`: all of them; else only those without one)."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        due = await due_digests(uow, services.now())
    for timer in due:
        if timer.skipped is not None and every:
            log.info(
                "digest of community %s due %s skipped: the bot was down for more than a day",
                timer.community_id,
                timer.skipped.isoformat(),
            )
        if timer.owed is not None:
            await fire_digest(context, timer.community_id)
        elif every:
            arm_digest(context, timer.community_id, timer.next_at)
        else:  # the sweep: only the communities without a timer yet
            timers.arm_missing(
                context,
                job_name(timer.community_id),
                timer.next_at,
                on_digest_due,
                timer.community_id,
            )
    return len(due)
