from __future__ import annotations

import base64
import dataclasses
import hashlib
from decimal import Decimal

from bot.units.model import Unit
from bot.votes.chain import (
    ChainRecord,
    RecordKind,
    append,
    fingerprint,
    first_broken,
    genesis,
    receipt,
    replay,
)
from bot.votes.model import electorate_digest
from bot.votes.tally import Electorate, Rule, Voter


def build(vote_id: int = 7) -> list[ChainRecord]:
    records: list[ChainRecord] = []
    for kind, voter, choice in [
        (RecordKind.CAST, "1-101", "for"),
        (RecordKind.CAST, "1-102", "against"),
        (RecordKind.CHANGE, "1-101", "abstain"),
    ]:
        records.append(
            append(
                vote_id,
                records[-1] if records else None,
                kind,
                {"voter": voter, "choice": choice, "by": "42"},
            )
        )
    records.append(append(vote_id, records[-1], RecordKind.CLOSE, {"outcome": "rejected"}))
    return records


def test_a_sound_chain_verifies_and_replays_to_the_final_ballots() -> None:
    records = build()
    assert records[0].prev_hash == genesis(7)
    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert first_broken(7, records) is None
    assert replay(records) == {"1-101": "abstain", "1-102": "against"}
    # the published fingerprint: 160 bits as 32 base32 characters in 8 groups of 4
    assert len(fingerprint(records[-1].hash).replace("-", "")) == 32


def test_any_edit_is_found_at_the_first_record_that_does_not_match() -> None:
    records = build()
    edited = list(records)
    edited[1] = dataclasses.replace(records[1], data={**records[1].data, "choice": "for"})
    assert first_broken(7, edited) == 2
    rehashed = list(records)
    rehashed[1] = append(
        7, records[0], RecordKind.CAST, {"voter": "1-102", "choice": "for", "by": "42"}
    )
    assert first_broken(7, rehashed) == 3  # record 2 is self-consistent, 3 no longer follows it
    assert first_broken(7, records[:1] + records[2:]) == 3  # a record removed
    assert first_broken(8, records) == 1  # moved to another vote


# Fixed test vectors: the formula is written out here by hand (canonical JSON: keys sorted, no
# spaces, UTF-8 as is), and the digests are pinned, so that any change to the hashing or the
# serialization of records, electorates, fingerprints or receipts fails here first.
OPEN_BODY = (
    '{"data":{"question":"装电梯？","rule":"double-majority"},"kind":"open","seq":1,"vote":7}'
)
OPEN_HASH = "c6979fa94d4c0ca9dac7bb583a08ea4d38bb589867488d8e17e550dda2a39067"
ELECTORATE_CANONICAL = (
    '{"rule":"double-majority","voters":'
    '[["owner:C",[["1-201","1","120.00","C"],["1-202","1","60.00","C"]],["1"],"180.00",[]]]}'
)
ELECTORATE_HASH = "10c1b703999478a592c5c94fc4909318f3e7f1734220a041190d1d16326aaaae"


def test_record_hash_vector() -> None:
    record = append(7, None, RecordKind.OPEN, {"question": "装电梯？", "rule": "double-majority"})
    assert record.prev_hash == hashlib.sha256(b"vote:7").hexdigest()
    expected = hashlib.sha256(f"{record.prev_hash}\n{OPEN_BODY}".encode()).hexdigest()
    assert record.hash == expected == OPEN_HASH


def test_electorate_digest_vector() -> None:
    owner_c = Voter(
        "owner:C",
        ("1-201", "1-202"),
        ("1",),
        Decimal("180.00"),
        (Unit("1-201", "1", Decimal(120), "C"), Unit("1-202", "1", Decimal(60), "C")),
    )
    digest = electorate_digest(Electorate(Rule.DOUBLE_MAJORITY, {"owner:C": owner_c}))
    assert digest == hashlib.sha256(ELECTORATE_CANONICAL.encode()).hexdigest() == ELECTORATE_HASH


def test_fingerprint_and_receipt_vectors() -> None:
    # base32 (RFC 4648) of the first 20 bytes, and of the first 5, in groups of 4
    assert fingerprint(OPEN_HASH) == "Y2LZ-7KKN-JQGK-TWWH-XNMD-UCHK-JU4L-WWEY"
    assert receipt(OPEN_HASH) == "Y2LZ-7KKN"
    assert base64.b32encode(bytes.fromhex(OPEN_HASH)[:5]).decode() == "Y2LZ7KKN"
