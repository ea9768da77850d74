"""Ticket deadlines. They live in SQLite (`report_timers`); each pending one is armed as a job
named `report-sla:<timer id>`, again at every start-up, and one that fell due while the bot was
down fires at once. Firing marks the timer in the same transaction as its escalation is
written into the outbox, so it fires once only and the escalation is never lost."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import CallbackContext

from bot.reports.cases import fire_timer
from bot.reports.model import Timer
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)


def job_name(timer_id: int) -> str:
    return f"report-sla:{timer_id}"


def arm_report_timers(context: BotContext | BotApplication) -> None:
    """Arm every pending timer that has no job yet (called after each ticket change)."""
    job_queue = context.job_queue
    if job_queue is None:
        return
    job_queue.run_once(_arm_pending, when=0, name="report-sla:arm")


async def _arm_pending(context: CallbackContext) -> None:
    services = context.bot_data["services"]
    job_queue = context.job_queue
    if job_queue is None:
        return
    async with services.uow() as uow:
        timers = await uow.reports.pending_timers()
    now = services.now()
    for timer in timers:
        if job_queue.get_jobs_by_name(job_name(timer.id)):
            continue
        delay = max(timer.due_at - now, timedelta(0))
        job_queue.run_once(on_timer_due, when=delay, name=job_name(timer.id), data=timer)


async def on_timer_due(context: CallbackContext) -> None:
    job = context.job
    if job is None or not isinstance(job.data, Timer):
        return
    services = context.bot_data["services"]
    async with services.uow() as uow:
        late = await fire_timer(uow, job.data, services.now())
    if late is not None:  # its escalation was written into the outbox with the firing
        ticket, community = late
        log.info(
            "ticket %s of community %s is overdue (%s)", ticket.id, community.id, job.data.kind
        )
        services.wake_outbox()
