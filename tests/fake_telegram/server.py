"""FakeTelegram: the fake Bot API server on a background thread, plus the simulated world.

Usage::

    with FakeTelegram() as fake:
        alice = fake.add_user("Alice", language_code="en")
        ...  # run `python bot.py` with BOT_API_BASE_URL=fake.base_url
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Collection
from types import TracebackType

from aiohttp import web

from .faults import DEFAULT_FAULTS, FaultInjector, FaultKind, FaultPlan
from .http_app import BotApiApp
from .inspection import Inspection
from .limits import FloodLimits
from .models import FakeUser
from .scenario import Scenario
from .world import World


class FakeTelegram(Scenario, Inspection):
    """A local Bot API server that behaves like Telegram, and the world behind it."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "community_test_bot",
        limits: FloodLimits | None = None,
        *,
        bot_name: str = "Community Test Bot",
        privacy_mode: bool = True,
        strict_markup: bool = True,
        callback_timeout: float = 15.0,
        faults: FaultPlan | None = None,
    ) -> None:
        bot = FakeUser(int(token.split(":")[0]), bot_name, bot_username, is_bot=True)
        self.token = token
        self._world = World(
            bot,
            limits or FloodLimits(),
            privacy_mode=privacy_mode,
            strict_markup=strict_markup,
            callback_timeout=callback_timeout,
        )
        self._world.faults = FaultInjector(faults) if faults is not None else None
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None

    @property
    def bot_user(self) -> FakeUser:
        """The bot's own user (is_bot=True)."""
        return self._world.bot

    @property
    def port(self) -> int:
        """The bound TCP port (0 before start)."""
        return self._port

    @property
    def base_url(self) -> str:
        """Bot API base URL without the token, e.g. ``http://127.0.0.1:PORT/bot``."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL without the token."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    @property
    def limits(self) -> FloodLimits:
        """The flood limits in force."""
        with self._world.lock:
            return self._world.flood.limits

    @limits.setter
    def limits(self, limits: FloodLimits) -> None:
        with self._world.lock:
            self._world.flood.limits = limits

    @property
    def callback_timeout(self) -> float:
        """Seconds after a press within which the bot may answer it (Telegram: about 15)."""
        with self._world.lock:
            return self._world.callback_timeout

    @callback_timeout.setter
    def callback_timeout(self, seconds: float) -> None:
        with self._world.lock:
            self._world.callback_timeout = seconds

    @property
    def faults(self) -> FaultPlan | None:
        """The fault plan in force (``inject_faults``), or None."""
        with self._world.lock:
            return self._world.faults.plan if self._world.faults is not None else None

    def inject_faults(
        self,
        share: float = 0.1,
        kinds: Collection[FaultKind] = DEFAULT_FAULTS,
        *,
        methods: Collection[str] | None = None,
        get_updates: bool = False,
        seed: int = 0,
        retry_after: int = 1,
        hang: float = 0.0,
    ) -> FaultPlan:
        """Answer ``share`` of the bot's calls with a fault of one of ``kinds`` from now on.

        ``methods``: canonical method names to fault (None: every method but getUpdates);
        ``get_updates``: fault getUpdates too (never with 429); ``retry_after``: the seconds a
        429 asks for; ``hang``: seconds a ``timeout``/``lost_answer`` holds the request before
        dropping the connection (above the client's read timeout it raises TimedOut). The
        generator restarts from ``seed``; see ``faults.py`` for the kinds. Counted per kind
        in ``stats.faults``; each call's fault is in ``api_calls()``.
        """
        plan = FaultPlan.of(
            share,
            kinds,
            methods=methods,
            get_updates=get_updates,
            seed=seed,
            retry_after=retry_after,
            hang=hang,
        )
        with self._world.lock:
            self._world.faults = FaultInjector(plan)
        return plan

    def clear_faults(self) -> None:
        """Answer every call normally again (the counts in ``stats.faults`` stay)."""
        with self._world.lock:
            self._world.faults = None

    def hold_updates(self) -> None:
        """getUpdates answers nothing (long polls wait) until ``release_updates``: queue a burst
        of updates that the bot then fetches all at once."""
        with self._world.lock:
            self._world.updates.held = True

    def release_updates(self) -> float:
        """Deliver the held updates to the waiting long poll; returns the time.monotonic()."""
        with self._world.lock:
            self._world.updates.held = False
            released = time.monotonic()
            if self._world.wakeup is not None:
                self._world.wakeup()
            return released

    def start(self) -> FakeTelegram:
        """Bind 127.0.0.1 on a free port and serve from a background thread."""
        if self._thread is not None:
            raise RuntimeError("FakeTelegram is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(sock, ready, failure), name="fake-telegram", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise RuntimeError("FakeTelegram failed to start") from failure[0]
        return self

    def stop(self) -> None:
        """Answer pending long polls, close connections and join the thread."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None or loop is None or stop_event is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stop_event.set)
        thread.join()
        self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(
        self, sock: socket.socket, ready: threading.Event, failure: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(sock, ready))
        except BaseException as error:  # reported to start()
            failure.append(error)
            sock.close()
        finally:
            ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        app = BotApiApp(self._world, self.token)
        runner = web.AppRunner(
            app.build(), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()

            def wakeup() -> None:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(app.wake_polls)

            with self._world.lock:
                self._world.wakeup = wakeup
            ready.set()
            await self._stop_event.wait()
        finally:
            with self._world.lock:
                self._world.wakeup = None
            app.close()
            await runner.cleanup()
