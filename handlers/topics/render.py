"""Texts and keyboards of topics: the topic card with its Support button, the list. Rendering
only; no state changes."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.topics.model import AgendaSlot, Step, Topic, TopicStatus, step_of
from handlers import callbacks


def steps_line(step: Step, lang: Language) -> str:
    """提议 ✓ → 【商议】 → 审议 → 决议 → 公示: done, current, still ahead."""
    names = []
    for each in Step:
        name = t(lang, f"topic_step.{each.value}")
        if each < step:
            name = t(lang, "topics.step_done", name=name)
        elif each == step:
            name = t(lang, "topics.step_current", name=name)
        names.append(name)
    return " → ".join(names)


def stage_text(
    topic: Topic, community: Community, slot: AgendaSlot | None, lang: Language, *, short: bool
) -> str:
    """Where the topic stands, in words: how many supports are missing, the meeting whose agenda
    it is on, or the outcome published."""
    form = "short" if short else "at"  # a line of /topics, or the card's sentence
    step = step_of(topic.status)
    if step is Step.SUPPORT:
        missing = max(community.support_threshold - topic.supports, 1)
        return t(lang, f"topics.{form}_support", missing=missing)
    if step is Step.REVIEW and slot is not None:
        moment = when(slot.starts_at, lang, community.timezone)
        return t(lang, f"topics.{form}_review_on", meeting=slot.meeting_number, when=moment)
    if step is Step.REVIEW:
        return t(lang, f"topics.{form}_review")
    if step is Step.VOTE:
        return t(lang, f"topics.{form}_vote")
    return t(lang, f"topics.{form}_publish", outcome=t(lang, f"topic_status.{topic.status.value}"))


def topic_card(
    topic: Topic, community: Community, slot: AgendaSlot | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card in the group: the topic, its supports, and where it is in the five steps (the
    meeting `slot` whose agenda it is on, if any); Support while it can take support."""
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
        steps=steps_line(step_of(topic.status), lang),
        stage=stage_text(topic, community, slot, lang, short=False),
    )
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.DISCUSSION):
        return text, None
    button = InlineKeyboardButton(
        t(lang, "topics.support"), callback_data=callbacks.pack(callbacks.TOPIC_SUPPORT, topic.id)
    )
    return text, InlineKeyboardMarkup([[button]])


def topic_list(
    topics: list[Topic],
    community: Community,
    lang: Language,
    slots: Mapping[int, AgendaSlot] | None = None,
) -> str:
    """`/topics`: each topic with its step (and meeting), those furthest behind first."""
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
                stage=stage_text(topic, community, (slots or {}).get(topic.id), lang, short=True),
                supports=topic.supports,
            )
        )
    return "\n".join(lines)
