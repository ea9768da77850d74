"""Publishing scheduled notices on time. PTB's JobQueue keeps jobs in memory only, so every
scheduled notice's time lives in SQLite and is armed again at start-up (`rearm_notices`); a time
that passed while the bot was down publishes the notice at once. Jobs are named
`notice-publish:<id>`, and arming removes any job of that name first, so doing it twice is
harmless; publishing marks the notice published in the same transaction as its card's outbox
entry, so a job that fires twice posts it once."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import CallbackContext

from bot.notices.cases import publish_due, scheduled_notices
from bot.notices.model import Notice
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)


def job_name(notice_id: int) -> str:
    return f"notice-publish:{notice_id}"


def unschedule_publish(context: BotContext | BotApplication, notice_id: int) -> None:
    job_queue = context.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(job_name(notice_id)):
        job.schedule_removal()


def schedule_publish(context: BotContext | BotApplication, notice: Notice) -> None:
    job_queue = context.job_queue
    if job_queue is None or notice.publish_at is None:
        return
    unschedule_publish(context, notice.id)
    now = context.bot_data["services"].now()
    delay = max(notice.publish_at - now, timedelta(0))
    job_queue.run_once(on_publish_due, when=delay, name=job_name(notice.id), data=notice.id)


async def on_publish_due(context: CallbackContext) -> None:
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    services = context.bot_data["services"]
    async with services.uow() as uow:
        notice = await publish_due(uow, notice_id=job.data, now=services.now())
    if notice is None:
        log.info("notice %s was not waiting any more (published or cancelled)", job.data)
        return
    services.wake_outbox()


async def rearm_notices(app: BotApplication) -> int:
    """Arm every scheduled notice's job (at once for one whose time passed while down)."""
    async with app.bot_data["services"].uow() as uow:
        waiting = await scheduled_notices(uow)
    for notice in waiting:
        schedule_publish(app, notice)
    if waiting:
        log.info("re-armed %d scheduled notices", len(waiting))
    return len(waiting)
