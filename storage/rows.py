"""Conversions shared by the repositories: times as UTC ISO text, areas as integer hundredths."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.config import Language


def to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def to_centi(area: Decimal) -> int:
    return int(area * 100)


def from_centi(value: int) -> Decimal:
    return Decimal(value) / 100


def stored_language(value: str | None) -> Language | None:
    """A stored language code (the schema only admits `zh` and `en`)."""
    if value == "zh":
        return "zh"
    if value == "en":
        return "en"
    return None
