"""Counting a vote: the electorate, the ballots per choice, and the outcome under each rule.

Every comparison is exact (integers and Fractions, never floats), as ../shared/domain.md asks:
"at least" (以上) includes the bound, "more than half" (过半数) does not. An abstention is
participation: it counts in the participating denominators but not as approval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import ceil, floor

from bot.units.model import Unit


class Rule(StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two-thirds"
    DOUBLE_MAJORITY = "double-majority"
    DOUBLE_THREE_QUARTERS = "double-three-quarters"

    @property
    def civil_code(self) -> bool:
        """Civil Code art. 278: owners only, by headcount and by exclusive area, with a quorum."""
        return self in (Rule.DOUBLE_MAJORITY, Rule.DOUBLE_THREE_QUARTERS)


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Outcome(StrEnum):
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


DEVELOPER_VOTER = "developer"


def parse_rule(value: str) -> Rule | None:
    aliases = {
        "simple": Rule.SIMPLE,
        "majority": Rule.SIMPLE,
        "简单多数": Rule.SIMPLE,
        "two-thirds": Rule.TWO_THIRDS,
        "2/3": Rule.TWO_THIRDS,
        "三分之二": Rule.TWO_THIRDS,
        "double-majority": Rule.DOUBLE_MAJORITY,
        "双过半": Rule.DOUBLE_MAJORITY,
        "double-three-quarters": Rule.DOUBLE_THREE_QUARTERS,
        "双四分之三": Rule.DOUBLE_THREE_QUARTERS,
    }
    return aliases.get(value.strip().lower())


def voter_key(rule: Rule, unit: Unit) -> str:
    """Who a unit's ballot belongs to: its household, or under the Civil Code its owner (all
    developer units together are one owner)."""
    if not rule.civil_code:
        return unit.code
    return DEVELOPER_VOTER if unit.is_developer else f"owner:{unit.owner_key}"


@dataclass(frozen=True, slots=True)
class Voter:
    """One ballot's worth: a household, or an owner with all their units in scope."""

    key: str
    units: tuple[str, ...]
    buildings: tuple[str, ...]
    area_m2: Decimal
    members: tuple[Unit, ...] = ()  # the units as the register held them when the vote opened
    # in a building vote, the owner's units outside the building: not counted, but an owner who
    # is verified for one of them is this owner, and casts this ballot
    linked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Electorate:
    """Who may take part. Household rules: the households (units) in scope with a verified
    resident. Civil Code rules: every owner in scope by headcount, with their area in scope."""

    rule: Rule
    voters: Mapping[str, Voter]

    @property
    def size(self) -> int:
        return len(self.voters)

    @property
    def area_m2(self) -> Decimal:
        return sum((v.area_m2 for v in self.voters.values()), Decimal(0))


def electorate_for(
    rule: Rule, units: Iterable[Unit], *, building: str | None, inhabited: Iterable[str]
) -> Electorate:
    """`inhabited`: codes of units with a verified resident (household rules only)."""
    inhabited_codes = set(inhabited)
    grouped: dict[str, list[Unit]] = {}
    outside: dict[str, list[str]] = {}
    for unit in units:
        if building is not None and unit.building != building:
            if rule.civil_code:
                outside.setdefault(voter_key(rule, unit), []).append(unit.code)
            continue
        if not rule.civil_code and unit.code not in inhabited_codes:
            continue
        grouped.setdefault(voter_key(rule, unit), []).append(unit)
    voters = {
        key: Voter(
            key=key,
            units=tuple(u.code for u in members),
            buildings=tuple(sorted({u.building for u in members})),
            area_m2=sum((u.area_m2 for u in members), Decimal(0)),
            members=tuple(members),
            linked=tuple(outside.get(key, ())),
        )
        for key, members in grouped.items()
    }
    return Electorate(rule, voters)


