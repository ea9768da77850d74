"""Meeting timers. Reminders live in SQLite (`meeting_reminders`); each pending one is armed as
a job `meeting-remind:<id>`, after every change and again at start-up, and one that fell due
while the bot was down fires at once (sent if the meeting is still ahead, else skipped).
Firing marks the reminder in the same transaction as its outbox entry, so it goes out once.
Each scheduled meeting's start is a job too (`meeting-start:<id>:<start>`, named by its start
so a moved meeting gets a new one): it marks the meeting held and schedules a weekly series'
next meeting, as start-up does for what passed meanwhile."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.ext import CallbackContext

from bot.meetings.cases import fire_reminder, hold_due
from handlers import timers
from handlers.context import BotApplication, BotContext, Services

log = logging.getLogger(__name__)


def remind_job_name(reminder_id: int) -> str:
    return f"meeting-remind:{reminder_id}"


def start_job_name(meeting_id: int, starts_at: datetime) -> str:
    return f"meeting-start:{meeting_id}:{int(starts_at.timestamp())}"


def arm_meetings(context: BotContext | BotApplication) -> None:
    """Arm every pending reminder and scheduled start that has no job yet."""
    timers.soon(context, "meeting:arm", _arm_pending)


async def _arm_pending(context: CallbackContext) -> None:
    await arm_now(context)


async def arm_now(context: CallbackContext | BotApplication) -> int:
    """Returns how many reminders are pending."""
    services: Services = context.bot_data["services"]
    if context.job_queue is None:
        return 0
    async with services.uow() as uow:
        reminders = await uow.meetings.pending_reminders()
        meetings = await uow.meetings.scheduled()
    for reminder in reminders:
        name = remind_job_name(reminder.id)
        timers.arm_missing(context, name, reminder.due_at, on_reminder_due, reminder.id)
    for meeting in meetings:
        name = start_job_name(meeting.id, meeting.starts_at)
        timers.arm_missing(context, name, meeting.starts_at, on_start_due, meeting.id)
    return len(reminders)


async def on_reminder_due(context: CallbackContext) -> None:
    reminder_id = timers.job_data(context, int)
    if reminder_id is None:
        return
    services: Services = context.bot_data["services"]
    async with services.uow() as uow:
        sent = await fire_reminder(uow, reminder_id, now=services.now())
    if sent is not None:  # its entry was written with the firing
        log.info("meeting %s: reminder %s sent", sent.meeting_id, sent.id)
        services.wake_outbox()


async def on_start_due(context: CallbackContext) -> None:
    services: Services = context.bot_data["services"]
    async with services.uow() as uow:
        held, created = await hold_due(uow, now=services.now())
    if held or created:
        services.wake_outbox()
        arm_meetings(context)  # type: ignore[arg-type]


async def start_meetings(app: BotApplication) -> tuple[int, int, int]:
    """At start-up: what passed while the bot was down is held, every weekly series has its
    next meeting, and the timers are armed. Returns (held, created, reminders pending)."""
    services: Services = app.bot_data["services"]
    async with services.uow() as uow:
        held, created = await hold_due(uow, now=services.now())
    pending = await arm_now(app)
    return len(held), len(created), pending
