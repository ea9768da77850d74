"""What each record of a vote's hash chain holds, and the audit that compares a chain with the
stored vote, its frozen electorate and its ballots (`/verify`). Pure functions: the use cases
read the rows and append the records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from bot.votes.chain import BALLOT_KINDS, ChainRecord, RecordKind, first_broken
from bot.votes.model import BallotSource, Vote, electorate_digest
from bot.votes.tally import Choice, Electorate, Outcome, Tally


def _area(value: Decimal) -> str:
    return f"{value:.2f}"


def open_data(vote: Vote, electorate: Electorate, *, late: bool = False) -> dict[str, str]:
    """The first record: what the vote is, and who may take part (by the electorate's hash).
    `late`: a vote opened before electorates were frozen, frozen when the bot was upgraded; its
    opening record follows the ballots cast until then."""
    assert vote.opened_at is not None and vote.closes_at is not None
    data = {"late": "1"} if late else {}
    return data | {
        "community": str(vote.community_id),
        "number": str(vote.number),
        "question": vote.question,
        "rule": vote.rule.value,
        "building": vote.building or "",
        "secret": "1" if vote.secret else "0",
        "opened_at": vote.opened_at.isoformat(),
        "closes_at": vote.closes_at.isoformat(),
        "electorate": electorate_digest(electorate),
        "voters": str(electorate.size),
        "area": _area(electorate.area_m2),
    }


def ballot_data(
    key: str, choice: Choice, *, source: BallotSource, by: int, at: datetime
) -> dict[str, str]:
    """`by`: the voter online; for paper, the committee member who entered it."""
    return {
        "voter": key,
        "choice": choice.value,
        "source": source.value,
        "by": str(by),
        "at": at.isoformat(),
    }


def close_data(
    tally: Tally, outcome: Outcome, at: datetime, objections_until: datetime | None = None
) -> dict[str, str]:
    """The published figures: ballots and area per choice against the electorate, and the end
    of the publication period during which owners may object."""
    data = {
        "outcome": outcome.value,
        "electorate": str(tally.electorate_size),
        "electorate_area": _area(tally.electorate_area),
        "at": at.isoformat(),
    }
    if objections_until is not None:
        data["objections_until"] = objections_until.isoformat()
    for choice in Choice:
        data[choice.value] = str(tally.counts[choice])
        data[f"{choice.value}_area"] = _area(tally.areas[choice])
    return data


class Problem(StrEnum):
    """What `/verify` can find; each is shown with its detail."""

    BROKEN = "broken"  # detail: the first record (seq) that does not follow
    NO_OPEN_RECORD = "no_open_record"
    OPEN_MISMATCH = "open_mismatch"  # detail: the fields that differ
    ELECTORATE_MISMATCH = "electorate_mismatch"
    BALLOTS_MISMATCH = "ballots_mismatch"  # detail: the voter keys that differ
    NO_CLOSE_RECORD = "no_close_record"
    CLOSE_MISMATCH = "close_mismatch"  # detail: the fields that differ
    AFTER_CLOSE = "after_close"  # detail: the records after the close record


@dataclass(frozen=True, slots=True)
class Finding:
    problem: Problem
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the database says now, to be checked against the chain."""

    vote: Vote
    electorate: Electorate
    ballots: Mapping[str, tuple[Choice, BallotSource]]
    recount: Tally | None  # the tally recomputed from the electorate and ballots, once closed


def _differing(expected: Mapping[str, str], recorded: Mapping[str, str]) -> list[str]:
    return sorted(
        k for k in expected.keys() | recorded.keys() if expected.get(k) != recorded.get(k)
    )


def _short_list(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit})" if len(items) > limit else "")


def audit(records: Sequence[ChainRecord], state: StoredState) -> list[Finding]:
    """Everything in which the chain and the stored vote disagree; an empty list: intact."""
    vote = state.vote
    findings: list[Finding] = []
    broken = first_broken(vote.id, records)
    if broken is not None:
        findings.append(Finding(Problem.BROKEN, str(broken)))
    opening = next((r for r in records if r.kind is RecordKind.OPEN), None)
    if not vote.electorate_frozen:
        pass  # opened before electorates were frozen: its chain covers the ballots only
    elif opening is None or (opening.seq != 1 and opening.data.get("late") != "1"):
        findings.append(Finding(Problem.NO_OPEN_RECORD))
    else:
        expected = open_data(vote, state.electorate, late=opening.data.get("late") == "1")
        fields = [f for f in _differing(expected, opening.data) if f != "electorate"]
        if fields:
            findings.append(Finding(Problem.OPEN_MISMATCH, ", ".join(fields)))
        if opening.data.get("electorate") != expected["electorate"]:
            findings.append(Finding(Problem.ELECTORATE_MISMATCH))
    replayed: dict[str, tuple[str, str]] = {}
    for record in records:
        if record.kind in BALLOT_KINDS:
            source = record.data.get("source", BallotSource.ONLINE.value)
            replayed[record.data["voter"]] = (record.data["choice"], source)
    stored = {k: (c.value, s.value) for k, (c, s) in state.ballots.items()}
    keys = sorted(k for k in replayed.keys() | stored.keys() if replayed.get(k) != stored.get(k))
    if keys:
        findings.append(Finding(Problem.BALLOTS_MISMATCH, _short_list(keys)))
    closes = [r for r in records if r.kind is RecordKind.CLOSE]
    if closes:
        after = [str(r.seq) for r in records if r.seq > closes[0].seq]
        if after:
            findings.append(Finding(Problem.AFTER_CLOSE, _short_list(after)))
    if vote.electorate_frozen and vote.closed_at is not None and vote.outcome is not None:
        if not closes:
            findings.append(Finding(Problem.NO_CLOSE_RECORD))
        elif state.recount is not None:
            expected = close_data(
                state.recount, vote.outcome, vote.closed_at, vote.publication_ends_at
            )
            fields = _differing(expected, closes[0].data)
            if fields:
                findings.append(Finding(Problem.CLOSE_MISMATCH, ", ".join(fields)))
    return findings
