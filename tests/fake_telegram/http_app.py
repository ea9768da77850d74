"""aiohttp application speaking the Bot API: method calls, long polling, file downloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web

from .api import lookup
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request
from .params import Params, Upload
from .world import World

_CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)
_WEBHOOK_ACTIVE = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, content_type="application/json")


async def read_params(request: web.Request) -> Params:
    """Parameters from the query string plus a form, multipart or JSON body."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.can_read_body and request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        values.update(body if isinstance(body, dict) else {})
    elif request.can_read_body and request.content_type in _FORMS:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                with value.file as handle:
                    uploads[key] = Upload(value.filename, value.content_type, handle.read())
            else:
                values[key] = value if isinstance(value, str) else value.decode()
    return Params(values, uploads)


class BotApiApp:
    """Routes requests to the method registry; getUpdates long-polls on the event loop."""

    def __init__(self, world: World, token: str) -> None:
        self._world = world
        self._token = token
        self._poll_event = asyncio.Event()
        self._generation = 0
        self._closing = False

    def build(self) -> web.Application:
        """The aiohttp application (uploads up to 64 MB)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        return app

    def wake_polls(self) -> None:
        """Make waiting getUpdates calls re-check the queue (call on the loop thread)."""
        self._poll_event.set()

    def close(self) -> None:
        """Answer pending long polls with an empty list and refuse to wait any more."""
        self._closing = True
        self.wake_polls()

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        polling = method.lower() == "getupdates"
        if not polling:
            self._activity(+1)
        try:
            if request.match_info["token"] != self._token:
                return self._fail(method, {}, UNAUTHORIZED)
            try:
                params = await read_params(request)
            except ApiError as error:
                return self._fail(method, {}, error)
            if polling:
                return await self._get_updates(params)
            return self._call(method, params)
        finally:
            if not polling:
                self._activity(-1)

    def _activity(self, delta: int) -> None:
        with self._world.lock:
            self._world.in_flight += delta
            self._world.last_activity = time.monotonic()
            self._world.notify()

    def _call(self, method: str, params: Params) -> web.Response:
        found = lookup(method)
        if found is None:
            return self._fail(method, params.for_log(), NOT_FOUND)
        name, implementation = found
        with self._world.lock:
            try:
                result = implementation(self._world, params)
            except ApiError as error:
                return self._fail(name, params.for_log(), error)
            self._world.record(name, params.for_log(), None)
            return _json({"ok": True, "result": result})

    def _fail(self, method: str, logged: dict[str, str], error: ApiError) -> web.Response:
        with self._world.lock:
            self._world.record(method, logged, error)
        return _json(error.payload(), status=error.status)

    async def _get_updates(self, p: Params) -> web.Response:
        world = self._world
        with world.lock:
            world.stats.get_updates += 1
            try:
                if world.webhook_url:
                    raise _WEBHOOK_ACTIVE
                limit = min(max(p.integer("limit") or 100, 1), 100)
                timeout = max(p.number("timeout") or 0.0, 0.0)
                allowed = p.json("allowed_updates")
                offset = p.integer("offset")
            except ApiError as error:
                return self._fail("getUpdates", p.for_log(), error)
            if isinstance(allowed, list):
                world.updates.set_allowed([str(kind) for kind in allowed])
            if offset:
                world.updates.confirm(offset)
            world.notify()
        self._generation += 1
        generation = self._generation
        self.wake_polls()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._generation:
                return self._fail("getUpdates", p.for_log(), _CONFLICT)
            with world.lock:
                batch = [] if self._closing else world.updates.take(limit)
                if batch or self._closing or loop.time() >= deadline:
                    if batch:
                        world.last_activity = time.monotonic()
                    world.record("getUpdates", p.for_log(), None)
                    return _json({"ok": True, "result": batch})
            self._poll_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poll_event.wait(), deadline - loop.time())

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._token:
            return _json(UNAUTHORIZED.payload(), status=401)
        with self._world.lock:
            stored = self._world.files.by_path(request.match_info["path"])
        if stored is None:
            return _json(NOT_FOUND.payload(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )
