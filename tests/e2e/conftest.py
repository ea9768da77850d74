from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram, FloodLimits

READY = "started; database"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    # Telegram's limits, with room for a test that does a minute's work in a few seconds
    # across a restart (the fake remembers what the previous process sent).
    server = FakeTelegram(limits=FloodLimits(group_per_minute=40))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bot(tmp_path: Path, fake: FakeTelegram) -> Iterator[BotProcess]:
    process = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    process.start()
    try:
        process.wait_for_log(READY)
        yield process
    finally:
        code = process.stop()
        log = process.log()
        assert "Traceback" not in log, log
        assert fake.token not in log, "the token leaked into the log"
        assert code == 0, log
