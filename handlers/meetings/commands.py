"""/meeting (schedule, move, cancel; privately `/meeting <n>`: the meeting's menu), the card
and its Attend / Can't attend buttons, /agenda, /minutes with the author's outcome buttons, the
meeting settings, and the deliverers of what the meeting use cases write into the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, NotFound, UserError
from bot.i18n import t, whole_number
from bot.meetings.cases import (
    answer_rsvp,
    attach_meeting_card,
    attach_minutes,
    cancel_meeting,
    edit_agenda,
    mark_outcome,
    meeting_by_number,
    meeting_view,
    move_meeting,
    next_meeting,
    post_minutes,
    schedule_meeting,
    set_agenda_limit,
    set_meeting_reminders,
)
from bot.meetings.model import MAX_AGENDA_LIMIT, Answer, Meeting, MeetingStatus, MeetingView
from bot.meetings.schedule import parse_offsets
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from bot.roles.model import Actor
from bot.topics.model import Topic, TopicStatus
from bot.votes.cases import attach_vote_card
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    community_here,
    community_of_chat,
    edit_text,
    is_private,
    language_of,
    reply,
    require_card,
    require_community,
    require_private_screen,
    send_private,
    send_text,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.live_cards import Card
from handlers.meetings.jobs import arm_meetings
from handlers.meetings.render import (
    OUTCOME_CODES,
    agenda_answer,
    cancel_question,
    meeting_card,
    meeting_menu,
    meeting_text,
    meeting_when,
    minutes_text,
    offsets_text,
    outcomes_screen,
    reminder_text,
)
from handlers.outbox import Undeliverable
from handlers.votes.render import draft_card

log = logging.getLogger(__name__)
MAX_NUMBER = 999_999_999
MOVE_WORDS = ("move", "改期")
CANCEL_WORDS = ("cancel", "取消")
ALL_WORDS = ("all", "全部")
ADD_WORDS = ("add", "添加", "加入")
REMOVE_WORDS = ("remove", "移除", "删除")
MEETING_SETTINGS = ("meeting_reminders", "agenda_limit")
MENU_ACTIONS = frozenset("oaruwdxyb")
OUTCOMES = {code: outcome for outcome, code in OUTCOME_CODES.items()}


def _number(word: str) -> int | None:
    return whole_number(word.removeprefix("#"), high=MAX_NUMBER)


async def _acting(update: Update, context: BotContext, community: Community) -> Actor:
    user = update.effective_user
    assert user is not None
    if sent_by_anonymous_admin(update.effective_message):  # writes as the group itself
        return Actor(user.id, is_chat_admin=True)
    return await actor_in(context, community, user.id)


async def _view(uow: UnitOfWork, meeting_id: int) -> tuple[MeetingView, Community] | None:
    meeting = await uow.meetings.get(meeting_id)
    community = await uow.communities.get(meeting.community_id) if meeting else None
    if meeting is None or community is None:
        return None
    return await meeting_view(uow, meeting), community


async def render_meeting_card(
    uow_factory: Callable[[], UnitOfWork], meeting_id: int
) -> Card | None:
    """The meeting card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        found = await _view(uow, meeting_id)
    if found is None or found[0].meeting.card is None:
        return None
    view, community = found
    card = view.meeting.card
    assert card is not None
    text, keyboard = meeting_card(view, community)
    return Card(card[0], card[1], text, keyboard)


# --- /meeting ---------------------------------------------------------------------------


