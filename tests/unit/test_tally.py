"""The voting rules at every boundary, with exact arithmetic; the worked example of
../shared/domain.md; and, property-based, that a tally depends only on the final ballots."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.units.model import Unit
from bot.units.register import parse_unit_csv
from bot.votes.tally import (
    DEVELOPER_VOTER,
    Check,
    Choice,
    Outcome,
    Rule,
    Tally,
    count,
    decide,
    electorate_for,
    parse_rule,
    voter_key,
)
from tests.conftest import WORKED_EXAMPLE_CSV

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
EXAMPLE = parse_unit_csv(WORKED_EXAMPLE_CSV)


def owner(name: str) -> str:
    return DEVELOPER_VOTER if name == "developer" else f"owner:{name}"


def civil(
    rule: Rule, ballots: dict[str, Choice], units: list[Unit] = EXAMPLE, building: str | None = None
) -> tuple[Outcome, Tally]:
    electorate = electorate_for(rule, units, building=building, inhabited=())
    tally = count(electorate, {owner(k): v for k, v in ballots.items()})
    return decide(tally).outcome, tally


WORKED = {"A": F, "B": F, "C": F, "D": A, "E": X, "F": F}


def test_worked_example_passes_as_an_ordinary_matter() -> None:
    outcome, tally = civil(Rule.DOUBLE_MAJORITY, WORKED)
    assert outcome is Outcome.PASSED
    assert tally.electorate_size == 8 and tally.electorate_area == Decimal(860)
    assert tally.participants == 6 and tally.participating_area == Decimal(640)
    assert tally.counts[F] == 4 and tally.areas[F] == Decimal(440)


def test_worked_example_is_rejected_as_a_major_matter() -> None:
    outcome, _ = civil(Rule.DOUBLE_THREE_QUARTERS, WORKED)
    assert outcome is Outcome.REJECTED


def test_worked_example_with_four_voters_has_no_quorum() -> None:
    for rule in (Rule.DOUBLE_MAJORITY, Rule.DOUBLE_THREE_QUARTERS):
        outcome, _ = civil(rule, {"A": F, "B": F, "C": F, "D": F})
        assert outcome is Outcome.NO_QUORUM


def test_a_multi_unit_owner_is_one_voter_with_all_their_area() -> None:
    electorate = electorate_for(Rule.DOUBLE_MAJORITY, EXAMPLE, building=None, inhabited=())
    c = electorate.voters[owner("C")]
    assert c.units == ("1-201", "1-202") and c.area_m2 == Decimal(180)
    assert electorate.voters[DEVELOPER_VOTER].units == ("3-101", "3-102")


def units(*rows: tuple[str, int, str]) -> list[Unit]:
    return [Unit(code, code.split("-")[0], Decimal(area), key) for code, area, key in rows]


# Six owners of 10 m² each: 4 of 6 is exactly 2/3.
SIX = units(*((f"1-{i}", 10, f"o{i}") for i in range(6)))


@pytest.mark.parametrize(
    ("voters", "outcome"),
    [(4, Outcome.PASSED), (3, Outcome.NO_QUORUM)],
    ids=["exactly-2/3-participation-is-enough", "just-below-2/3"],
)
def test_participation_at_exactly_two_thirds(voters: int, outcome: Outcome) -> None:
    ballots = {f"o{i}": F for i in range(voters)}
    assert civil(Rule.DOUBLE_MAJORITY, ballots, SIX)[0] is outcome


def test_participation_needs_area_too() -> None:
    # 4 of 6 owners (2/3) but they hold only 40 of 100 m²
    rows = units(
        ("1-1", 10, "a"),
        ("1-2", 10, "b"),
        ("1-3", 10, "c"),
        ("1-4", 10, "d"),
        ("1-5", 30, "e"),
        ("1-6", 30, "f"),
    )
    assert civil(Rule.DOUBLE_MAJORITY, dict.fromkeys("abcd", F), rows)[0] is Outcome.NO_QUORUM
    # and by area alone is not enough either: 2 owners with 60 of 100 m² + 1 → 3 of 6 owners
    assert civil(Rule.DOUBLE_MAJORITY, dict.fromkeys("efa", F), rows)[0] is Outcome.NO_QUORUM


def test_exactly_half_is_not_more_than_half() -> None:
    # 4 participate (2/3 of 6, 40 of 60 m²): 2 for, 2 against → exactly 1/2 → rejected
    assert (
        civil(Rule.DOUBLE_MAJORITY, {"o0": F, "o1": F, "o2": A, "o3": A}, SIX)[0]
        is Outcome.REJECTED
    )
    # 3 for, 1 against → 3/4 > 1/2 → passed
    assert (
        civil(Rule.DOUBLE_MAJORITY, {"o0": F, "o1": F, "o2": F, "o3": A}, SIX)[0] is Outcome.PASSED
    )


def test_exactly_three_quarters_is_enough_for_a_major_matter() -> None:
    assert (
        civil(Rule.DOUBLE_THREE_QUARTERS, {"o0": F, "o1": F, "o2": F, "o3": A}, SIX)[0]
        is Outcome.PASSED
    )
    eight = units(*((f"1-{i}", 10, f"o{i}") for i in range(8)))
    # 6 of 8 participate; 4 for of 6 = 2/3 < 3/4 → rejected
    ballots = {"o0": F, "o1": F, "o2": F, "o3": F, "o4": A, "o5": A}
    assert civil(Rule.DOUBLE_THREE_QUARTERS, ballots, eight)[0] is Outcome.REJECTED


def test_approval_by_area_must_hold_as_well_as_by_headcount() -> None:
    rows = units(("1-1", 10, "a"), ("1-2", 10, "b"), ("1-3", 10, "c"), ("1-4", 70, "d"))
    # 3 of 4 owners for (3/4), but only 30 of 100 m² → rejected under both rules
    ballots = {"a": F, "b": F, "c": F, "d": A}
    assert civil(Rule.DOUBLE_MAJORITY, ballots, rows)[0] is Outcome.REJECTED


def test_abstentions_count_as_participation_not_approval() -> None:
    # 4 of 6 participate thanks to 2 abstentions; 2 for of 4 → exactly 1/2 → rejected
    ballots = {"o0": F, "o1": F, "o2": X, "o3": X}
    outcome, tally = civil(Rule.DOUBLE_MAJORITY, ballots, SIX)
    assert outcome is Outcome.REJECTED and tally.participants == 4


def test_developer_units_count_as_one_owner() -> None:
    rows = units(
        ("1-1", 50, "a"), ("1-2", 50, "developer"), ("1-3", 50, "Developer"), ("1-4", 50, "开发商")
    )
    electorate = electorate_for(Rule.DOUBLE_MAJORITY, rows, building=None, inhabited=())
    assert electorate.size == 2 and electorate.area_m2 == Decimal(200)


def test_a_building_vote_counts_only_that_building() -> None:
    outcome, tally = civil(Rule.DOUBLE_MAJORITY, {"D": F, "E": F, "F": A}, building="2")
    assert tally.electorate_size == 4 and tally.electorate_area == Decimal(360)
    assert outcome is Outcome.PASSED  # 3 of 4 owners, 280 of 360 m²; for 2/3 and 200/280
    assert civil(Rule.DOUBLE_MAJORITY, {"D": F, "E": F}, building="2")[0] is Outcome.NO_QUORUM


def test_simple_rule_for_more_than_against_abstentions_aside() -> None:
    electorate = electorate_for(
        Rule.SIMPLE, EXAMPLE, building=None, inhabited=["1-101", "1-102", "2-101"]
    )
    assert electorate.size == 3
    assert decide(count(electorate, {"1-101": F, "1-102": X})).outcome is Outcome.PASSED
    assert decide(count(electorate, {"1-101": F, "1-102": A})).outcome is Outcome.REJECTED
    assert decide(count(electorate, {})).outcome is Outcome.REJECTED
    assert decide(count(electorate, {"1-101": X})).outcome is Outcome.REJECTED


def test_two_thirds_rule_at_the_bound() -> None:
    households = [f"1-{i}" for i in range(9)]
    rows = [Unit(code, "1", Decimal(10), code) for code in households]
    electorate = electorate_for(Rule.TWO_THIRDS, rows, building=None, inhabited=households)
    two_of_three = {households[0]: F, households[1]: F, households[2]: A, households[3]: X}
    assert decide(count(electorate, two_of_three)).outcome is Outcome.PASSED
    below = {households[0]: F, households[1]: F, households[2]: A, households[3]: A}
    assert decide(count(electorate, below)).outcome is Outcome.REJECTED


def test_checks_are_exact_fractions() -> None:
    decision = decide(civil(Rule.DOUBLE_MAJORITY, WORKED)[1])
    shares = {c.name: c.value / c.of for c in (*decision.quorum, *decision.approval)}
    assert shares == {
        "participation_owners": Fraction(3, 4),
        "participation_area": Fraction(640, 860),
        "approval_owners": Fraction(2, 3),
        "approval_area": Fraction(440, 640),
    }


def test_rule_names_and_voter_keys() -> None:
    assert parse_rule("双过半") is Rule.DOUBLE_MAJORITY
    assert parse_rule("2/3") is Rule.TWO_THIRDS
    assert parse_rule("unanimous") is None
    unit = EXAMPLE[0]
    assert voter_key(Rule.SIMPLE, unit) == "1-101"
    assert voter_key(Rule.DOUBLE_MAJORITY, unit) == "owner:A"


casts = st.lists(
    st.tuples(
        st.sampled_from(sorted({owner(u.owner_key) for u in EXAMPLE} | {DEVELOPER_VOTER})),
        st.sampled_from(list(Choice)),
    ),
    max_size=60,
)


@given(casts=casts, rule=st.sampled_from(list(Rule)))
def test_tally_depends_only_on_the_final_ballots(
    casts: list[tuple[str, Choice]], rule: Rule
) -> None:
    """Casting and changing in any order: what counts is the latest ballot of each voter."""
    electorate = electorate_for(Rule.DOUBLE_MAJORITY, EXAMPLE, building=None, inhabited=())
    box: dict[str, Choice] = {}
    running = dict.fromkeys(Choice, 0)
    for key, choice in casts:
        previous = box.get(key)
        if previous is not None:
            running[previous] -= 1
        running[choice] += 1
        box[key] = choice
    final = count(electorate, box)
    assert dict(final.counts) == running
    assert final.participants == len(box) <= electorate.size
    reordered = count(electorate, dict(reversed(list(box.items()))))
    assert reordered == final
    assert decide(final).outcome in Outcome


# --- what a threshold still lacks (the card's "还差 N 户 / N m²"), worked out by hand from
# ../shared/domain.md's example: 860 m², 8 owners

CENT = Fraction(1, 100)


def checks_of(rule: Rule, ballots: dict[str, Choice]) -> dict[str, Check]:
    electorate = electorate_for(rule, EXAMPLE, building=None, inhabited=())
    decision = decide(count(electorate, {owner(k): v for k, v in ballots.items()}))
    return {c.name: c for c in (*decision.quorum, *decision.approval)}


def test_a_met_threshold_lacks_nothing() -> None:
    checks = checks_of(Rule.DOUBLE_MAJORITY, WORKED)
    assert all(c.shortfall() == 0 for c in checks.values())


def test_major_matter_lacks_one_owner_and_forty_square_metres() -> None:
    checks = checks_of(Rule.DOUBLE_THREE_QUARTERS, WORKED)
    # 3/4 of 6 participants is 4.5: at least 5 owners, 4 are for
    assert checks["approval_owners"].shortfall() == 1
    # 3/4 of 640 m² is 480 m²; 440 m² are for
    assert checks["approval_area"].shortfall(CENT) == 40
    assert checks["participation_owners"].shortfall() == 0


def test_no_quorum_lacks_two_owners_and_113_34_square_metres() -> None:
    checks = checks_of(Rule.DOUBLE_MAJORITY, {"A": F, "B": F, "C": F, "D": F})
    # 2/3 of 8 owners is 5⅓: at least 6 must take part, 4 did
    assert checks["participation_owners"].shortfall() == 2
    # 2/3 of 860 m² is 573.333…, i.e. 573.34 m² to the hundredth; A, B, C, D hold 460 m²
    assert checks["participation_area"].shortfall(CENT) == Fraction(11334, 100)


def test_exactly_half_lacks_one_owner_for_more_than_half() -> None:
    # F votes against: 3 of 6 owners for is half, not more; 360 of 640 m² is more than half
    checks = checks_of(Rule.DOUBLE_MAJORITY, {**WORKED, "F": A})
    assert checks["approval_owners"].shortfall() == 1
    assert checks["approval_area"].shortfall(CENT) == 0


def test_more_than_half_of_an_area_is_the_next_hundredth() -> None:
    check = Check("approval_area", Fraction(320), Fraction(640), Fraction(1, 2), inclusive=False)
    assert check.shortfall(CENT) == CENT


def test_a_tie_lacks_one_household_under_simple_majority() -> None:
    check = Check("approval", Fraction(2), Fraction(4), Fraction(1, 2), inclusive=False)
    assert check.shortfall() == 1
