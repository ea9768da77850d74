"""The transaction every use case runs in; each feature's `ports.py` extends it with the
repositories that feature's use cases need.

A unit of work is entered once per use case; repositories never commit, the unit of work does
(`commit()`), and leaving it without a commit rolls everything back."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class BaseUnitOfWork(Protocol):
    """Entered with `async with`; leaving without `commit()` rolls back."""

    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
