"""A second process writing into the bot's database, for tests/storage/test_backup.py: it casts
and changes ballots through the real use case, one transaction each, for a bounded number of
rounds, as the bot would during a ballot burst.

    python -m tests.storage.backup_writer DB CHAT_ID VOTE_ID ROUNDS USER_ID...

Prints `writing` after its first commit and `done <ballots cast>` at the end."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from bot.votes.ballots import cast_ballot
from bot.votes.tally import Choice
from storage.database import Database
from tests.conftest import NOW

CHOICES = list(Choice)


async def write(path: Path, chat_id: int, vote_id: int, rounds: int, users: list[int]) -> int:
    database = await Database.open(path)
    cast = 0
    try:
        async with database.unit_of_work() as uow:
            community = await uow.communities.by_chat(chat_id)
        assert community is not None
        for round_ in range(rounds):
            for index, user_id in enumerate(users):
                async with database.unit_of_work() as uow:  # every press changes the choice
                    await cast_ballot(
                        uow,
                        community=community,
                        vote_id=vote_id,
                        user_id=user_id,
                        choice=CHOICES[(round_ + index) % len(CHOICES)],
                        now=NOW + timedelta(minutes=1, seconds=round_),
                    )
                cast += 1
                if cast == 1:
                    print("writing", flush=True)
    finally:
        await database.close()
    return cast


def main(argv: list[str]) -> int:
    path, chat_id, vote_id, rounds, *users = argv
    cast = asyncio.run(
        write(Path(path), int(chat_id), int(vote_id), int(rounds), list(map(int, users)))
    )
    print(f"done {cast}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
