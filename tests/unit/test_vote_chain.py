from __future__ import annotations

import dataclasses

from bot.votes.chain import ChainRecord, RecordKind, append, first_broken, genesis, replay, short


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
    assert len(short(records[-1].hash)) == 12


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
