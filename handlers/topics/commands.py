"""/propose, the Support button, /topics and /settings."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.cases import set_support_threshold, set_vote_periods
from bot.errors import NotFound, UserError
from bot.i18n import t, whole_number
from bot.meetings.cases import agenda_of_topics
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from bot.reports.cases import set_deadlines
from bot.topics.cases import attach_topic_card, propose_topic, toggle_support
from bot.votes.options import parse_duration
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    command_text,
    community_of_chat,
    edit_text,
    reply,
    require_card,
    require_community,
    send_text,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.digest.settings import DIGEST_SETTING, apply_digest_setting
from handlers.format import duration_text
from handlers.live_cards import Card
from handlers.meetings.commands import MEETING_SETTINGS, apply_meeting_setting
from handlers.points.settings import POINTS_SETTING, apply_points_setting
from handlers.reports.settings import EMERGENCY_SETTING, apply_emergency_setting
from handlers.topics.render import topic_card, topic_list


async def render_topic_card(uow_factory: Callable[[], UnitOfWork], topic_id: int) -> Card | None:
    """The topic card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        topic = await uow.topics.get(topic_id)
        community = await uow.communities.get(topic.community_id) if topic else None
        if topic is None or community is None or topic.card is None:
            return None
        slot = (await agenda_of_topics(uow, community.id)).get(topic.id)
    text, keyboard = topic_card(topic, community, slot)
    return Card(topic.card[0], topic.card[1], text, keyboard)


async def cmd_propose(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    text = command_text(update)
    async with context.services.uow() as uow:
        await propose_topic(
            uow,
            community=community,
            user_id=user.id,
            text=text,
            now=context.services.now(),
            reply_to=message.message_id,
        )
    context.services.wake_outbox()  # the card with Support, written with the topic


async def deliver_topic_card(context: BotContext, entry: OutboxEntry) -> None:
    """The topic's card with Support, replying to the proposal; once it is posted, a redraw
    (the topic moved on a step: a vote opened or closed, a meeting took it up)."""
    async with context.services.uow() as uow:
        topic = await uow.topics.get(entry.intent.subject)
        community = await uow.communities.get(topic.community_id) if topic else None
        if topic is None or community is None:
            return
        slot = (await agenda_of_topics(uow, community.id)).get(topic.id)
    card_text, keyboard = topic_card(topic, community, slot)
    if topic.card is not None:
        await edit_text(context, topic.card[0], topic.card[1], card_text, reply_markup=keyboard)
        return
    reply_to = entry.intent.params.get("reply_to")
    card = await send_text(
        context,
        community.chat_id,
        card_text,
        reply_markup=keyboard,
        reply_to_message_id=reply_to if isinstance(reply_to, int) else None,
        allow_sending_without_reply=True,
    )
    async with context.services.uow() as uow:
        await attach_topic_card(uow, topic.id, card.chat_id, card.message_id)


async def on_support(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.TOPIC_SUPPORT, 1)
    topic_id = callbacks.int_arg(args[0]) if args else None
    if topic_id is None or query.message is None:
        raise UserError("common.stale_button")
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise NotFound("topics.not_found")
    async with context.services.uow() as uow:
        pressed = await uow.topics.get(topic_id)
        if pressed is not None and pressed.community_id == community.id:
            require_card(query, pressed.card)
        result = await toggle_support(
            uow,
            community=community,
            topic_id=topic_id,
            user_id=query.from_user.id,
            now=context.services.now(),
        )
    context.services.topic_cards.touch(topic_id)
    lang = await user_language(context, query.from_user)
    key = "topics.supported" if result.supported else "topics.withdrawn"
    await query.answer(t(lang, key, household=result.household))
    if result.reached_discussion:
        context.services.wake_outbox()  # the group is told


async def deliver_reached(context: BotContext, entry: OutboxEntry) -> None:
    """The topic reached the support threshold: the group is told (at least once)."""
    async with context.services.uow() as uow:
        topic = await uow.topics.get(entry.intent.subject)
        community = await uow.communities.get(topic.community_id) if topic else None
    if topic is None or community is None:
        return
    supports = entry.intent.params.get("supports", topic.supports)
    text = t(
        community.language,
        "topics.reached",
        number=topic.number,
        title=topic.title,
        supports=supports,
    )
    await send_text(context, community.chat_id, text)


async def cmd_topics(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    async with context.services.uow() as uow:
        topics = await uow.topics.of_community(community.id)
        slots = await agenda_of_topics(uow, community.id)
    await reply(update, topic_list(topics, community, community.language, slots))


PERIOD_SETTINGS = ("notice_days", "publication_days")


async def cmd_settings(update: Update, context: BotContext) -> None:
    """`/settings support_threshold <n>`, `/settings response_time <24h>`, `plan_time <3d>`,
    `notice_days <15>` (Civil Code votes are announced this long ahead), `publication_days <7>`."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    lang = community.language
    if args and args[0].lower() == POINTS_SETTING:  # /settings points <act> <n>
        await apply_points_setting(update, context, community, args[1:])
        return
    if args and args[0].lower() == EMERGENCY_SETTING:  # the numbers may contain spaces
        await apply_emergency_setting(update, context, community)
        return
    if args and args[0].lower() == DIGEST_SETTING:  # `digest mon 09:00` or `digest off`
        await apply_digest_setting(update, context, community)
        return
    name = args[0].lower() if len(args) == 2 else ""
    duration = parse_duration(args[1]) if name in ("response_time", "plan_time") else None
    threshold = whole_number(args[1], low=0, high=999_999) if name == "support_threshold" else None
    days = whole_number(args[1], low=0, high=999) if name in PERIOD_SETTINGS else None
    if name in MEETING_SETTINGS:  # meeting_reminders, agenda_limit
        admin = (
            sent_by_anonymous_admin(update.effective_message)
            or (await actor_in(context, community, user.id)).is_admin
        )
        await apply_meeting_setting(update, context, community, name, args[1], admin)
        return
    if threshold is None and duration is None and days is None:
        raise UserError(
            "usage.settings",
            threshold=community.support_threshold,
            response=duration_text(community.response_time, lang),
            plan=duration_text(community.plan_time, lang),
            notice=community.notice_period.days,
            publication=community.publication_period.days,
        )
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    async with context.services.uow() as uow:
        if days is not None:
            updated = await set_vote_periods(
                uow,
                community,
                notice_days=days if name == "notice_days" else None,
                publication_days=days if name == "publication_days" else None,
                is_admin=admin,
            )
            text = t(
                lang,
                "settings.periods_done",
                notice=updated.notice_period.days,
                publication=updated.publication_period.days,
            )
        elif threshold is not None:
            updated = await set_support_threshold(uow, community, threshold, is_admin=admin)
            text = t(lang, "settings.done", threshold=updated.support_threshold)
        else:
            updated = await set_deadlines(
                uow,
                community,
                response=duration if name == "response_time" else None,
                plan=duration if name == "plan_time" else None,
                is_admin=admin,
            )
            text = t(
                lang,
                "settings.deadlines_done",
                response=duration_text(updated.response_time, lang),
                plan=duration_text(updated.plan_time, lang),
            )
    await reply(update, text)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("propose", cmd_propose))
    app.add_handler(CommandHandler("topics", cmd_topics))
    app.add_handler(CommandHandler("settings", cmd_settings))
    app.add_handler(
        CallbackQueryHandler(on_support, pattern=callbacks.pattern(callbacks.TOPIC_SUPPORT))
    )
