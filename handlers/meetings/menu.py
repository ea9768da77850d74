"""A meeting's private menu for the committee (`/meeting <n>` privately, or the button on the
/agenda answer): the agenda edited with buttons, the meeting moved by a day or a week, or
cancelled after a second press."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Update

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotFound, UserError
from bot.i18n import t
from bot.meetings.cases import (
    cancel_meeting,
    edit_agenda,
    meeting_by_number,
    meeting_view,
    move_meeting,
    next_meeting,
)
from bot.meetings.model import Meeting
from bot.roles.model import Actor
from bot.topics.model import Topic, TopicStatus
from handlers import callbacks
from handlers.common import (
    community_here,
    edit_text,
    language_of,
    reply,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotContext
from handlers.meetings.jobs import arm_meetings
from handlers.meetings.lookup import committee_in, number_arg, view_of
from handlers.meetings.render import (
    cancel_question,
    cancelled_text,
    meeting_menu,
    meeting_when,
    outcomes_screen,
)

MENU_ACTIONS = frozenset("oaruwdxyb")


async def _menu_content(
    context: BotContext, meeting_id: int, lang_of: int
) -> tuple[str, InlineKeyboardMarkup | None, Community, Meeting]:
    async with context.services.uow() as uow:
        found = await view_of(uow, meeting_id)
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


async def private_menu(update: Update, context: BotContext, args: list[str]) -> None:
    user = update.effective_user
    assert user is not None
    community = await community_here(
        update, context, refusal="common.which_community", with_role=True
    )
    number = number_arg(args[0]) if len(args) == 1 else None
    async with context.services.uow() as uow:
        if number is not None:
            meeting = await meeting_by_number(uow, community, number)
        else:
            found = await next_meeting(uow, community.id, context.services.now())
            if found is None:
                raise UserError("meetings.none_ahead")
            meeting = found
    await committee_in(context, community, user.id)
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
    actor = await committee_in(context, community, query.from_user.id)
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
        answer = cancelled_text(cancelled, created, community, False, told)
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
    await committee_in(context, community, query.from_user.id)
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
