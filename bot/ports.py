"""The whole unit of work: every feature's repositories in one transaction. `storage/`
implements it and the handlers open it; the use cases each ask only for their own feature's
part (`bot/<feature>/ports.py`), so that no feature depends on this module."""

from __future__ import annotations

from typing import Protocol

from bot.codes.ports import CodesUnitOfWork
from bot.digest.ports import DigestUnitOfWork
from bot.meetings.ports import MeetingsUnitOfWork
from bot.notices.ports import NoticesUnitOfWork
from bot.points.ports import PointsUnitOfWork
from bot.reports.ports import ReportsUnitOfWork
from bot.residents.ports import ProfileUnitOfWork
from bot.stats.ports import StatsUnitOfWork
from bot.votes.ports import VotesUnitOfWork


class UnitOfWork(
    DigestUnitOfWork,
    MeetingsUnitOfWork,
    VotesUnitOfWork,
    ReportsUnitOfWork,
    CodesUnitOfWork,
    NoticesUnitOfWork,
    PointsUnitOfWork,  # also through topics, notices and reports, which pay points
    ProfileUnitOfWork,
    StatsUnitOfWork,
    Protocol,
):
    """Entered with `async with`; leaving without `commit()` rolls back."""
