"""The durable-timer helper (handlers/timers.py) on a real application's JobQueue: one job per
name however often it is armed, a due time in the past fires at once, disarm removes, a sweep
leaves an armed job alone, and a callback reads its job's data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import CallbackContext

from handlers import timers
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness


def named(h: HandlerHarness, name: str) -> list[Any]:
    assert h.app.job_queue is not None
    return list(h.app.job_queue.get_jobs_by_name(name))


class Fired:
    """Records the data each firing found (through `job_data`)."""

    def __init__(self) -> None:
        self.data: list[int | None] = []

    async def __call__(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        self.data.append(timers.job_data(context, int))


async def test_arming_twice_leaves_one_job_at_the_later_time(harness: HandlerHarness) -> None:
    fired = Fired()
    timers.arm(harness.app, "vote-close:7", NOW + timedelta(hours=2), fired, 7)
    timers.arm(harness.app, "vote-close:7", NOW + timedelta(hours=5), fired, 7)
    await asyncio.sleep(0.05)  # the first job's removal takes effect
    jobs = named(harness, "vote-close:7")
    assert len(jobs) == 1
    # due 5 hours after the services' "now": the job queue runs it 5 hours from its own clock
    left = jobs[0].next_t - datetime.now(UTC)
    assert timedelta(hours=4, minutes=59) < left <= timedelta(hours=5)
    assert fired.data == []


async def test_a_due_time_that_passed_fires_at_once_with_its_data(
    harness: HandlerHarness,
) -> None:
    fired = Fired()
    timers.arm(harness.app, "notice-publish:3", NOW - timedelta(days=1), fired, 3)
    await asyncio.sleep(0.3)  # the job queue runs the due job
    assert fired.data == [3]
    assert named(harness, "notice-publish:3") == []


async def test_disarm_removes_the_job_and_it_never_fires(harness: HandlerHarness) -> None:
    fired = Fired()
    timers.arm(harness.app, "vote-open:2", NOW + timedelta(seconds=0.2), fired, 2)
    timers.disarm(harness.app, "vote-open:2")
    timers.disarm(harness.app, "vote-open:9")  # nothing of that name: nothing happens
    await asyncio.sleep(0.4)
    assert fired.data == []
    assert named(harness, "vote-open:2") == []


async def test_a_sweep_leaves_an_armed_job_alone(harness: HandlerHarness) -> None:
    fired = Fired()
    first = timers.arm_missing(harness.app, "report-sla:1", NOW + timedelta(hours=1), fired, 1)
    again = timers.arm_missing(harness.app, "report-sla:1", NOW - timedelta(hours=1), fired, 1)
    await asyncio.sleep(0.3)
    assert (first, again) == (True, False)
    assert fired.data == []  # the second, already due, was not armed: nothing fired
    assert len(named(harness, "report-sla:1")) == 1


async def test_data_of_another_shape_reads_as_none(harness: HandlerHarness) -> None:
    fired = Fired()
    timers.arm(harness.app, "meeting-remind:4", NOW, fired, "4")
    timers.soon(harness.app, "meeting:arm", fired)  # no data at all
    await asyncio.sleep(0.3)
    assert fired.data == [None, None]


async def test_repeat_again_replaces_the_job(harness: HandlerHarness) -> None:
    fired = Fired()
    timers.repeat(harness.app, "cards-refresh", timedelta(hours=1), fired)
    timers.repeat(harness.app, "cards-refresh", timedelta(hours=1), fired)
    await asyncio.sleep(0.05)
    jobs = named(harness, "cards-refresh")
    assert len(jobs) == 1
    assert jobs[0].job.trigger.interval == timedelta(hours=1)
    assert fired.data == []  # the first run is an hour away
