"""The weekly digest on time. PTB's JobQueue keeps jobs in memory only, so the schedule lives in
SQLite and each community's timer `digest:<community>` is armed again after each send, after a
change of the schedule and at start-up (`rearm_digests`). Arming removes any job of that name
first, so doing it twice is harmless; sending records the week as sent in the same transaction
as the outbox entry, so a job that fires twice, or a restart, sends one digest. A week missed
while the bot was down is sent at start-up if less than a day late, else skipped (logged). An
hourly sweep arms the communities set up since start-up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import CallbackContext

from bot.digest.cases import digest_schedule, due_digests, send_due_digest
from bot.digest.model import next_digest_at
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
    job_queue = context.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(job_name(community_id)):
        job.schedule_removal()
    if at is None:
        return
    delay = max(at - context.bot_data["services"].now(), timedelta(0))
    job_queue.run_once(on_digest_due, when=delay, name=job_name(community_id), data=community_id)


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
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    await fire_digest(context, job.data)


async def rearm_digests(app: BotApplication) -> int:
    """At start-up: a digest still owed is sent now, every community's next one armed; then
    hourly, the communities set up since get theirs (`on_digest_sweep`)."""
    armed = await _arm(app, every=True)
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(SWEEP):
            job.schedule_removal()
        app.job_queue.run_repeating(on_digest_sweep, interval=SWEEP_EVERY, name=SWEEP)
    log.info("weekly digests armed for %d communities", armed)
    return armed


async def on_digest_sweep(context: CallbackContext) -> None:
    await _arm(context, every=False)


async def _arm(context: BotContext | BotApplication | CallbackContext, *, every: bool) -> int:
    """Arm each community's timer (`every`: all of them; else only those without one)."""
    services = context.bot_data["services"]
    async with services.uow() as uow:
        timers = await due_digests(uow, services.now())
    job_queue = context.job_queue
    for timer in timers:
        if timer.skipped is not None and every:
            log.info(
                "digest of community %s due %s skipped: the bot was down for more than a day",
                timer.community_id,
                timer.skipped.isoformat(),
            )
        if timer.owed is not None:
            await fire_digest(context, timer.community_id)
        elif every or (
            job_queue is not None and not job_queue.get_jobs_by_name(job_name(timer.community_id))
        ):
            arm_digest(context, timer.community_id, timer.next_at)
    return len(timers)
