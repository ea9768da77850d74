"""Scenes several end-to-end tests start from: a small community seeded before the bot starts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.roles.model import Role
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import FakeChat, FakeUser


@dataclass(frozen=True)
class GateCourt:
    """Gate Court: a committee member (the chair) and three verified owners of 1-101..1-103,
    the bot not started yet."""

    bot: BotProcess
    group: FakeChat
    chair: FakeUser
    owners: list[FakeUser]


def gate_court(tmp_path: Path, fake: FakeTelegram) -> GateCourt:
    chair = fake.add_user("Chair", language_code="en")
    owners = [fake.add_user(f"Owner{i}", language_code="en") for i in range(3)]
    group = fake.create_group("Gate Court", creator=chair, members=owners)
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Gate Court",
        register=register_csv(3),
        owners=[(o.id, o.first_name, f"1-10{i + 1}") for i, o in enumerate(owners)],
        roles=[(chair.id, Role.COMMITTEE)],
    )
    return GateCourt(bot, group, chair, owners)
