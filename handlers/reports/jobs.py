"""Ticket deadlines. They live in SQLite (`report_timers`); each pending one is armed as a job
named `report-sla:<timer id>`, again at every start-up, and one that fell due while the bot was
down fires at once. Firing marks the timer in the same transaction as its escalation is
written into the outbox, so it fires once only and the escalation is never lost."""

from __future__ import annotations

import logging

from telegram.ext import CallbackContext

from bot.reports.cases import fire_timer
from bot.reports.model import Timer
from handlers import timers
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)


def job_name(timer_id: int) -> str:
    return f"report-sla:{timer_id}"


def arm_report_timers(context: BotContext | BotApplication) -> None:
    """Arm every pending timer that has no job yet (called after each ticket change)."""
    timers.soon(context, "report-sla:arm", _arm_pending)


async def _arm_pending(context: CallbackContext) -> None:
    services = context.bot_data["services"]
    if context.job_queue is None:
        return
    async with services.uow() as uow:
        pending = await uow.reports.pending_timers()
    for timer in pending:
        timers.arm_missing(context, job_name(timer.id), timer.due_at, on_timer_due, timer)


async def on_timer_due(context: CallbackContext) -> None:
    timer = timers.job_data(context, Timer)
    if timer is None:
        return
    services = context.bot_data["services"]
    async with services.uow() as uow:
        late = await fire_timer(uow, timer, services.now())
    if late is not None:  # its escalation was written into the outbox with the firing
        ticket, community = late
        log.info("ticket %s of community %s is overdue (%s)", ticket.id, community.id, timer.kind)
        services.wake_outbox()
