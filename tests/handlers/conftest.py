from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.handlers.harness import HandlerHarness


@pytest.fixture
async def harness(db: Database) -> AsyncIterator[HandlerHarness]:
    started = await HandlerHarness.start(db)
    try:
        yield started
    finally:
        await started.stop()
