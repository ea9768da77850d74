"""Notices (通知): a building rep (for their buildings), a committee member or an admin posts a
notice in the group, for the whole community or one building; each household in scope confirms
it once (已读), whoever of its residents presses. The card counts the households that confirmed
among the verified households in scope, as they stand when it is drawn."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Language
from bot.i18n import t

# Telegram's limit for a message's text, counted in UTF-16 code units.
MAX_MESSAGE = 4096

# `/notice building 3 <text>`, `/notice 楼栋 3 <text>`, `/notice 3号楼 <text>` (also 栋, 幢).
# After the word, a building is named with a digit (`3`, `12A`) or one capital (`A`), so that
# "Building maintenance on Monday" is a notice for everyone, not one for building "maintenance".
_SCOPE_WORDS = re.compile(
    r"^(?:(?i:building)|楼栋)\s*((?=[0-9A-Za-z-]*[0-9])[0-9A-Za-z-]{1,8}|[A-Z])"
    r"(?:\s+|$)"
)
_CHINESE_SCOPE = re.compile(r"^([0-9A-Za-z]{1,8})(?:号楼|栋|幢)(?:\s+|$)")


class AuthorRole(StrEnum):
    """What the author was when posting, shown on the card (never their unit)."""

    ADMIN = "admin"
    COMMITTEE = "committee"
    REP = "rep"


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    community_id: int
    number: int
    text: str
    building: str | None  # None: the whole community
    author_id: int
    author_role: AuthorRole
    card: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    building: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ReadCount:
    """n of N households."""

    read: int
    total: int

    @property
    def percent(self) -> int:
        """Rounded down, so 100 % means every household."""
        return self.read * 100 // self.total if self.total else 0


@dataclass(frozen=True, slots=True)
class ReadResult:
    notice: Notice
    households: tuple[str, ...]  # the households this press confirmed, or that had already
    already: bool


def parse_notice(text: str) -> NoticeRequest:
    """The scope (if the text starts with one) and the notice's text, line breaks kept."""
    stripped = text.strip()
    for pattern in (_SCOPE_WORDS, _CHINESE_SCOPE):
        found = pattern.match(stripped)
        if found is not None:
            return NoticeRequest(found.group(1), stripped[found.end() :].strip())
    return NoticeRequest(None, stripped)


def in_scope(building: str | None, household_building: str) -> bool:
    return building is None or household_building == building


def households_in_scope(
    building: str | None, verified: Iterable[tuple[str, str]]
) -> frozenset[str]:
    """The households (unit codes) in scope, from the verified (unit code, building) pairs:
    each household once, however many residents it has."""
    return frozenset(unit for unit, b in verified if in_scope(building, b))


def count_reads(
    building: str | None, verified: Iterable[tuple[str, str]], reads: Iterable[str]
) -> ReadCount:
    """N: the verified households in scope; n: those of them that confirmed (a household that
    confirmed and has left since, or is no longer verified, is not counted)."""
    households = households_in_scope(building, verified)
    return ReadCount(len(households & set(reads)), len(households))


def message_length(text: str) -> int:
    """A text's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def notice_card_text(notice: Notice, count: ReadCount, lang: Language) -> str:
    """The card as the group reads it: number, scope, text, the author's role, the count."""
    scope = (
        t(lang, "notices.scope_building", building=notice.building)
        if notice.building is not None
        else t(lang, "notices.scope_all")
    )
    return t(
        lang,
        "notices.card",
        number=notice.number,
        scope=scope,
        text=notice.text,
        role=t(lang, f"notice_role.{notice.author_role.value}"),
        read=count.read,
        total=count.total,
        percent=count.percent,
    )
