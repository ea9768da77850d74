"""A tamper-evident record of a vote: every cast, change and close is appended as a record that
carries the hash of the one before, so a silent edit anywhere breaks every hash after it.

hash = sha256(prev_hash + "\\n" + canonical JSON of {vote, seq, kind, data}); the first record's
prev_hash is sha256("vote:<id>")."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

SHORT = 12


class RecordKind(StrEnum):
    CAST = "cast"
    CHANGE = "change"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class ChainRecord:
    vote_id: int
    seq: int
    kind: RecordKind
    data: Mapping[str, str]
    prev_hash: str
    hash: str


def genesis(vote_id: int) -> str:
    return hashlib.sha256(f"vote:{vote_id}".encode()).hexdigest()


def record_hash(
    vote_id: int, seq: int, kind: RecordKind, data: Mapping[str, str], prev: str
) -> str:
    body = json.dumps(
        {"vote": vote_id, "seq": seq, "kind": kind.value, "data": dict(data)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


def append(
    vote_id: int, head: ChainRecord | None, kind: RecordKind, data: Mapping[str, str]
) -> ChainRecord:
    """The record that follows `head` (None: the first record of the vote)."""
    prev = head.hash if head is not None else genesis(vote_id)
    seq = head.seq + 1 if head is not None else 1
    return ChainRecord(
        vote_id, seq, kind, dict(data), prev, record_hash(vote_id, seq, kind, data, prev)
    )


def first_broken(vote_id: int, records: Sequence[ChainRecord]) -> int | None:
    """The seq of the first record that does not match its predecessor or its content, else None."""
    prev = genesis(vote_id)
    for expected_seq, record in enumerate(records, start=1):
        if (
            record.seq != expected_seq
            or record.prev_hash != prev
            or record.hash != record_hash(vote_id, record.seq, record.kind, record.data, prev)
        ):
            return record.seq
        prev = record.hash
    return None


def replay(records: Sequence[ChainRecord]) -> dict[str, str]:
    """The final ballots (voter key → choice) that the chain records."""
    ballots: dict[str, str] = {}
    for record in records:
        if record.kind in (RecordKind.CAST, RecordKind.CHANGE):
            ballots[record.data["voter"]] = record.data["choice"]
    return ballots


def short(digest: str) -> str:
    return digest[:SHORT]
