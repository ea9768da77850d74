"""Publishing scheduled notices on time. PTB's JobQueue keeps jobs in memory only, so every
scheduled notice's time lives in SQLite and is armed again at start-up (`rearm_notices`); a time
that passed while the bot was down publishes the notice at once. Jobs are named
`notice-publish:<id>` and armed with `handlers.timers.arm`, so doing it twice is harmless;
publishing marks the notice published in the same transaction as its card's outbox entry, so a
job that fires twice posts it once."""

from __future__ import annotations

import logging

from telegram.ext import CallbackContext

from bot.notices.cases import publish_due, scheduled_notices
from bot.notices.model import Notice
from handlers import timers
from handlers.context import BotApplication, BotContext

log = logging.getLogger(__name__)


def job_name(notice_id: int) -> str:
    return f"notice-publish:{notice_id}"


def unschedule_publish(context: BotContext | BotApplication, notice_id: int) -> None:
    timers.disarm(context, job_name(notice_id))


def schedule_publish(context: BotContext | BotApplication, notice: Notice) -> None:
    if notice.publish_at is not None:
        timers.arm(context, job_name(notice.id), notice.publish_at, on_publish_due, notice.id)


async def on_publish_due(context: CallbackContext) -> None:
    notice_id = timers.job_data(context, int)
    if notice_id is None:
        return
    services = context.bot_data["services"]
    async with services.uow() as uow:
        notice = await publish_due(uow, notice_id=notice_id, now=services.now())
    if notice is None:
        log.info("notice %s was not waiting any more (published or cancelled)", notice_id)
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
