"""Building the Application: services in `bot_data`, started in `post_init` and stopped in
`post_shutdown`; every handler module's `register`, in the order documented here.

Start-up repairs what a stop may have cut short: after the migrations, the vote jobs are re-armed
and every live card (open and announced votes, topics still taking support, recent notices) is
redrawn once from the database; then the outbox sender starts and resends what was left pending
(`handlers/deliveries.py`). At a clean stop the pending redraws and due outbox entries are drawn
first, for at most `DRAIN_SECONDS` (in `post_stop`: in `post_shutdown` the bot can no longer
send)."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.meetings.cases import live_meeting_cards
from bot.notices.cases import live_notice_cards
from bot.topics.cases import live_topic_cards
from bot.votes.cases import live_vote_cards
from handlers import communities, home, language, start
from handlers.codes import commands as codes
from handlers.context import BotApplication, BotContext, Services, utc_now
from handlers.deliveries import start_outbox, stop_outbox
from handlers.digest import commands as digest
from handlers.digest.jobs import rearm_digests
from handlers.errors import on_error
from handlers.live_cards import LiveCards
from handlers.meetings import commands as meetings
from handlers.meetings.delivery import render_meeting_card
from handlers.meetings.jobs import start_meetings
from handlers.menus import set_command_menus
from handlers.notices import commands as notices
from handlers.notices.jobs import rearm_notices
from handlers.pipeline import InboxBot, OrderedProcessor, Pipeline
from handlers.points import commands as points
from handlers.rate_limit import TelegramRateLimiter
from handlers.reports import commands as reports
from handlers.reports import form as report_form
from handlers.reports.jobs import arm_report_timers
from handlers.residents import buttons as residents_buttons
from handlers.residents import commands as residents
from handlers.residents import owners as residents_owners
from handlers.residents import pending as residents_pending
from handlers.stats import commands as stats
from handlers.throttle import Throttle
from handlers.topics import commands as topics
from handlers.units import commands as units
from handlers.votes import ballots as vote_ballots
from handlers.votes import commands as votes
from handlers.votes import drafts as vote_drafts
from handlers.votes import objections as vote_objections
from handlers.votes import paper_menu as vote_paper_menu
from handlers.votes import pickers as vote_pickers
from handlers.votes import private as vote_private
from handlers.votes import progress as vote_progress
from handlers.votes.batch import stop_ballots
from handlers.votes.jobs import rearm_votes, schedule_card_refresh
from storage.database import Database

log = logging.getLogger(__name__)

# Telegram answers 429 past its flood limits; the limiter keeps to them (20 a minute per group,
# about 1 a second per private chat, 30 a second overall) and waits and retries when told to.
RETRIES_AFTER_FLOOD = 5
# At a clean stop, pending card redraws get this long; what is left is redrawn at the next start.
DRAIN_SECONDS = 5.0
# HTTP connections for sends, edits and answers: a few more than the rate limiter lets be in
# flight at once (handlers/rate_limit.py); getUpdates has its own connection.
CONNECTIONS = 8


def build_application(settings: Settings) -> BotApplication:
    bot: ExtBot[Any] = InboxBot(
        settings.bot_token.get_secret_value(),
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
        request=HTTPXRequest(connection_pool_size=CONNECTIONS),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=TelegramRateLimiter(max_retries=RETRIES_AFTER_FLOOD),
    )
    app: BotApplication = (
        Application.builder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(OrderedProcessor(lambda: pipeline_of(app)))
        .post_init(_start_services)
        .post_stop(_drain_cards)
        .post_shutdown(_stop_services)
        .build()
    )
    app.bot_data["settings"] = settings
    register_handlers(app)
    return app


def register_handlers(app: BotApplication) -> None:
    """Order matters twice: /start with a report or ticket link before the plain /start, and
    the private-message handler of the report form, then the fallbacks, last."""
    reports.register_start_links(app)
    codes.register_first(app)  # the slip's `c-<code>` link; a code typed in the group
    vote_private.register_start_links(app)
    digest.register_start_links(app)  # `dp-<proposal>`: a topic prefilled from the digest
    start.register(app)
    communities.register(app)
    units.register(app)
    residents.register(app)
    residents_buttons.register(app)
    residents_owners.register(app)
    residents_pending.register(app)
    codes.register(app)
    language.register(app)
    topics.register(app)
    points.register(app)  # /points, /top
    meetings.register(app)
    notices.register(app)
    digest.register(app)
    votes.register(app)
    vote_drafts.register(app)  # also a message handler in group -1: a draft's awaited question
    vote_pickers.register(app)
    vote_paper_menu.register(app)  # `/paper <vote>` before the three-word `/paper`
    vote_ballots.register(app)
    vote_objections.register(app)
    vote_progress.register(app)
    reports.register(app)
    report_form.register(app)
    stats.register(app)
    home.register(app)  # the home keyboard's labels, before the private-message fallback
    report_form.register_private_messages(app)
    start.register_fallbacks(app)
    app.add_error_handler(on_error)


async def _start_services(app: BotApplication) -> None:
    settings: Settings = app.bot_data["settings"]
    database = await Database.open(settings.database_path)
    app.bot_data["database"] = database
    pipeline = Pipeline(database, Throttle(), settings.bot_language)
    app.bot_data["pipeline"] = pipeline
    if isinstance(app.bot, InboxBot):
        app.bot.use(pipeline, next_offset=await pipeline.next_offset())
    replayed = await pipeline.replay(app.update_queue, app.bot)
    pipeline.start()
    services = make_services(app, database, settings)
    app.bot_data["services"] = services
    await services.vote_cards.start()
    await services.topic_cards.start()
    await services.meeting_cards.start()
    await services.notice_cards.start()
    await set_command_menus(app.bot, settings.bot_language)
    armed = await rearm_votes(app)
    schedule_card_refresh(app)  # the open cards' "time left", hourly
    await rearm_notices(app)  # scheduled notices; one whose time passed is published now
    await rearm_digests(app)  # weekly digests; one less than a day late is sent now
    arm_report_timers(app)
    vote_cards, topic_cards, notice_cards = await repair_live_cards(services)
    held, created, reminders = await start_meetings(app)
    meeting_cards = await repair_meeting_cards(services)
    outbox = await start_outbox(app, services)
    log.info(
        "start-up repairs: %d updates replayed from the inbox; %d vote cards, %d topic cards,"
        " %d notice cards redrawn; %d vote jobs re-armed; %d outbox entries pending",
        replayed,
        vote_cards,
        topic_cards,
        notice_cards,
        armed,
        outbox.pending,
    )
    log.info(
        "meetings: %d held while down, %d scheduled for weekly series, %d reminders armed,"
        " %d meeting cards redrawn",
        held,
        created,
        reminders,
        meeting_cards,
    )
    log.info(
        "bot @%s started; database %s; %d open votes armed",
        app.bot.username,
        settings.database_path,
        armed,
    )


def make_services(app: BotApplication, database: Database, settings: Settings) -> Services:
    return Services(
        uow=database.unit_of_work,
        settings=settings,
        vote_cards=LiveCards(
            app.bot, partial(votes.render_vote_card, database.unit_of_work, utc_now)
        ),
        topic_cards=LiveCards(app.bot, partial(topics.render_topic_card, database.unit_of_work)),
        meeting_cards=LiveCards(app.bot, partial(render_meeting_card, database.unit_of_work)),
        notice_cards=LiveCards(app.bot, partial(notices.render_notice_card, database.unit_of_work)),
    )


async def repair_live_cards(services: Services) -> tuple[int, int, int]:
    """Touch every live card, so LiveCards redraws it from the database at its pace (an
    unchanged card costs one "message is not modified"). Returns (vote cards, topic cards,
    notice cards)."""
    async with services.uow() as uow:
        votes_live = await live_vote_cards(uow)
        topics_live = await live_topic_cards(uow)
        notices_live = await live_notice_cards(uow, now=services.now())
    for vote_id in votes_live:
        services.vote_cards.touch(vote_id)
    for topic_id in topics_live:
        services.topic_cards.touch(topic_id)
    for notice_id in notices_live:
        services.notice_cards.touch(notice_id)
    return len(votes_live), len(topics_live), len(notices_live)


async def repair_meeting_cards(services: Services) -> int:
    """Touch the card of every scheduled meeting, as `repair_live_cards` does for the others."""
    async with services.uow() as uow:
        live = await live_meeting_cards(uow)
    for meeting_id in live:
        services.meeting_cards.touch(meeting_id)
    return len(live)


async def _drain_cards(app: BotApplication) -> None:
    """After the updates stopped and before the bot shuts down: draw the pending cards."""
    services = app.bot_data.get("services")
    if isinstance(services, Services):
        await asyncio.gather(
            stop_outbox(services),
            services.vote_cards.stop(drain=DRAIN_SECONDS),
            services.topic_cards.stop(drain=DRAIN_SECONDS),
            services.meeting_cards.stop(drain=DRAIN_SECONDS),
            services.notice_cards.stop(drain=DRAIN_SECONDS),
        )


def pipeline_of(app: BotApplication) -> Pipeline | None:
    pipeline = app.bot_data.get("pipeline")
    return pipeline if isinstance(pipeline, Pipeline) else None


async def _stop_services(app: BotApplication) -> None:
    await stop_ballots(app.bot_data)
    pipeline = app.bot_data.pop("pipeline", None)
    if isinstance(pipeline, Pipeline):
        await pipeline.stop()
    services = app.bot_data.get("services")
    if isinstance(services, Services):
        if outbox_left := await stop_outbox(services, drain=0):
            log.warning("stopped with %d outbox entries pending; resent at start-up", outbox_left)
        votes_left = await services.vote_cards.stop()
        topics_left = await services.topic_cards.stop()
        meetings_left = await services.meeting_cards.stop()
        notices_left = await services.notice_cards.stop()
        if votes_left or topics_left or notices_left:
            log.warning(
                "stopped with %d vote cards, %d topic cards, %d notice cards not redrawn;"
                " the next start-up redraws them",
                votes_left,
                topics_left,
                notices_left,
            )
        if meetings_left:
            log.warning(
                "stopped with %d meeting cards not redrawn; the next start-up redraws them",
                meetings_left,
            )
    database = app.bot_data.pop("database", None)
    if isinstance(database, Database):
        await database.close()


ALLOWED_UPDATES = Update.ALL_TYPES
