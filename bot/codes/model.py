"""One-time verification codes per unit, printed and put in letterboxes (like the postal-letter
check of participation platforms). A code is unique across all communities, so it alone tells
which community and unit it belongs to."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from bot.errors import UserError
from bot.residents.model import Membership

ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH: Final = 8
MAX_USES: Final = 4
MAX_FAILURES: Final = 5
FAILURE_WINDOW: Final = timedelta(minutes=15)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a user typed (`abcd-efgh`, full-width letters...) as stored (`ABCDEFGH`)."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())


def display_code(code: str) -> str:
    """`ABCDEFGH` → `ABCD-EFGH`, easier to copy from paper."""
    return f"{code[:4]}-{code[4:]}"


def looks_like_code(raw: str) -> bool:
    code = normalize_code(raw)
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


@dataclass(frozen=True, slots=True)
class CodeRecord:
    code: str
    community_id: int
    unit_code: str
    uses: int
    revoked: bool


@dataclass(frozen=True, slots=True)
class UnitCode:
    unit_code: str
    building: str
    code: str


class SpentCode(UserError):
    """A real code that no longer verifies (used up, or replaced by a new one): whoever holds
    it still lives there most likely, so the handler offers the community's review instead."""

    def __init__(self, key: str, *, community_id: int, **params: Any) -> None:
        super().__init__(key, **params)
        self.community_id = community_id


@dataclass(frozen=True, slots=True)
class SlipJoin:
    """The outcome of a slip's QR code: the membership, and whether it was verified just now
    (False: the same resident scanned it again, and nothing was used)."""

    membership: Membership
    fresh: bool