async def cmd_meeting(update: Update, context: BotContext) -> None:
    """In the group: `/meeting <date> <HH:MM> <place>`, `/meeting weekly wed 19:30 <place>`,
    `/meeting move <n> <date> <HH:MM> [place]`, `/meeting cancel <n> [all]`, `/meeting <n>`.
    Privately: `/meeting <n>`, the meeting's menu."""
    args = command_args(update)
    if is_private(update):
        await _private_menu(update, context, args)
        return
    community = await require_community(update, context)
    services = context.services
    lang = community.language
    action = args[0].lower() if args else ""
    if action in MOVE_WORDS or action in CANCEL_WORDS:
        number = _number(args[1]) if len(args) >= 2 else None
        if number is None:
            raise UserError("usage.meeting_number", action=action)
        actor = await _acting(update, context, community)
        async with services.uow() as uow:
            if action in MOVE_WORDS:
                moved, told = await move_meeting(
                    uow,
                    community=community,
                    actor=actor,
                    number=number,
                    words=args[2:],
                    now=services.now(),
                )
                text = t(
                    lang,
                    "meetings.moved",
                    number=moved.number,
                    when=meeting_when(moved.starts_at, community, lang),
                    told=told,
                )
            else:
                whole = len(args) == 3 and args[2].lower() in ALL_WORDS
                if len(args) > 3 or (len(args) == 3 and not whole):
                    raise UserError("usage.meeting")
                cancelled, created, told = await cancel_meeting(
                    uow,
                    community=community,
                    actor=actor,
                    number=number,
                    whole_series=whole,
                    now=services.now(),
                )
                text = _cancelled_text(cancelled, created, community, whole, told)
        services.wake_outbox()
        arm_meetings(context)
        await reply(update, text)
        return
    if len(args) == 1 and (number := _number(args[0])) is not None:
        async with services.uow() as uow:
            meeting = await meeting_by_number(uow, community, number)
            view = await meeting_view(uow, meeting)
        await reply(update, meeting_text(view, community, lang))
        return
    actor = await _acting(update, context, community)
    async with services.uow() as uow:
        await schedule_meeting(
            uow,
            community=community,
            actor=actor,
            text=" ".join(args),
            now=services.now(),
        )
    services.wake_outbox()  # the card, written with the meeting
    arm_meetings(context)


def _cancelled_text(
    cancelled: Meeting, created: list[Meeting], community: Community, whole: bool, told: int
) -> str:
    lang = community.language
    lines = [t(lang, "meetings.cancelled", number=cancelled.number, told=told)]
    if whole:
        lines.append(t(lang, "meetings.series_ended"))
    for meeting in created:
        when = meeting_when(meeting.starts_at, community, lang)
        lines.append(t(lang, "meetings.cancelled_next", number=meeting.number, when=when))
    return "\n".join(lines)


async def _committee_in(context: BotContext, community: Community, user_id: int) -> Actor:
    actor = await actor_in(context, community, user_id)
    if not actor.is_committee:
        raise NotAllowed("meetings.not_committee")
    return actor


async def _menu_content(
    context: BotContext, meeting_id: int, lang_of: int
) -> tuple[str, InlineKeyboardMarkup | None, Community, Meeting]:
    async with context.services.uow() as uow:
        found = await _view(uow, meeting_id)
        if found is None:
            raise NotFound("meetings.not_found")
        view, community = found
        on_agenda = {item.topic_id for item in view.agenda}
        addable: list[Topic] = [
            topic
            for topic in await uow.topics.of_community(community.id)
            if topic.status is TopicStatus.DISCUSSION and topic.id not in on_agenda
        ]
    lang = await language_of(context, lang_of, community.language)
    text, keyboard = meeting_menu(view, community, lang, addable)
    return text, keyboard, community, view.meeting


async def _private_menu(update: Update, context: BotContext, args: list[str]) -> None:
    user = update.effective_user
    assert user is not None
    community = await community_here(
        update, context, refusal="common.which_community", with_role=True
    )
    number = _number(args[0]) if len(args) == 1 else None
    async with context.services.uow() as uow:
        if number is not None:
            meeting = await meeting_by_number(uow, community, number)
        else:
            found = await next_meeting(uow, community.id, context.services.now())
            if found is None:
                raise UserError("meetings.none_ahead")
            meeting = found
    await _committee_in(context, community, user.id)
    if meeting.minutes is not None and meeting.minutes_by == user.id:  # the marks, again
        async with context.services.uow() as uow:
            view = await meeting_view(uow, meeting)
        lang = await language_of(context, user.id, community.language)
        text, marks = outcomes_screen(view, lang)
        if marks is not None:
            await reply(update, text, reply_markup=marks)
            return
    text, keyboard, _, _ = await _menu_content(context, meeting.id, user.id)
    await reply(update, text, reply_markup=keyboard)


