"""Notices (通知): a building rep (for their buildings), a committee member or an admin posts a
notice in the group, for the whole community or one building; each household in scope confirms
it once (已读), whoever of its residents presses. The card counts the households that confirmed
among the verified households in scope, as they stand when it is drawn."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.config import Language
from bot.i18n import t
from bot.notices.schedule import Schedule, split_schedule

# Telegram's limit for a message's text, counted in UTF-16 code units.
MAX_MESSAGE = 4096
# ... and for a photo's or document's caption.
MAX_CAPTION = 1024

# Leading words, in any order before the scope: `pin` pins the group card, `urgent` marks it 🔴
# and sends it privately to every resident in scope at once.
_PIN_WORDS = frozenset({"pin", "置顶"})
_URGENT_WORDS = frozenset({"urgent", "紧急"})
_WORD = re.compile(r"^(\S+)(?:\s+|$)")
# `/notice withdraw 3` / `/notice 撤回 3`: the whole text, so "Withdraw cash …" stays a notice.
_WITHDRAW = re.compile(r"^(?:(?i:withdraw)|撤回)\s*#?(\d{1,9})$")

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


class NoticeStatus(StrEnum):
    SCHEDULED = "scheduled"  # waits for its time; no card yet
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # a scheduled one called off before its time
    WITHDRAWN = "withdrawn"  # taken back after publishing: the card says so, no Read


class FileKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class NoticeFile:
    """A photo or document posted with the notice (a scanned paper notice), by Telegram id."""

    kind: FileKind
    file_id: str


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
    status: NoticeStatus = NoticeStatus.PUBLISHED
    urgent: bool = False
    pin: bool = False
    file: NoticeFile | None = None
    publish_at: datetime | None = None  # a scheduled notice's time
    published_at: datetime | None = None

    @property
    def private(self) -> bool:
        """Sent privately too: to its building's residents, or to everyone when urgent."""
        return self.building is not None or self.urgent


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    building: str | None
    text: str
    urgent: bool = False
    pin: bool = False
    schedule: Schedule | None = None


def withdraw_number(text: str) -> int | None:
    """`withdraw 3` / `撤回 3` as the whole of /notice's text: the notice to withdraw."""
    found = _WITHDRAW.match(text.strip())
    return int(found.group(1)) if found is not None else None


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
    """Leading `pin` / `urgent` words and a schedule, in any order, then the scope (if the
    text starts with one) and the notice's text, line breaks kept."""
    rest = text.strip()
    urgent = pin = False
    schedule: Schedule | None = None
    while rest:
        word = _WORD.match(rest)
        lowered = word.group(1).lower() if word is not None else ""
        if word is not None and lowered in _PIN_WORDS | _URGENT_WORDS:
            pin = pin or lowered in _PIN_WORDS
            urgent = urgent or lowered in _URGENT_WORDS
            rest = rest[word.end() :]
            continue
        if schedule is None:
            schedule, after = split_schedule(rest)
            if schedule is not None:
                rest = after
                continue
        break
    for pattern in (_SCOPE_WORDS, _CHINESE_SCOPE):
        found = pattern.match(rest)
        if found is not None:
            return NoticeRequest(found.group(1), rest[found.end() :].strip(), urgent, pin, schedule)
    return NoticeRequest(None, rest.strip(), urgent, pin, schedule)


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


def scope_text(notice: Notice, lang: Language) -> str:
    if notice.building is not None:
        return t(lang, "notices.scope_building", building=notice.building)
    return t(lang, "notices.scope_all")


def _urgent(notice: Notice, lang: Language) -> str:
    return t(lang, "notices.urgent_mark") if notice.urgent else ""


def notice_card_text(notice: Notice, count: ReadCount, lang: Language) -> str:
    """The card as the group reads it: number, scope, text, the author's role, the count; a
    withdrawn notice's card says so instead of counting."""
    scope = scope_text(notice, lang)
    if notice.status is NoticeStatus.WITHDRAWN:
        return t(lang, "notices.card_withdrawn", number=notice.number, scope=scope)
    return _urgent(notice, lang) + t(
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


def private_copy_text(notice: Notice, community: str, lang: Language) -> str:
    """A resident's private copy: no count (it would go stale), the community named."""
    if notice.status is NoticeStatus.WITHDRAWN:
        return t(lang, "notices.copy_withdrawn", number=notice.number, community=community)
    return _urgent(notice, lang) + t(
        lang,
        "notices.copy",
        number=notice.number,
        community=community,
        scope=scope_text(notice, lang),
        text=notice.text,
        role=t(lang, f"notice_role.{notice.author_role.value}"),
    )
