"""The per-user throttle, driven by a fake clock: one "slow down" per spell, then silence; other
users untouched; quiet users forgotten."""

from __future__ import annotations

from collections import Counter

import pytest

from handlers.throttle import Throttle, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


ALICE, BOB = 42, 43


@pytest.fixture
def clock() -> Clock:
    return Clock()


def presses(
    throttle: Throttle, clock: Clock, user: int, count: int, per_second: float
) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for _ in range(count):
        verdicts.append(throttle.admit(user, "press"))
        clock.advance(1 / per_second)
    return verdicts


def test_fifty_presses_a_second_get_one_warning_then_silence(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    verdicts = presses(throttle, clock, ALICE, 150, per_second=50)  # three seconds of it
    assert verdicts[:10] == [Verdict.PASS] * 10  # the limit: 10 presses in any second
    assert verdicts[10] is Verdict.WARN
    assert verdicts[11:] == [Verdict.DROP] * 139  # still hammering: the spell goes on


def test_a_hundred_commands_a_minute_get_one_warning_then_silence(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    verdicts: list[Verdict] = []
    for _ in range(100):
        verdicts.append(throttle.admit(ALICE, "message"))
        clock.advance(0.6)
    assert Counter(verdicts) == {Verdict.PASS: 30, Verdict.WARN: 1, Verdict.DROP: 69}
    assert verdicts[30] is Verdict.WARN


def test_the_spell_ends_once_the_rate_is_back_under_the_limit(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    presses(throttle, clock, ALICE, 20, per_second=50)
    clock.advance(1.0)  # a second without pressing: the last second holds no press
    assert presses(throttle, clock, ALICE, 12, per_second=50) == (
        [Verdict.PASS] * 10 + [Verdict.WARN, Verdict.DROP]  # a new spell: a new warning
    )


def test_pressing_just_under_the_limit_always_passes(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    assert presses(throttle, clock, ALICE, 100, per_second=9.5) == [Verdict.PASS] * 100


def test_one_user_hammering_does_not_affect_another(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    bob: list[Verdict] = []
    for _ in range(50):  # Alice: 50 presses and 50 messages within a second
        throttle.admit(ALICE, "press")
        throttle.admit(ALICE, "message")
        if len(bob) < 10:
            bob.append(throttle.admit(BOB, "press"))
        clock.advance(0.02)
    assert throttle.admit(ALICE, "press") is Verdict.DROP
    assert bob == [Verdict.PASS] * 10  # Bob's own 10 presses in that second all pass
    assert [throttle.admit(BOB, "message") for _ in range(30)] == [Verdict.PASS] * 30


def test_presses_and_messages_are_limited_apart(clock: Clock) -> None:
    throttle = Throttle(presses_per_second=2, messages_per_minute=2, clock=clock)
    assert [throttle.admit(ALICE, "press") for _ in range(3)] == [
        Verdict.PASS,
        Verdict.PASS,
        Verdict.WARN,
    ]
    assert throttle.admit(ALICE, "message") is Verdict.PASS


def test_users_who_went_quiet_are_forgotten(clock: Clock) -> None:
    throttle = Throttle(clock=clock)
    for user in range(1000):
        throttle.admit(user, "press")
        throttle.admit(user, "message")
    assert throttle.tracked() == 2000
    clock.advance(61)
    throttle.admit(ALICE, "press")
    throttle.admit(ALICE, "message")
    assert throttle.tracked() == 2  # only the one who spoke in the last window


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Throttle(presses_per_second=0)


def test_the_default_clock_is_monotonic_time() -> None:
    throttle = Throttle()
    assert [throttle.admit(ALICE, "press") for _ in range(11)][-1] is Verdict.WARN
