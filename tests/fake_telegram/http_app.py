"""aiohttp application speaking the Bot API: method calls, long polling, file downloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web

from .api import lookup
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request, too_many_requests
from .faults import APPLIED, BAD_GATEWAY_HTML, FaultKind, FaultPlan
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
_INTERNAL_ERROR = ApiError(500, "Internal Server Error")
_BAD_GATEWAY = ApiError(502, "Bad Gateway")
_DROPPED = ApiError(0, "connection dropped without an answer (injected timeout)")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, content_type="application/json")


def _canonical(method: str) -> str | None:
    """The Bot API's spelling of a method name (they are case-insensitive), None if unknown."""
    if method.lower() == "getupdates":
        return "getUpdates"
    found = lookup(method)
    return found[0] if found else None


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
            drawn = self._draw_fault(method)
            if drawn is not None and drawn[0] not in APPLIED:
                return await self._inject(request, params, *drawn)
            fault = drawn[0] if drawn is not None else None
            if polling:
                response = await self._get_updates(params, fault)
            else:
                response = self._call(method, params, fault)
            if drawn is not None:  # lost_answer: applied, then the answer never arrives
                await self._drop(request, drawn[1].hang)
            return response
        finally:
            if not polling:
                self._activity(-1)

    def _draw_fault(self, method: str) -> tuple[FaultKind, FaultPlan] | None:
        name = _canonical(method)
        with self._world.lock:
            injector = self._world.faults
            if injector is None or not name:
                return None
            kind = injector.draw(name)
            return None if kind is None else (kind, injector.plan)

    async def _inject(
        self, request: web.Request, params: Params, kind: FaultKind, plan: FaultPlan
    ) -> web.Response:
        """Answer with a fault that leaves the call unapplied."""
        name = _canonical(request.match_info["method"]) or "?"
        logged = params.for_log()
        if kind == "retry_after":
            return self._fail(name, logged, too_many_requests(plan.retry_after), kind)
        if kind == "internal_error":
            return self._fail(name, logged, _INTERNAL_ERROR, kind)
        if kind == "bad_gateway":
            with self._world.lock:
                self._world.record(name, logged, _BAD_GATEWAY, fault=kind)
            return web.Response(text=BAD_GATEWAY_HTML, status=502, content_type="text/html")
        with self._world.lock:  # timeout
            self._world.record(name, logged, _DROPPED, fault=kind)
        return await self._drop(request, plan.hang)

    @staticmethod
    async def _drop(request: web.Request, hang: float) -> web.Response:
        """Hold the request ``hang`` seconds, then close the connection without an answer."""
        if hang > 0:
            await asyncio.sleep(hang)
        transport = request.transport
        if transport is not None:
            transport.close()
        return web.Response(status=204)  # never reaches the client

    def _activity(self, delta: int) -> None:
        with self._world.lock:
            self._world.in_flight += delta
            self._world.last_activity = time.monotonic()
            self._world.notify()

    def _call(self, method: str, params: Params, fault: str | None = None) -> web.Response:
        found = lookup(method)
        if found is None:
            return self._fail(method, params.for_log(), NOT_FOUND)
        name, implementation = found
        with self._world.lock:
            try:
                result = implementation(self._world, params)
            except ApiError as error:
                return self._fail(name, params.for_log(), error, fault)
            self._world.record(name, params.for_log(), None, fault=fault)
            return _json({"ok": True, "result": result})

    def _fail(
        self, method: str, logged: dict[str, str], error: ApiError, fault: str | None = None
    ) -> web.Response:
        with self._world.lock:
            self._world.record(method, logged, error, fault=fault)
        return _json(error.payload(), status=error.status)

    async def _get_updates(self, p: Params, fault: str | None = None) -> web.Response:
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
                return self._fail("getUpdates", p.for_log(), error, fault)
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
                return self._fail("getUpdates", p.for_log(), _CONFLICT, fault)
            with world.lock:
                batch = [] if self._closing else world.updates.take(limit)
                if batch or self._closing or loop.time() >= deadline:
                    if batch:
                        world.last_activity = time.monotonic()
                    world.record("getUpdates", p.for_log(), None, fault=fault)
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