# --- the card and its buttons -------------------------------------------------------------


async def deliver_meeting_card(context: BotContext, entry: OutboxEntry) -> None:
    """Post the meeting's card if it has none, else redraw it (never twice)."""
    async with context.services.uow() as uow:
        found = await _view(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    text, keyboard = meeting_card(view, community)
    card = view.meeting.card
    if card is not None:
        await edit_text(context, card[0], card[1], text, reply_markup=keyboard)
        return
    sent = await send_text(context, community.chat_id, text, reply_markup=keyboard)
    async with context.services.uow() as uow:
        await attach_meeting_card(uow, view.meeting.id, sent.chat_id, sent.message_id)


async def on_rsvp(update: Update, context: BotContext) -> None:
    """Attend / Can't attend on the card: the presser's household answers (changeable)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.MEETING_RSVP, 2)
    meeting_id = callbacks.int_arg(args[0]) if args else None
    answer = {"a": Answer.ATTEND, "n": Answer.ABSENT}.get(args[1]) if args else None
    if meeting_id is None or answer is None or query.message is None:
        raise UserError("common.stale_button")
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise NotFound("meetings.not_found")
    async with context.services.uow() as uow:
        pressed = await uow.meetings.get(meeting_id)
        if pressed is not None and pressed.community_id == community.id:
            require_card(query, pressed.card)
        result = await answer_rsvp(
            uow,
            community=community,
            meeting_id=meeting_id,
            user_id=query.from_user.id,
            answer=answer,
            now=context.services.now(),
        )
    if result.changed:
        context.services.meeting_cards.touch(meeting_id)
    lang = await user_language(context, query.from_user)
    key = f"meetings.answered_{answer.value}" if result.changed else "meetings.answered_same"
    await query.answer(t(lang, key, households=", ".join(result.households)))


# --- /agenda --------------------------------------------------------------------------------


async def cmd_agenda(update: Update, context: BotContext) -> None:
    """`/agenda`: the next meeting; `/agenda add|remove <topic> [meeting]` (committee)."""
    community = await community_here(update, context, refusal="common.which_community")
    services = context.services
    args = command_args(update)
    lang = (
        await user_language(context, update.effective_user)
        if is_private(update)
        else community.language
    )
    if not args:
        async with services.uow() as uow:
            meeting = await next_meeting(uow, community.id, services.now())
            if meeting is None:
                raise UserError("meetings.none_ahead")
            view = await meeting_view(uow, meeting)
        text, keyboard = agenda_answer(view, community, lang)
        await reply(update, text, reply_markup=keyboard)
        return
    action = args[0].lower()
    topic = _number(args[1]) if len(args) in (2, 3) else None
    meeting_number = _number(args[2]) if len(args) == 3 else None
    if (
        action not in ADD_WORDS + REMOVE_WORDS
        or topic is None
        or (len(args) == 3 and meeting_number is None)
    ):
        raise UserError("usage.agenda")
    actor = await _acting(update, context, community)
    async with services.uow() as uow:
        change = await edit_agenda(
            uow,
            community=community,
            actor=actor,
            action="add" if action in ADD_WORDS else "remove",
            topic_number=topic,
            meeting_number=meeting_number,
            now=services.now(),
        )
    services.wake_outbox()  # the card redrawn
    key = "meetings.added" if action in ADD_WORDS else "meetings.removed"
    await reply(update, t(lang, key, number=change.topic_number, meeting=change.meeting.number))


async def on_menu(update: Update, context: BotContext) -> None:
    """The meeting's menu: `o` (on the /agenda answer in the group) sends it privately; in
    the private chat `a` / `r` / `u` <topic> edit the agenda, `d` / `w` move the meeting by a
    day or a week, `x` asks whether to cancel, `y` cancels, `b` goes back."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.args_of(query.data, callbacks.MEETING_MENU)
    meeting_id = callbacks.int_arg(args[0]) if args and len(args) in (2, 3) else None
    if args is None or meeting_id is None or query.message is None:
        raise UserError("common.stale_button")
    action = args[1]
    topic_id = callbacks.int_arg(args[2]) if len(args) == 3 else None
    if action not in MENU_ACTIONS or (action in ("a", "r", "u")) != (topic_id is not None):
        raise UserError("common.stale_button")
    services = context.services
    async with services.uow() as uow:
        meeting = await uow.meetings.get(meeting_id)
        community = await uow.communities.get(meeting.community_id) if meeting else None
    if meeting is None or community is None:
        raise NotFound("meetings.not_found")
    lang = await user_language(context, query.from_user)
    if action == "o":
        await _open_menu(query, context, community, meeting)
        return
    require_private_screen(query)
    actor = await _committee_in(context, community, query.from_user.id)
    answer = ""
    if action == "x":
        async with services.uow() as uow:
            view = await meeting_view(uow, meeting)
        text, question = cancel_question(view, lang)
        await edit_text(
            context, query.message.chat.id, query.message.message_id, text, reply_markup=question
        )
        await query.answer()
        return
    if action in ("a", "r", "u"):
        answer = await _menu_agenda(context, community, actor, meeting, action, topic_id, lang)
    elif action in ("d", "w"):
        answer = await _menu_move(context, community, actor, meeting, action, lang)
    elif action == "y":
        async with services.uow() as uow:
            cancelled, created, told = await cancel_meeting(
                uow,
                community=community,
                actor=actor,
                number=meeting.number,
                whole_series=False,
                now=services.now(),
            )
        answer = _cancelled_text(cancelled, created, community, False, told)
        arm_meetings(context)
    services.wake_outbox()
    text, keyboard, _, _ = await _menu_content(context, meeting.id, query.from_user.id)
    await edit_text(
        context, query.message.chat.id, query.message.message_id, text, reply_markup=keyboard
    )
    await query.answer(answer[:200] or None)


async def _open_menu(
    query: CallbackQuery, context: BotContext, community: Community, meeting: Meeting
) -> None:
    message = query.message
    assert message is not None
    if message.chat.id != community.chat_id:
        raise UserError("common.stale_button")
    await _committee_in(context, community, query.from_user.id)
    lang = await user_language(context, query.from_user)
    text, keyboard, _, _ = await _menu_content(context, meeting.id, query.from_user.id)
    sent = await send_private(context, query.from_user.id, text, reply_markup=keyboard)
    await query.answer(
        t(lang, "meetings.menu_sent" if sent else "meetings.menu_blocked"), show_alert=not sent
    )


async def _menu_agenda(
    context: BotContext,
    community: Community,
    actor: Actor,
    meeting: Meeting,
    action: str,
    topic_id: int | None,
    lang: Language,
) -> str:
    services = context.services
    async with services.uow() as uow:
        topic = await uow.topics.get(topic_id) if topic_id else None
        if topic is None or topic.community_id != community.id:
            raise UserError("common.stale_button")
        change = await edit_agenda(
            uow,
            community=community,
            actor=actor,
            action={"a": "add", "r": "remove", "u": "up"}[action],
            topic_number=topic.number,
            meeting_number=meeting.number,
            now=services.now(),
        )
    key = {"a": "meetings.added", "r": "meetings.removed", "u": "meetings.moved_up"}[action]
    return t(lang, key, number=change.topic_number, meeting=meeting.number)


async def _menu_move(
    context: BotContext,
    community: Community,
    actor: Actor,
    meeting: Meeting,
    action: str,
    lang: Language,
) -> str:
    """A day or a week later, the same wall time."""
    services = context.services
    local = meeting.starts_at.astimezone(ZoneInfo(community.timezone))
    later = local + timedelta(days=1 if action == "d" else 7)
    words = [later.strftime("%Y-%m-%d"), later.strftime("%H:%M:%S")]
    async with services.uow() as uow:
        moved, told = await move_meeting(
            uow,
            community=community,
            actor=actor,
            number=meeting.number,
            words=words,
            now=services.now(),
        )
    arm_meetings(context)
    when = meeting_when(moved.starts_at, community, lang)
    return t(lang, "meetings.moved", number=moved.number, when=when, told=told)


# --- reminders and changes --------------------------------------------------------------


async def deliver_reminder(context: BotContext, entry: OutboxEntry) -> None:
    """The group reminded, with the agenda and the attendance as they stand now."""
    async with context.services.uow() as uow:
        reminder = await uow.meetings.reminder(entry.intent.subject)
        found = await _view(uow, reminder.meeting_id) if reminder else None
    if reminder is None or found is None or found[0].meeting.status is not MeetingStatus.SCHEDULED:
        return  # cancelled since it fell due
    view, community = found
    await send_text(context, community.chat_id, reminder_text(view, reminder, community))


async def deliver_changed(context: BotContext, entry: OutboxEntry) -> None:
    """Tell one attendee that the meeting moved or was cancelled (params: kind, was)."""
    async with context.services.uow() as uow:
        found = await _view(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    user_id = int(entry.intent.lane.removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    was_param = entry.intent.params.get("was")
    was = (
        meeting_when(datetime.fromisoformat(was_param), community, lang)
        if isinstance(was_param, str)
        else ""
    )
    meeting = view.meeting
    if entry.intent.params.get("kind") == "cancelled":
        text = t(lang, "meetings.cancelled_note", number=meeting.number, was=was)
    else:
        text = t(
            lang,
            "meetings.moved_note",
            number=meeting.number,
            when=meeting_when(meeting.starts_at, community, lang),
            place=meeting.place,
            was=was,
        )
    if not await send_private(context, user_id, text):
        raise Undeliverable(f"user {user_id} never started a chat with the bot")


# --- /minutes ---------------------------------------------------------------------------


async def cmd_minutes(update: Update, context: BotContext) -> None:
    """`/minutes <meeting> <text>` (committee): posted and pinned in the group; the author
    marks each agenda topic privately."""
    community = await require_community(update, context)
    message = update.effective_message
    assert message is not None
    raw = (message.text or "").split(maxsplit=2)
    number = _number(raw[1]) if len(raw) >= 2 else None
    if number is None or len(raw) < 3:
        raise UserError("usage.minutes")
    actor = await _acting(update, context, community)
    services = context.services
    async with services.uow() as uow:
        meeting = await post_minutes(
            uow, community=community, actor=actor, number=number, text=raw[2], now=services.now()
        )
    services.wake_outbox()
    arm_meetings(context)
    await reply(update, t(community.language, "meetings.minutes_ok", number=meeting.number))


async def deliver_minutes(context: BotContext, entry: OutboxEntry) -> None:
    """Post and pin the minutes (公示); once posted, only pinned again."""
    async with context.services.uow() as uow:
        found = await _view(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    posted = view.meeting.minutes_message
    if posted is None:
        sent = await send_text(context, community.chat_id, minutes_text(view, community))
        async with context.services.uow() as uow:
            await attach_minutes(uow, view.meeting.id, sent.chat_id, sent.message_id)
        posted = (sent.chat_id, sent.message_id)
    try:
        await context.bot.pin_chat_message(posted[0], posted[1], disable_notification=True)
    except (BadRequest, Forbidden) as exc:  # the bot may not pin here: the minutes stand
        log.warning("could not pin the minutes of meeting %s: %s", view.meeting.id, exc.message)


async def deliver_outcomes(context: BotContext, entry: OutboxEntry) -> None:
    """The minutes' author: a row of Decided / Put to a vote / Deferred per agenda topic."""
    async with context.services.uow() as uow:
        found = await _view(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    user_id = int(entry.intent.lane.removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    text, keyboard = outcomes_screen(view, lang)
    if keyboard is None:
        return
    if not await send_private(context, user_id, text, reply_markup=keyboard):
        raise Undeliverable(f"user {user_id} never started a chat with the bot")


async def on_outcome(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.MEETING_OUTCOME, 3)
    meeting_id = callbacks.int_arg(args[0]) if args else None
    topic_id = callbacks.int_arg(args[1]) if args else None
    outcome = OUTCOMES.get(args[2]) if args else None
    if meeting_id is None or topic_id is None or outcome is None or query.message is None:
        raise UserError("common.stale_button")
    require_private_screen(query)
    services = context.services
    async with services.uow() as uow:
        meeting = await uow.meetings.get(meeting_id)
        community = await uow.communities.get(meeting.community_id) if meeting else None
    if meeting is None or community is None:
        raise NotFound("meetings.not_found")
    actor = await actor_in(context, community, query.from_user.id)
    async with services.uow() as uow:
        marked = await mark_outcome(
            uow,
            community=community,
            actor=actor,
            meeting_id=meeting_id,
            topic_id=topic_id,
            outcome=outcome,
            now=services.now(),
        )
    services.wake_outbox()  # the topic's card, the next meeting's
    lang = await user_language(context, query.from_user)
    async with services.uow() as uow:
        view = await meeting_view(uow, meeting)
    text, keyboard = outcomes_screen(view, lang)
    chat_id = query.message.chat.id
    await edit_text(context, chat_id, query.message.message_id, text, reply_markup=keyboard)
    await query.answer(
        t(
            lang,
            "meetings.outcome_done",
            number=marked.topic_number,
            outcome=t(lang, f"meeting_outcome.{outcome.value}"),
        )
    )
    if marked.vote is not None:  # the vote draft, as `/vote <topic>` leaves it, privately
        draft_text, draft_keyboard = draft_card(marked.vote, community)
        draft = await context.bot.send_message(chat_id, draft_text, reply_markup=draft_keyboard)
        async with services.uow() as uow:
            await attach_vote_card(uow, marked.vote.id, draft.chat_id, draft.message_id)


# --- settings -------------------------------------------------------------------------------


async def apply_meeting_setting(
    update: Update, context: BotContext, community: Community, name: str, value: str, admin: bool
) -> None:
    """`/settings meeting_reminders 7d,1d,1h` (also `40s,20s`, `off`), `/settings
    agenda_limit <n>`: called from /settings (handlers/topics/commands.py)."""
    lang = community.language
    async with context.services.uow() as uow:
        if name == "meeting_reminders":
            offsets = await set_meeting_reminders(
                uow, community, parse_offsets(value), is_admin=admin
            )
            text = (
                t(lang, "meetings.reminders_done", offsets=offsets_text(offsets, lang))
                if offsets
                else t(lang, "meetings.reminders_off")
            )
        else:
            limit = whole_number(value, low=0, high=999)
            if limit is None:
                raise UserError("meetings.bad_agenda_limit", max=MAX_AGENDA_LIMIT)
            done = await set_agenda_limit(uow, community, limit, is_admin=admin)
            text = t(lang, "meetings.agenda_limit_done", limit=done)
    await reply(update, text)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("meeting", cmd_meeting))
    app.add_handler(CommandHandler("agenda", cmd_agenda))
    app.add_handler(CommandHandler("minutes", cmd_minutes))
    app.add_handler(
        CallbackQueryHandler(on_rsvp, pattern=callbacks.pattern(callbacks.MEETING_RSVP))
    )
    app.add_handler(
        CallbackQueryHandler(on_menu, pattern=callbacks.pattern(callbacks.MEETING_MENU))
    )
    app.add_handler(
        CallbackQueryHandler(on_outcome, pattern=callbacks.pattern(callbacks.MEETING_OUTCOME))
    )
