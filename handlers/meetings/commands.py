"""/meeting (schedule, move, cancel; privately `/meeting <n>`: the meeting's menu), the card
and its Attend / Can't attend buttons, /agenda, /minutes with the author's outcome buttons, the
meeting settings (the menu: `menu.py`; the deliverers: `delivery.py`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.i18n import t, whole_number
from bot.meetings.cases import (
    answer_rsvp,
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
from bot.meetings.model import MAX_AGENDA_LIMIT, Answer
from bot.meetings.schedule import parse_offsets
from bot.votes.cases import attach_vote_card
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    community_here,
    community_of_chat,
    edit_text,
    is_private,
    reply,
    require_card,
    require_community,
    require_private_screen,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.meetings.jobs import arm_meetings
from handlers.meetings.lookup import acting, number_arg
from handlers.meetings.menu import on_menu, private_menu
from handlers.meetings.render import (
    OUTCOME_CODES,
    agenda_answer,
    cancelled_text,
    meeting_text,
    meeting_when,
    offsets_text,
    outcomes_screen,
)
from handlers.votes.render import draft_card

MOVE_WORDS = ("move", "改期")
CANCEL_WORDS = ("cancel", "取消")
ALL_WORDS = ("all", "全部")
ADD_WORDS = ("add", "添加", "加入")
REMOVE_WORDS = ("remove", "移除", "删除")
MEETING_SETTINGS = ("meeting_reminders", "agenda_limit")
OUTCOMES = {code: outcome for outcome, code in OUTCOME_CODES.items()}


async def cmd_meeting(update: Update, context: BotContext) -> None:
    """In the group: `/meeting <date> <HH:MM> <place>`, `/meeting weekly wed 19:30 <place>`,
    `/meeting move <n> <date> <HH:MM> [place]`, `/meeting cancel <n> [all]`, `/meeting <n>`.
    Privately: `/meeting <n>`, the meeting's menu."""
    args = command_args(update)
    if is_private(update):
        await private_menu(update, context, args)
        return
    community = await require_community(update, context)
    services = context.services
    lang = community.language
    action = args[0].lower() if args else ""
    if action in MOVE_WORDS or action in CANCEL_WORDS:
        number = number_arg(args[1]) if len(args) >= 2 else None
        if number is None:
            raise UserError("usage.meeting_number", action=action)
        actor = await acting(update, context, community)
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
                text = cancelled_text(cancelled, created, community, whole, told)
        services.wake_outbox()
        arm_meetings(context)
        await reply(update, text)
        return
    if len(args) == 1 and (number := number_arg(args[0])) is not None:
        async with services.uow() as uow:
            meeting = await meeting_by_number(uow, community, number)
            view = await meeting_view(uow, meeting)
        await reply(update, meeting_text(view, community, lang))
        return
    actor = await acting(update, context, community)
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
    topic = number_arg(args[1]) if len(args) in (2, 3) else None
    meeting_number = number_arg(args[2]) if len(args) == 3 else None
    if (
        action not in ADD_WORDS + REMOVE_WORDS
        or topic is None
        or (len(args) == 3 and meeting_number is None)
    ):
        raise UserError("usage.agenda")
    actor = await acting(update, context, community)
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


async def cmd_minutes(update: Update, context: BotContext) -> None:
    """`/minutes <meeting> <text>` (committee): posted and pinned in the group; the author
    marks each agenda topic privately."""
    community = await require_community(update, context)
    message = update.effective_message
    assert message is not None
    raw = (message.text or "").split(maxsplit=2)
    number = number_arg(raw[1]) if len(raw) >= 2 else None
    if number is None or len(raw) < 3:
        raise UserError("usage.minutes")
    actor = await acting(update, context, community)
    services = context.services
    async with services.uow() as uow:
        meeting = await post_minutes(
            uow, community=community, actor=actor, number=number, text=raw[2], now=services.now()
        )
    services.wake_outbox()
    arm_meetings(context)
    await reply(update, t(community.language, "meetings.minutes_ok", number=meeting.number))


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
