"""Pre-seeding the bot's database with earlier, closed votes and their ballots, with plain
sqlite3 (after `tests/e2e/seed.py` made the community, its units and owners): each earlier vote
has its frozen electorate (every unit), one ballot per household with a receipt, and a valid
hash chain (open, one cast per ballot, close), as `/vote` … `/close` would have left them."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.votes.chain import RecordKind, genesis, receipt, record_hash

CHOICES = ("for", "against", "abstain")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def seed_closed_votes(path: Path, *, ballots: int, created_by: int, seed: int = 1) -> int:
    """Closed votes holding `ballots` ballots in all (one per unit each); returns how many votes.

    The votes are numbered from 1, so the benchmark's own vote comes after them."""
    if ballots <= 0:
        return 0
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    try:
        community_id = connection.execute("SELECT id FROM communities").fetchone()[0]
        units = connection.execute(
            "SELECT code, building, area_centi_m2, owner_key FROM units"
            " WHERE community_id = ? AND retired = 0 ORDER BY id",
            (community_id,),
        ).fetchall()
        users = dict(
            connection.execute(
                "SELECT u.code, m.user_id FROM memberships m JOIN units u ON u.id = m.unit_id"
            ).fetchall()
        )
        left, number = ballots, 0
        start = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
        with connection:
            while left > 0:
                number += 1
                voting = units[: min(left, len(units))]
                left -= len(voting)
                opened = start + timedelta(days=30 * number)
                closes = opened + timedelta(days=7)
                cursor = connection.execute(
                    "INSERT INTO votes (community_id, number, question, rule, duration_minutes,"
                    " status, created_by, created_at, opened_at, closes_at, closed_at, outcome,"
                    " electorate_frozen, publication_ends_at) VALUES (?, ?, ?, 'simple', ?,"
                    " 'closed', ?, ?, ?, ?, ?, 'passed', 1, ?)",
                    (
                        community_id,
                        number,
                        f"Earlier question {number}?",
                        7 * 24 * 60,
                        created_by,
                        _iso(opened),
                        _iso(opened),
                        _iso(closes),
                        _iso(closes),
                        _iso(closes + timedelta(days=7)),
                    ),
                )
                vote_id = cursor.lastrowid
                assert vote_id is not None
                connection.executemany(
                    "INSERT INTO vote_voters (vote_id, voter_key, area_cents, buildings)"
                    " VALUES (?, ?, ?, ?)",
                    [(vote_id, code, area, building) for code, building, area, _ in units],
                )
                connection.executemany(
                    "INSERT INTO vote_voter_units"
                    " (vote_id, unit_code, voter_key, area_cents, building, owner_key)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(vote_id, c, c, a, b, o) for c, b, a, o in units],
                )
                chain = _Chain(vote_id)
                chain.append(
                    RecordKind.OPEN,
                    {
                        "community": str(community_id),
                        "number": str(number),
                        "question": f"Earlier question {number}?",
                        "rule": "simple",
                        "building": "",
                        "secret": "0",
                        "opened_at": opened.isoformat(),
                        "closes_at": closes.isoformat(),
                        "electorate": hashlib.sha256(repr(units).encode()).hexdigest(),
                        "voters": str(len(units)),
                        "area": f"{sum(u[2] for u in units) / 100:.2f}",
                    },
                )
                rows, counts = [], dict.fromkeys(CHOICES, 0)
                for index, (code, _building, _area, _owner) in enumerate(voting):
                    choice = rng.choice(CHOICES)
                    counts[choice] += 1
                    at = opened + timedelta(seconds=30 * index)
                    by = users.get(code, created_by)
                    data = {
                        "voter": code,
                        "choice": choice,
                        "source": "online",
                        "by": str(by),
                        "at": at.isoformat(),
                    }
                    digest = chain.append(RecordKind.CAST, data)
                    rows.append((vote_id, code, choice, by, _iso(at), "online", receipt(digest)))
                connection.executemany(
                    "INSERT INTO ballots"
                    " (vote_id, voter_key, choice, cast_by, cast_at, source, receipt)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                chain.append(
                    RecordKind.CLOSE,
                    {"outcome": "passed", "electorate": str(len(units)), "at": closes.isoformat()}
                    | {choice: str(count) for choice, count in counts.items()},
                )
                connection.executemany(
                    "INSERT INTO vote_records (vote_id, seq, kind, data, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    chain.rows,
                )
        return number
    finally:
        connection.close()


class _Chain:
    """The hash chain of one vote, as rows of `vote_records`."""

    def __init__(self, vote_id: int) -> None:
        self.vote_id = vote_id
        self.prev = genesis(vote_id)
        self.rows: list[tuple[int, int, str, str, str, str]] = []

    def append(self, kind: RecordKind, data: dict[str, str]) -> str:
        seq = len(self.rows) + 1
        digest = record_hash(self.vote_id, seq, kind, data, self.prev)
        self.rows.append((self.vote_id, seq, kind.value, _canonical(data), self.prev, digest))
        self.prev = digest
        return digest


def _canonical(data: dict[str, str]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
