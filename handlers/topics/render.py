"""Texts and keyboards of topics: the topic card with its Support button, the list. Rendering
only; no state changes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t
from bot.topics.model import Topic, TopicStatus
from handlers import callbacks


def topic_card(topic: Topic, community: Community) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = community.language
    details = f"{topic.details}\n" if topic.details else ""
    text = t(
        lang,
        "topics.card",
        number=topic.number,
        title=topic.title,
        details=details,
        name=topic.proposer_name,
        supports=topic.supports,
        threshold=community.support_threshold,
        status=t(lang, f"topic_status.{topic.status.value}"),
    )
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.DISCUSSION):
        return text, None
    button = InlineKeyboardButton(
        t(lang, "topics.support"), callback_data=callbacks.pack(callbacks.TOPIC_SUPPORT, topic.id)
    )
    return text, InlineKeyboardMarkup([[button]])


def topic_list(topics: list[Topic], community: Community, lang: Language) -> str:
    if not topics:
        return t(lang, "topics.none")
    lines = [t(lang, "topics.list_header", community=community.name)]
    order = list(TopicStatus)
    for topic in sorted(topics, key=lambda x: (order.index(x.status), x.number)):
        lines.append(
            t(
                lang,
                "topics.list_item",
                number=topic.number,
                title=topic.title,
                status=t(lang, f"topic_status.{topic.status.value}"),
                supports=topic.supports,
            )
        )
    return "\n".join(lines)
