"""The notice card with its Read button, private copies, /notices and /unread. Rendering only;
no state changes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.errors import excerpt
from bot.i18n import t, when
from bot.notices.cases import ListedNotice, Unread
from bot.notices.model import (
    Notice,
    NoticeStatus,
    ReadCount,
    notice_card_text,
    private_copy_text,
    scope_text,
)
from bot.roles.model import Actor
from handlers import callbacks

# /notices shows at most this many buttons (the newest first).
MAX_BUTTONS = 10


def read_keyboard(notice: Notice, lang: Language) -> InlineKeyboardMarkup | None:
    """Read, unless the notice was withdrawn."""
    if notice.status is not NoticeStatus.PUBLISHED:
        return None
    button = InlineKeyboardButton(
        t(lang, "notices.read"), callback_data=callbacks.pack(callbacks.NOTICE_READ, notice.id)
    )
    return InlineKeyboardMarkup([[button]])


def notice_card(
    notice: Notice, count: ReadCount, community: Community
) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = community.language
    return notice_card_text(notice, count, lang), read_keyboard(notice, lang)


def private_copy(
    notice: Notice, community: Community, lang: Language
) -> tuple[str, InlineKeyboardMarkup | None]:
    return private_copy_text(notice, community.name, lang), read_keyboard(notice, lang)


def notices_list(
    listed: list[ListedNotice], community: Community, actor: Actor, lang: Language
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Recent notices with their counts, then the scheduled ones; Cancel / Withdraw for those
    the reader may manage (the press re-checks)."""
    if not listed:
        return t(lang, "notices.list_empty"), None
    lines = [t(lang, "notices.list_title", community=community.name)]
    buttons: list[list[InlineKeyboardButton]] = []
    for item in listed:
        notice = item.notice
        params = {
            "number": notice.number,
            "scope": scope_text(notice, lang),
            "excerpt": excerpt(notice.text.replace("\n", " ")),
        }
        manage = actor.is_admin or actor.user_id == notice.author_id
        if notice.status is NoticeStatus.SCHEDULED:
            assert notice.publish_at is not None
            at = when(notice.publish_at, lang, community.timezone)
            lines.append(t(lang, "notices.list_scheduled", at=at, **params))
            key, kind = "notices.cancel_button", callbacks.NOTICE_CANCEL
        elif notice.status is NoticeStatus.WITHDRAWN:
            lines.append(t(lang, "notices.list_withdrawn", **params))
            continue
        else:
            count = item.count
            lines.append(
                t(
                    lang,
                    "notices.list_published",
                    read=count.read,
                    total=count.total,
                    percent=count.percent,
                    **params,
                )
            )
            key, kind = "notices.withdraw_button", callbacks.NOTICE_WITHDRAW
        if manage and len(buttons) < MAX_BUTTONS:
            label = t(lang, key, number=notice.number)
            buttons.append(
                [InlineKeyboardButton(label, callback_data=callbacks.pack(kind, notice.id))]
            )
    return "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


def unread_text(unread: Unread, lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
    """The households that have not confirmed, by building and unit, each reachable or not;
    Remind them for the reachable ones; the door-knocking list for the rest."""
    notice = unread.notice
    scope = scope_text(notice, lang)
    if not unread.households:
        return t(
            lang, "notices.unread_all", number=notice.number, scope=scope, total=unread.total
        ), None
    lines = [
        t(
            lang,
            "notices.unread_title",
            number=notice.number,
            scope=scope,
            unread=len(unread.households),
            total=unread.total,
        )
    ]
    building: str | None = None
    for household in unread.households:
        if household.building != building:
            building = household.building
            lines.append(t(lang, "notices.unread_building", building=building))
        key = "notices.unread_reachable" if household.reachable else "notices.unread_unreachable"
        lines.append(t(lang, key, unit=household.unit))
    doors: dict[str, list[str]] = {}
    for household in unread.door_knocking:
        doors.setdefault(household.building, []).append(household.unit)
    if doors:
        listed = "\n".join(
            t(lang, "notices.door_knocking_building", building=b, units=", ".join(units))
            for b, units in doors.items()
        )
        lines += ["", t(lang, "notices.door_knocking", units=listed)]
    keyboard = None
    if unread.reachable and notice.status is NoticeStatus.PUBLISHED:
        label = t(lang, "notices.remind_button", households=len(unread.reachable))
        data = callbacks.pack(callbacks.NOTICE_REMIND, notice.id)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    return "\n".join(lines), keyboard
