"""Durable timers, the one way features arm their jobs. PTB's JobQueue keeps jobs in memory
only, so whatever is scheduled lives in SQLite and is armed again at start-up (each feature's
`handlers/<feature>/jobs.py` reads its due times and calls `arm`); these functions are the
JobQueue side of that pattern.

- A job is named per subject (`vote-close:<id>`), so it can be found again and replaced.
- `arm(owner, name, due, callback, data=None)` removes every job called `name`, then runs
  `callback` once at `due`, at once if `due` has passed (a time that passed while the bot was
  down fires now); the callback finds `data` in `context.job.data`. Arming twice leaves one job.
- `arm_missing(owner, name, due, callback, data=None) -> bool` arms only if no job called
  `name` exists (a sweep over every pending timer, at start-up and after each change); whether
  it armed one.
- `disarm(owner, name)` removes every job called `name` (nothing if there is none).
- `soon(owner, name, callback)` runs `callback` once, at once, on the job queue.
- `repeat(owner, name, every, callback)` runs `callback` every `every`, the first time after
  `every`; again replaces the job, so start-up may call it each time.
- `job_data(context, kind)` in a callback: the job's data if it is a `kind`, else None (no job,
  or data of another shape): the callback then does nothing.

`owner` is a handler's context, a job's context or the Application (start-up): anything with a
`job_queue` and `bot_data`. Without a job queue nothing is armed. "Now" is the services' clock
(`bot_data["services"].now()`), so tests can move it. Firing twice must be harmless: each
callback's use case marks its subject done in the transaction of its effect."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from telegram.ext import CallbackContext, JobQueue

T = TypeVar("T")

JobCallback = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, Any]]


class Owner(Protocol):
    """A handler's or job's context, or the Application."""

    @property
    def job_queue(self) -> JobQueue[Any] | None: ...

    @property
    def bot_data(self) -> Any: ...


def disarm(owner: Owner, name: str) -> None:
    job_queue = owner.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()


def arm(owner: Owner, name: str, due: datetime, callback: JobCallback, data: object = None) -> None:
    job_queue = owner.job_queue
    if job_queue is None:
        return
    disarm(owner, name)
    job_queue.run_once(callback, when=_delay(owner, due), name=name, data=data)


def arm_missing(
    owner: Owner, name: str, due: datetime, callback: JobCallback, data: object = None
) -> bool:
    job_queue = owner.job_queue
    if job_queue is None or job_queue.get_jobs_by_name(name):
        return False
    job_queue.run_once(callback, when=_delay(owner, due), name=name, data=data)
    return True


def soon(owner: Owner, name: str, callback: JobCallback) -> None:
    job_queue = owner.job_queue
    if job_queue is not None:
        job_queue.run_once(callback, when=0, name=name)


def repeat(owner: Owner, name: str, every: timedelta, callback: JobCallback) -> None:
    job_queue = owner.job_queue
    if job_queue is None:
        return
    disarm(owner, name)
    job_queue.run_repeating(callback, interval=every, first=every, name=name)


def job_data(context: CallbackContext[Any, Any, Any, Any], kind: type[T]) -> T | None:
    job = context.job
    if job is None or not isinstance(job.data, kind):
        return None
    return job.data


def _delay(owner: Owner, due: datetime) -> timedelta:
    now: datetime = owner.bot_data["services"].now()
    return max(due - now, timedelta(0))
