"""The digest's text and its Propose buttons, and the private prefilled topic with Propose it /
Cancel: drawing only, no state changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.digest.model import FREQUENT_WINDOW, Digest, DigestProposal, FrequentProblem
from bot.i18n import t, when
from bot.reports.model import Category
from handlers import callbacks
from handlers.format import share

_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


def day_text(moment: datetime, lang: Language, timezone: str) -> str:
    """A day as the locale writes it, without the year: `11月23日`, `23 Nov`."""
    return format_skeleton("MMMd", moment, tzinfo=ZoneInfo(timezone), locale=_LOCALES[lang])


def _category(lang: Language, category: Category) -> str:
    return t(lang, f"digest.category.{category.value}")


def _counts(lang: Language, counted: Sequence[tuple[Category, int]]) -> str:
    return t(lang, "digest.list_separator").join(
        t(lang, "digest.category_count", category=_category(lang, c), count=n) for c, n in counted
    )


def digest_text(digest: Digest, community: Community, lang: Language) -> str:
    """The week's sections, each only when it has something to tell."""
    zone = community.timezone
    title = t(
        lang,
        "digest.title",
        community=community.name,
        since=day_text(digest.since, lang, zone),
        until=day_text(digest.until, lang, zone),
    )
    sections = [title]
    if digest.new_topics:
        lines = [t(lang, "digest.topics_title", count=len(digest.new_topics))]
        lines += [
            t(
                lang,
                "digest.topic_line",
                number=topic.number,
                title=topic.title,
                step=int(topic.step),
                step_name=t(lang, f"topic_step.{int(topic.step)}"),
            )
            for topic in digest.new_topics
        ]
        sections.append("\n".join(lines))
    if digest.closed_votes:
        lines = [t(lang, "digest.votes_title")]
        lines += [
            t(
                lang,
                "digest.vote_line",
                number=vote.number,
                question=vote.question,
                outcome=t(lang, f"topic_status.{vote.outcome.value}"),
                voted=vote.voted,
                eligible=vote.eligible,
                share=share(vote.voted, vote.eligible, lang),
            )
            for vote in digest.closed_votes
        ]
        sections.append("\n".join(lines))
    if digest.opened or digest.resolved:
        lines = [
            t(
                lang,
                "digest.tickets_title",
                opened=sum(n for _, n in digest.opened),
                resolved=sum(n for _, n in digest.resolved),
            )
        ]
        if digest.opened:
            lines.append(t(lang, "digest.tickets_opened", categories=_counts(lang, digest.opened)))
        if digest.resolved:
            lines.append(
                t(lang, "digest.tickets_resolved", categories=_counts(lang, digest.resolved))
            )
        sections.append("\n".join(lines))
    if digest.next_meeting is not None:
        meeting = digest.next_meeting
        sections.append(
            t(
                lang,
                "digest.meeting",
                number=meeting.number,
                when=when(meeting.starts_at, lang, zone),
                place=meeting.place,
                agenda=meeting.agenda,
            )
        )
    if digest.notices:
        lines = [t(lang, "digest.notices_title")]
        lines += [
            t(
                lang,
                "digest.notice_line",
                number=n.number,
                excerpt=n.excerpt,
                read=n.read,
                total=n.total,
            )
            for n in digest.notices
        ]
        sections.append("\n".join(lines))
    if digest.top:
        lines = [t(lang, "digest.top_title")]
        lines += [
            t(lang, "digest.top_named", unit=c.unit_code, points=c.points)
            if c.named
            else t(lang, "digest.top_unnamed", points=c.points)
            for c in digest.top
        ]
        sections.append("\n".join(lines))
    if digest.frequent:
        lines = [t(lang, "digest.frequent_title", days=FREQUENT_WINDOW.days)]
        lines += [
            t(
                lang,
                "digest.frequent_line",
                building=p.building,
                category=_category(lang, p.category),
                count=p.count,
            )
            for p in digest.frequent
        ]
        if any(propose_data(digest.community_id, p) for p in digest.frequent):
            lines.append(t(lang, "digest.frequent_hint"))
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def propose_data(community_id: int, problem: FrequentProblem) -> str | None:
    """`v1:dp:<community>:<building>:<category>`; None for a building whose code does not fit
    a payload (a colon in it, or too long): that problem is listed without a button."""
    if ":" in problem.building:
        return None
    try:
        return callbacks.pack(
            callbacks.DIGEST_PROPOSE, community_id, problem.building, problem.category.value
        )
    except ValueError:
        return None


def digest_keyboard(digest: Digest, lang: Language) -> InlineKeyboardMarkup | None:
    """One Propose button per frequent problem, one a row (large, for a phone)."""
    rows = []
    for problem in digest.frequent:
        data = propose_data(digest.community_id, problem)
        if data is None:
            continue
        label = t(
            lang,
            "digest.propose_button",
            building=problem.building,
            category=_category(lang, problem.category),
        )
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


def proposal_screen(proposal: DigestProposal, lang: Language) -> tuple[str, InlineKeyboardMarkup]:
    """The prefilled topic, privately, with Propose it / Cancel."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "digest.propose_it_button"),
                    callback_data=callbacks.pack(callbacks.DIGEST_CONFIRM, proposal.id, "y"),
                ),
                InlineKeyboardButton(
                    t(lang, "digest.cancel_button"),
                    callback_data=callbacks.pack(callbacks.DIGEST_CONFIRM, proposal.id, "n"),
                ),
            ]
        ]
    )
    return t(lang, "digest.proposal_prompt", text=proposal.text), keyboard
