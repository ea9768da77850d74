"""Texts and keyboards of meetings: the card with Attend / Can't attend, the reminders, the
private menu that edits the agenda, the minutes and their outcome buttons. Rendering only; no
state changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.meetings.model import Meeting, MeetingStatus, MeetingView, Outcome, Reminder
from bot.topics.model import Topic
from handlers import callbacks

OUTCOME_CODES = {Outcome.DECIDED: "d", Outcome.VOTE: "v", Outcome.DEFERRED: "x"}
MENU_TOPICS = 8  # topics offered to add, at most


def weekday_of(moment: datetime, community: Community, lang: Language) -> str:
    return t(lang, f"weekday.{moment.astimezone(ZoneInfo(community.timezone)).weekday()}")


def meeting_when(moment: datetime, community: Community, lang: Language) -> str:
    return when(moment, lang, community.timezone)


def agenda_lines(view: MeetingView, lang: Language) -> str:
    if not view.agenda:
        return t(lang, "meetings.agenda_empty")
    return "\n".join(
        t(
            lang,
            "meetings.agenda_item",
            position=i,
            number=item.number,
            title=item.title,
            outcome=f" — {t(lang, f'meeting_outcome.{item.outcome.value}')}"
            if item.outcome
            else "",
        )
        for i, item in enumerate(view.agenda, start=1)
    )


def meeting_text(view: MeetingView, community: Community, lang: Language) -> str:
    meeting = view.meeting
    weekday = weekday_of(meeting.starts_at, community, lang)
    status = {
        MeetingStatus.SCHEDULED: "",
        MeetingStatus.CANCELLED: t(lang, "meetings.status_cancelled"),
        MeetingStatus.HELD: t(lang, "meetings.status_held"),
    }[meeting.status]
    return t(
        lang,
        "meetings.card",
        number=meeting.number,
        when=meeting_when(meeting.starts_at, community, lang),
        weekday=weekday,
        weekly=t(lang, "meetings.weekly", weekday=weekday) if meeting.series_id else "",
        place=meeting.place,
        agenda=agenda_lines(view, lang),
        attend=view.attendance.attend,
        absent=view.attendance.absent,
        status=status,
    )


def meeting_card(
    view: MeetingView, community: Community
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The group's card; its buttons only while the meeting is ahead."""
    lang = community.language
    text = meeting_text(view, community, lang)
    if view.meeting.status is not MeetingStatus.SCHEDULED:
        return text, None
    meeting_id = view.meeting.id
    buttons = [
        InlineKeyboardButton(
            t(lang, "meetings.attend"),
            callback_data=callbacks.pack(callbacks.MEETING_RSVP, meeting_id, "a"),
        ),
        InlineKeyboardButton(
            t(lang, "meetings.absent"),
            callback_data=callbacks.pack(callbacks.MEETING_RSVP, meeting_id, "n"),
        ),
    ]
    return text, InlineKeyboardMarkup([buttons])


def agenda_answer(
    view: MeetingView, community: Community, lang: Language
) -> tuple[str, InlineKeyboardMarkup]:
    """`/agenda`: the next meeting, with the button to its private menu."""
    button = InlineKeyboardButton(
        t(lang, "meetings.edit_button"),
        callback_data=callbacks.pack(callbacks.MEETING_MENU, view.meeting.id, "o"),
    )
    return meeting_text(view, community, lang), InlineKeyboardMarkup([[button]])


def ahead_text(ahead: timedelta, lang: Language) -> str:
    seconds = int(ahead.total_seconds())
    for size, key in ((86400, "duration.days"), (3600, "duration.hours"), (60, "duration.minutes")):
        if seconds % size == 0:
            return t(lang, key, n=seconds // size)
    return t(lang, "meetings.seconds", n=seconds)


def offsets_text(offsets: Iterable[timedelta], lang: Language) -> str:
    return ("、" if lang == "zh" else ", ").join(ahead_text(ahead, lang) for ahead in offsets)


def reminder_text(view: MeetingView, reminder: Reminder, community: Community) -> str:
    lang = community.language
    key = "meetings.preview_head" if reminder.preview else "meetings.reminder_head"
    head = t(lang, key, number=view.meeting.number, ahead=ahead_text(reminder.ahead, lang))
    return f"{head}\n{meeting_text(view, community, lang)}"


def _menu_button(
    lang: Language, key: str, meeting_id: int, *args: int | str, **params: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, key, **params),
        callback_data=callbacks.pack(callbacks.MEETING_MENU, meeting_id, *args),
    )


def meeting_menu(
    view: MeetingView, community: Community, lang: Language, addable: list[Topic]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The private menu: the agenda with ⬆ / ✖ per topic, ➕ for topics in discussion not on
    it, moving by a day or a week, and cancelling (asked again)."""
    text = meeting_text(view, community, lang)
    meeting = view.meeting
    if meeting.status is not MeetingStatus.SCHEDULED:
        return text, None
    rows: list[list[InlineKeyboardButton]] = []
    for item in view.agenda:
        rows.append(
            [
                _menu_button(
                    lang, "meetings.up", meeting.id, "u", item.topic_id, number=item.number
                ),
                _menu_button(
                    lang, "meetings.remove", meeting.id, "r", item.topic_id, number=item.number
                ),
            ]
        )
    for topic in addable[:MENU_TOPICS]:
        title = topic.title if len(topic.title) <= 30 else f"{topic.title[:29]}…"
        rows.append(
            [
                _menu_button(
                    lang,
                    "meetings.add",
                    meeting.id,
                    "a",
                    topic.id,
                    number=topic.number,
                    title=title,
                )
            ]
        )
    rows.append(
        [
            _menu_button(lang, "meetings.plus_day", meeting.id, "d"),
            _menu_button(lang, "meetings.plus_week", meeting.id, "w"),
        ]
    )
    rows.append([_menu_button(lang, "meetings.cancel_button", meeting.id, "x")])
    return f"{text}\n\n{t(lang, 'meetings.menu_head')}", InlineKeyboardMarkup(rows)


def cancel_question(view: MeetingView, lang: Language) -> tuple[str, InlineKeyboardMarkup]:
    meeting_id = view.meeting.id
    keyboard = InlineKeyboardMarkup(
        [
            [
                _menu_button(lang, "meetings.cancel_yes", meeting_id, "y"),
                _menu_button(lang, "common.back", meeting_id, "b"),
            ]
        ]
    )
    return t(lang, "meetings.cancel_confirm", number=view.meeting.number), keyboard


def minutes_text(view: MeetingView, community: Community) -> str:
    lang = community.language
    meeting = view.meeting
    return t(
        lang,
        "meetings.minutes_post",
        number=meeting.number,
        when=meeting_when(meeting.starts_at, community, lang),
        text=meeting.minutes or "",
    )


def outcomes_screen(view: MeetingView, lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
    """The minutes' author marks each agenda topic: a row of three buttons per topic not yet
    marked, under a line naming it."""
    lines = [
        t(lang, "meetings.outcomes_head", number=view.meeting.number),
        agenda_lines(view, lang),
    ]
    rows = []
    for item in view.agenda:
        if item.outcome is not None:
            continue
        rows.append(
            [
                InlineKeyboardButton(
                    f"#{item.number} {t(lang, f'meeting_outcome.{outcome.value}')}",
                    callback_data=callbacks.pack(
                        callbacks.MEETING_OUTCOME, view.meeting.id, item.topic_id, code
                    ),
                )
                for outcome, code in OUTCOME_CODES.items()
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def cancelled_text(
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
