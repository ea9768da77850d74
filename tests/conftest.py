"""Fixtures shared by the layers' tests: a real SQLite database on a temporary file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.database import Database

# as bot.py does: python-telegram-bot's timedelta durations, without deprecation warnings
os.environ.setdefault("PTB_TIMEDELTA", "true")

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

WORKED_EXAMPLE_CSV = (
    b"unit,building,area_m2,owner\n"
    b"1-101,1,90,A\n"
    b"1-102,1,90,B\n"
    b"1-201,1,120,C\n"
    b"1-202,1,60,C\n"
    b"2-101,2,100,D\n"
    b"2-102,2,100,E\n"
    b"2-201,2,80,F\n"
    b"2-202,2,80,G\n"
    b"3-101,3,70,developer\n"
    b"3-102,3,70,developer\n"
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "data" / "test.db")
    try:
        yield database
    finally:
        await database.close()
