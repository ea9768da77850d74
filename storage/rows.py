"""Conversions shared by the repositories: times as UTC ISO text, areas as integer hundredths;
and `fetch`, a query in one trip to aiosqlite's thread."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiosqlite

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


def in_list(values: Collection[object], prefix: str = "k") -> tuple[str, dict[str, object]]:
    """Named placeholders for an `IN (...)` list; an empty list matches nothing."""
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return (", ".join(f":{name}" for name in params) or "NULL"), params


class Fetched:
    """The rows of a query, read at once: `fetchone()` / `fetchall()` as on a cursor."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Iterable[aiosqlite.Row]) -> None:
        self._rows = list(rows)

    async def fetchall(self) -> list[aiosqlite.Row]:
        return self._rows

    async def fetchone(self) -> aiosqlite.Row | None:
        return self._rows[0] if self._rows else None


async def fetch(
    conn: aiosqlite.Connection,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> Fetched:
    """Run a query and read its rows in one trip to aiosqlite's thread. Each trip costs the
    event loop a future and a wake-up; `async with conn.execute(...) as cursor` and a fetch
    take three (execute, fetch, close), and a ballot runs a dozen queries (bench/README.md)."""
    return Fetched(await conn.execute_fetchall(sql, params))