@dataclass(frozen=True, slots=True)
class Tally:
    """Ballots per choice, by headcount and by area, against the electorate."""

    rule: Rule
    electorate_size: int
    electorate_area: Decimal
    counts: Mapping[Choice, int]
    areas: Mapping[Choice, Decimal]

    @property
    def participants(self) -> int:
        return sum(self.counts.values())

    @property
    def participating_area(self) -> Decimal:
        return sum(self.areas.values(), Decimal(0))


def count(electorate: Electorate, ballots: Mapping[str, Choice]) -> Tally:
    """The tally of the final ballots (voter key → choice); keys outside the electorate (a
    household that has since left, a unit no longer in scope) still count by headcount, with
    the area they had."""
    counts = dict.fromkeys(Choice, 0)
    areas = dict.fromkeys(Choice, Decimal(0))
    for key, choice in ballots.items():
        counts[choice] += 1
        voter = electorate.voters.get(key)
        if voter is not None:
            areas[choice] += voter.area_m2
    return Tally(electorate.rule, electorate.size, electorate.area_m2, counts, areas)


@dataclass(frozen=True, slots=True)
class Check:
    """One threshold: `value / of` against `bound`; `inclusive` for "at least"."""

    name: str
    value: Fraction
    of: Fraction
    bound: Fraction
    inclusive: bool

    @property
    def met(self) -> bool:
        if self.of == 0:
            return False
        share = self.value / self.of
        return share >= self.bound if self.inclusive else share > self.bound

    def shortfall(self, step: Fraction = Fraction(1)) -> Fraction:
        """How much `value` still has to grow, in whole `step`s (one owner or household, or
        0.01 m²), for the bound to be met against the same `of`: at least 2/3 of 8 needs
        ceil(16/3) = 6; more than half of 6 needs the smallest whole number above 3, i.e. 4.
        Zero once met."""
        if self.met:
            return Fraction(0)
        scaled = self.bound * self.of / step
        needed = ceil(scaled) if self.inclusive else floor(scaled) + 1
        return max(needed - ceil(self.value / step), 1) * step


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    quorum: tuple[Check, ...]
    approval: tuple[Check, ...]


TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)


def decide(tally: Tally) -> Decision:
    yes = tally.counts[Choice.FOR]
    no = tally.counts[Choice.AGAINST]
    if tally.rule is Rule.SIMPLE:
        # For > Against  ⇔  For / (For + Against) > 1/2
        check = Check("approval", Fraction(yes), Fraction(yes + no), HALF, inclusive=False)
        return Decision(Outcome.PASSED if check.met else Outcome.REJECTED, (), (check,))
    if tally.rule is Rule.TWO_THIRDS:
        check = Check("approval", Fraction(yes), Fraction(yes + no), TWO_THIRDS, inclusive=True)
        return Decision(Outcome.PASSED if check.met else Outcome.REJECTED, (), (check,))
    quorum = (
        Check(
            "participation_owners",
            Fraction(tally.participants),
            Fraction(tally.electorate_size),
            TWO_THIRDS,
            inclusive=True,
        ),
        Check(
            "participation_area",
            Fraction(tally.participating_area),
            Fraction(tally.electorate_area),
            TWO_THIRDS,
            inclusive=True,
        ),
    )
    major = tally.rule is Rule.DOUBLE_THREE_QUARTERS
    bound, inclusive = (THREE_QUARTERS, True) if major else (HALF, False)
    approval = (
        Check(
            "approval_owners",
            Fraction(yes),
            Fraction(tally.participants),
            bound,
            inclusive=inclusive,
        ),
        Check(
            "approval_area",
            Fraction(tally.areas[Choice.FOR]),
            Fraction(tally.participating_area),
            bound,
            inclusive=inclusive,
        ),
    )
    if not all(c.met for c in quorum):
        return Decision(Outcome.NO_QUORUM, quorum, approval)
    outcome = Outcome.PASSED if all(c.met for c in approval) else Outcome.REJECTED
    return Decision(outcome, quorum, approval)
