"""Handler tests with real PTB objects and no network: the Application talks to an in-process
`RecordingRequest` (like PTB's own offline test request) that answers the Bot API methods the
handlers use and records every call. Updates are real `Update.de_json(...)` objects fed
through the update pipeline as `getUpdates` would hand them over: stored in the inbox, then
applied by the `OrderedProcessor` (`redeliver` feeds the last one again, same `update_id`)."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.ext import Application, ContextTypes, ExtBot
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from handlers.app import register_handlers
from handlers.context import BotApplication, BotContext, Services
from handlers.deliveries import start_outbox, stop_outbox
from handlers.live_cards import LiveCards
from handlers.meetings.delivery import render_meeting_card
from handlers.notices.commands import render_notice_card
from handlers.pipeline import InboxBot, OrderedProcessor, Pipeline
from handlers.throttle import Throttle
from handlers.topics.commands import render_topic_card
from handlers.votes.commands import render_vote_card
from storage.database import Database
from tests.conftest import NOW

TOKEN = "4242:HANDLER-TESTS"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BOT = {"id": 4242, "is_bot": True, "first_name": "Community", "username": "community_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    uploads: dict[str, bytes] = field(default_factory=dict)  # part name → file content


@dataclass
class RecordingRequest(BaseRequest):
    """Answers Bot API calls from a small model of the world; fails on anything unexpected."""

    admins: set[tuple[int, int]] = field(default_factory=set)
    private_open: set[int] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # basic groups that became supergroups: old id → new id (sends and edits answer 400)
    migrated: dict[int, int] = field(default_factory=dict)
    # pinChatMessage answers 400 (the bot is no administrator)
    pin_fails: bool = False
    # deleteMessage answers 400 (the bot may not delete messages in the group)
    delete_fails: bool = False
    # answerCallbackQuery answers 400: the press is too old (answered after Telegram's ~15 s)
    answers_expired: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = None,
        write_timeout: ODVInput[float] = None,
        connect_timeout: ODVInput[float] = None,
        pool_timeout: ODVInput[float] = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.files[url.rsplit("/", 1)[1]]
        api_method = url.rsplit("/", 1)[1]
        params = dict(request_data.parameters) if request_data else {}
        uploads = {}
        if request_data is not None and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                content = part[1]
                uploads[name] = content if isinstance(content, bytes) else content.read()
        self.calls.append(Call(api_method, params, uploads))
        moved = self.migrated.get(int(str(params.get("chat_id", 0) or 0)))
        if moved is not None and api_method.startswith(("send", "edit")):
            return 400, json.dumps(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: group chat was upgraded to a supergroup chat",
                    "parameters": {"migrate_to_chat_id": moved},
                }
            ).encode()
        status, result = self._answer(api_method, params)
        if status != 200:
            return status, json.dumps(
                {"ok": False, "error_code": status, "description": result}
            ).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        chat_id = int(params.get("chat_id", 0) or 0)
        if method == "getMe":
            return 200, BOT
        if method == "pinChatMessage" and self.pin_fails:
            return 400, "Bad Request: not enough rights to manage pinned messages in the chat"
        if method == "deleteMessage" and self.delete_fails:
            return 400, "Bad Request: message can't be deleted"
        if method == "answerCallbackQuery" and self.answers_expired:
            return 400, QUERY_TOO_OLD
        if method in {"sendMessage", "sendDocument", "sendPhoto"}:
            if chat_id > 0 and chat_id not in self.private_open:
                return 403, "Forbidden: bot can't initiate conversation with a user"
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "g"}
            message_id = next(self._ids)
            params["message_id"] = message_id  # recorded, so a test can press the sent card
            message = {
                "message_id": message_id,
                "date": int(NOW.timestamp()),
                "chat": chat,
                "from": BOT,
            }
            if method == "sendMessage":
                message["text"] = params["text"]
            elif method == "sendPhoto":
                message["photo"] = [
                    {"file_id": params["photo"], "file_unique_id": "p", "width": 9, "height": 9}
                ]
                message["caption"] = params.get("caption", "")
            else:
                message["document"] = {
                    "file_id": "doc",
                    "file_unique_id": "doc",
                    "file_name": "codes.csv",
                }
            return 200, message
        if method == "sendMediaGroup":  # an album: one photo message per item
            if chat_id > 0 and chat_id not in self.private_open:
                return 403, "Forbidden: bot can't initiate conversation with a user"
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "g"}
            media = params["media"]
            items = json.loads(media) if isinstance(media, str) else media
            return 200, [
                {
                    "message_id": next(self._ids),
                    "date": int(NOW.timestamp()),
                    "chat": chat,
                    "from": BOT,
                    "media_group_id": "album",
                    "photo": [{"file_id": f"p{i}", "file_unique_id": "p", "width": 9, "height": 9}],
                    "caption": item.get("caption", ""),
                }
                for i, item in enumerate(items)
            ]
        if method in {
            "editMessageText",
            "editMessageCaption",
            "answerCallbackQuery",
            "setMyCommands",
            "pinChatMessage",
            "unpinChatMessage",
            "deleteMessage",
        }:
            return 200, True
        if method == "getChatMember":
            status = (
                "administrator" if (chat_id, int(params["user_id"])) in self.admins else "member"
            )
            user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "U"}
            if status == "administrator":
                return 200, {
                    "status": status,
                    "user": user,
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            return 200, {"status": status, "user": user}
        if method == "getChatAdministrators":  # the group's creators, as `admins` says
            return 200, [
                {
                    "status": "creator",
                    "is_anonymous": False,
                    "user": {"id": u, "is_bot": False, "first_name": "U"},
                }
                for c, u in sorted(self.admins)
                if c == chat_id
            ]
        if method == "getFile":
            return 200, {
                "file_id": params["file_id"],
                "file_unique_id": "u",
                "file_path": params["file_id"],
            }
        raise AssertionError(f"unexpected Bot API call {method} {params}")

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.calls
            if c.method == method
            and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def uploaded(self, method: str, chat_id: int) -> bytes:
        """The content of the file sent with the last such call to this chat."""
        call = [
            c
            for c in self.calls
            if c.method == method and int(c.params.get("chat_id", 0)) == chat_id
        ][-1]
        return next(iter(call.uploads.values()))

    def carrying(self, chat_id: int, data: str) -> tuple[int, Any]:
        """The message id and keyboard of the latest message in the chat sent or edited with
        a button whose payload is `data` (message 1, no keyboard, if there is none)."""
        for call in reversed(self.calls):
            params = call.params
            markup = params.get("reply_markup")
            if (
                call.method
                in {
                    "sendMessage",
                    "sendDocument",
                    "sendPhoto",
                    "editMessageText",
                    "editMessageCaption",
                }
                and int(params.get("chat_id", 0)) == chat_id
                and isinstance(markup, dict)
                and any(
                    b.get("callback_data") == data
                    for row in markup.get("inline_keyboard", [])
                    for b in row
                )
            ):
                return int(params["message_id"]), markup
        return 1, None

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [str(p["text"]) for p in self.sent("sendMessage", chat_id)]

    def answers(self) -> list[dict[str, Any]]:
        return self.sent("answerCallbackQuery")


# What a redelivered update may still cause: the press answered again, Telegram asked about
# members, and the live cards' own redraws (they run on their timer, not per update).
REDELIVERY_MAY_CALL = {"answerCallbackQuery", "getChatMember", "getChat", "editMessageText"}


class HandlerHarness:
    """One application on a fresh database; helpers make realistic update payloads."""

    def __init__(
        self,
        app: BotApplication,
        request: RecordingRequest,
        database: Database,
        pipeline: Pipeline,
    ) -> None:
        self.app = app
        self.request = request
        self.database = database
        self.pipeline = pipeline
        self.processor = OrderedProcessor(lambda: pipeline)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self.last_payload: dict[str, Any] | None = None
        # Deliver every update twice and check that the second time changes nothing.
        self.redeliver_each = False

    @classmethod
    async def start(cls, database: Database, language: str = "en") -> HandlerHarness:
        request = RecordingRequest()
        bot = InboxBot(TOKEN, request=request, get_updates_request=RecordingRequest())
        app: BotApplication = (
            Application.builder()
            .bot(cast(ExtBot[Any], bot))
            .context_types(ContextTypes(context=BotContext))
            .build()
        )
        settings = Settings(
            bot_token=TOKEN, bot_language=language, database_url="sqlite:///unused.db"
        )
        pipeline = Pipeline(database, Throttle(), settings.bot_language)
        bot.use(pipeline)
        app.bot_data["services"] = Services(
            uow=database.unit_of_work,
            settings=settings,
            vote_cards=LiveCards(
                app.bot, partial(render_vote_card, database.unit_of_work, lambda: NOW)
            ),
            topic_cards=LiveCards(app.bot, partial(render_topic_card, database.unit_of_work)),
            notice_cards=LiveCards(app.bot, partial(render_notice_card, database.unit_of_work)),
            meeting_cards=LiveCards(app.bot, partial(render_meeting_card, database.unit_of_work)),
            now=lambda: NOW,
        )
        register_handlers(app)
        await app.initialize()
        await app.start()  # runs the job queue and background tasks; updates come via feed()
        await start_outbox(app, app.bot_data["services"])
        return cls(app, request, database, pipeline)

    @property
    def services(self) -> Services:
        services = self.app.bot_data["services"]
        assert isinstance(services, Services)
        return services

    async def stop(self) -> None:
        await stop_outbox(self.services, drain=0)
        await self.app.stop()
        await self.app.shutdown()

    async def feed(self, payload: dict[str, Any]) -> None:
        """Process one update, then let the outbox deliver what it wrote (as the sender does
        in the background right after the commit)."""
        payload = {"update_id": next(self._update_ids), **payload}
        self.last_payload = payload
        await self.deliver(payload)
        await self.settle()
        if self.redeliver_each:
            await self.check_redelivery(payload)

    async def check_redelivery(self, payload: dict[str, Any]) -> None:
        """The same update again: no row changes, nothing is sent again (a press is answered
        again, the way it was the first time)."""
        await self.settle_tasks()
        await self.settle()
        before, calls = await self.snapshot(), len(self.request.calls)
        first_answer = self.request.answers()[-1] if "callback_query" in payload else None
        await self.deliver(payload)
        await self.settle()
        assert await self.snapshot() == before, f"redelivery changed the database: {payload}"
        again = [c for c in self.request.calls[calls:] if c.method not in REDELIVERY_MAY_CALL]
        assert not again, f"redelivery sent {[c.method for c in again]}: {payload}"
        if first_answer is not None:
            answer = self.request.answers()[-1]
            assert answer["callback_query_id"] == payload["callback_query"]["id"]
            assert answer.get("text") == first_answer.get("text")
            assert answer.get("show_alert", False) == first_answer.get("show_alert", False)

    async def settle_tasks(self) -> None:
        """Let the background work the first delivery started (`application.create_task`,
        e.g. reminders going out) finish, so that it is not taken for the second's."""
        tasks: set[asyncio.Task[Any]] = self.app._Application__create_task_tasks  # type: ignore[attr-defined]
        while pending := [t for t in tasks if not t.done()]:
            await asyncio.wait(pending)

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows but the inbox's."""
        async with self.database.unit_of_work() as uow:
            conn = uow.inbox._conn
            async with conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'update_inbox'"
            ) as cursor:
                tables = [row[0] for row in await cursor.fetchall()]
            rows = {}
            for table in tables:
                async with conn.execute(f"SELECT * FROM {table}") as cursor:
                    rows[table] = sorted((tuple(row) for row in await cursor.fetchall()), key=repr)
        return rows

    async def deliver(self, payload: dict[str, Any]) -> None:
        """As `getUpdates` hands a batch of one over: through the inbox and the processor."""
        update = Update.de_json(payload, self.app.bot)
        for fresh in await self.pipeline.receive(self.app.bot, [update]):
            await self.processor.process_update(fresh, self.app.process_update(fresh))

    async def redeliver(self) -> None:
        """Telegram sends the last update again (its offset was not confirmed)."""
        assert self.last_payload is not None
        await self.deliver(self.last_payload)
        await self.settle()

    async def settle(self) -> None:
        """Deliver every outbox entry that is due now (a stopped sender delivers nothing)."""
        outbox = self.services.outbox
        if outbox is not None:
            await outbox.settle()

    def message(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        text: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(NOW.timestamp()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                ]
        return body

    async def say(
        self, chat: dict[str, Any], user: dict[str, Any], text: str, **extra: Any
    ) -> None:
        await self.feed({"message": self.message(chat, user, text, **extra)})

    async def press(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        message_id: int | None,
        data: str,
        keyboard: Any = None,
    ) -> None:
        """A press of `data` on message `message_id`; `keyboard`, the message's reply_markup as
        sent, is included as Telegram includes it. `message_id=None`: on the message in `chat`
        the bot last sent or edited with this button (and its keyboard), as a real press is."""
        if message_id is None:
            message_id, keyboard = self.request.carrying(int(chat["id"]), data)
        message = {
            "message_id": message_id,
            "date": int(NOW.timestamp()),
            "chat": chat,
            "from": BOT,
            "text": "card",
        }
        if keyboard is not None:
            message["reply_markup"] = keyboard if isinstance(keyboard, dict) else keyboard.to_dict()
        await self.feed(
            {
                "callback_query": {
                    "id": str(next(self._update_ids)),
                    "from": user,
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )


def user(user_id: int, name: str, language: str = "en") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}


def group(chat_id: int, title: str = "Sunny Garden") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def private(of: dict[str, Any]) -> dict[str, Any]:
    return {"id": of["id"], "type": "private", "first_name": of["first_name"]}
