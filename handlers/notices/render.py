"""The notice card with its Read button. Rendering only; no state changes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.i18n import t
from bot.notices.model import Notice, ReadCount, notice_card_text
from handlers import callbacks


def notice_card(
    notice: Notice, count: ReadCount, community: Community
) -> tuple[str, InlineKeyboardMarkup]:
    lang = community.language
    button = InlineKeyboardButton(
        t(lang, "notices.read"), callback_data=callbacks.pack(callbacks.NOTICE_READ, notice.id)
    )
    return notice_card_text(notice, count, lang), InlineKeyboardMarkup([[button]])
