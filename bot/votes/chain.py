"""A tamper-evident record of a vote. The first record (`open`) holds what the vote is: its
question, rule, scope, secret flag, opening and closing times and the hash of its frozen
electorate; every ballot (`cast`, `change`, online or from paper) follows, and the `close` record
holds the published figures and outcome, after which nothing may follow. Each record carries the
hash of the one before, so a silent edit anywhere breaks every hash after it.

hash = sha256(prev_hash + "\\n" + canonical JSON of {vote, seq, kind, data}); the first record's
prev_hash is sha256("vote:<id>"). Canonical JSON: keys sorted, no spaces, UTF-8 kept as is.
The hashing and serialization are pinned by fixed test vectors (tests/unit/test_vote_chain.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

FINGERPRINT_BYTES: Final = 20  # 160 bits, shown as 32 base32 characters in groups of 4
RECEIPT_BYTES: Final = 5  # 40 bits, shown as 8 base32 characters: enough to find one's ballot


class RecordKind(StrEnum):
    OPEN = "open"
    CAST = "cast"
    CHANGE = "change"
    CLOSE = "close"


BALLOT_KINDS: Final = frozenset({RecordKind.CAST, RecordKind.CHANGE})


@dataclass(frozen=True, slots=True)
class ChainRecord:
    vote_id: int
    seq: int
    kind: RecordKind
    data: Mapping[str, str]
    prev_hash: str
    hash: str


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def genesis(vote_id: int) -> str:
    return hashlib.sha256(f"vote:{vote_id}".encode()).hexdigest()


def record_hash(
    vote_id: int, seq: int, kind: RecordKind, data: Mapping[str, str], prev: str
) -> str:
    body = canonical({"vote": vote_id, "seq": seq, "kind": kind.value, "data": dict(data)})
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
        if record.kind in BALLOT_KINDS:
            ballots[record.data["voter"]] = record.data["choice"]
    return ballots


def _base32(digest: str, size: int) -> str:
    return base64.b32encode(bytes.fromhex(digest)[:size]).decode().rstrip("=")


def _grouped(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def fingerprint(digest: str) -> str:
    """The published form of a chain head: 160 bits as `ABCD-EFGH-…` (8 groups of 4)."""
    return _grouped(_base32(digest, FINGERPRINT_BYTES))


def receipt(digest: str) -> str:
    """A voter's receipt, from the hash of their ballot's record: `ABCD-EFGH`."""
    return _grouped(_base32(digest, RECEIPT_BYTES))
