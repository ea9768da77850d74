"""The simulated Telegram world: all state behind one re-entrant lock."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from .errors import ApiError, too_many_requests
from .faults import FaultInjector
from .files import FileStore
from .limits import FloodGate, FloodLimits
from .models import ApiCall, ChatRef, FakeStats, FakeUser
from .privacy import bot_sees
from .serialize import member_updated_json, message_json, user_json
from .state import PRESENT, CallbackState, ChatState, StoredMessage
from .updates import UpdateQueue


class World:
    """Users, chats, messages, files, callback queries, commands, updates and counters.

    Every access must hold ``lock``; ``changed`` is notified after each mutation.
    """

    def __init__(
        self,
        bot: FakeUser,
        limits: FloodLimits,
        *,
        privacy_mode: bool,
        strict_markup: bool,
        callback_timeout: float = 15.0,
    ) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.bot = bot
        self.privacy_mode = privacy_mode
        self.strict_markup = strict_markup
        self.callback_timeout = callback_timeout
        self.users: dict[int, FakeUser] = {bot.id: bot}
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.callbacks: dict[str, CallbackState] = {}
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.flood = FloodGate(limits)
        self.stats = FakeStats()
        self.calls: list[ApiCall] = []
        self.faults: FaultInjector | None = None
        self.webhook_url = ""
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self.wakeup: Callable[[], None] | None = None
        self._seq = itertools.count(1)

    @staticmethod
    def now() -> int:
        """Unix time, as used in message dates."""
        return int(time.time())

    def notify(self) -> None:
        """Wake threads waiting on ``changed``."""
        with self.changed:
            self.changed.notify_all()

    def add_user(
        self,
        first_name: str,
        username: str | None,
        language_code: str | None,
        last_name: str | None,
    ) -> FakeUser:
        """Create a user (with a unique username) and its private chat with the bot."""
        n = next(self._seq)
        if username is None:
            username = re.sub(r"\W", "", first_name.lower(), flags=re.ASCII) or "user"
            taken = {u.username for u in self.users.values()}
            username = username if username not in taken else f"{username}{n}"
        user = FakeUser(7_000_000_000 + n, first_name, username or None, language_code, last_name)
        self.users[user.id] = user
        self._add_chat(ChatState(id=user.id, type="private", next_message_id=0, user=user))
        return user

    def add_group(self, title: str, kind: str = "supergroup") -> ChatState:
        """Create an empty supergroup (or a basic group, ``kind="group"``)."""
        n = next(self._seq)
        chat_id = -(1_002_000_000_000 + n) if kind == "supergroup" else -(4_100_000_000 + n)
        return self._add_chat(ChatState(id=chat_id, type=kind, next_message_id=0, title=title))

    def _add_chat(self, chat: ChatState) -> ChatState:
        chat.next_message_id = 1 + 1000 * len(self.chats)
        self.chats[chat.id] = chat
        self.notify()
        return chat

    def chat_of(self, ref: ChatRef) -> ChatState:
        """The chat a handle refers to; ValueError if unknown."""
        chat = self.chats.get(ref if isinstance(ref, int) else ref.id)
        if chat is None:
            raise ValueError(f"unknown chat {ref!r}")
        return chat

    def add_message(self, chat: ChatState, sender: FakeUser, **fields: Any) -> StoredMessage:
        """Store a new message in ``chat`` (not delivered)."""
        msg = StoredMessage(chat, chat.next_message_id, sender, self.now(), **fields)
        chat.next_message_id += 1
        chat.messages[msg.message_id] = msg
        self.notify()
        return msg

    def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for the bot and wake a pending long poll."""
        update_id = self.updates.push(kind, payload)
        self.notify()
        if self.wakeup is not None:
            self.wakeup()
        return update_id

    def deliver(self, msg: StoredMessage, kind: str = "message") -> bool:
        """Queue ``msg`` as an update if Telegram would show it to the bot."""
        if not bot_sees(msg, self.bot, privacy_mode=self.privacy_mode):
            return False
        self.push_update(kind, message_json(msg))
        return True

    def set_status(
        self, chat: ChatState, user: FakeUser, status: str, by: FakeUser | None = None
    ) -> None:
        """Change a member status; queue (my_)chat_member and join/leave service messages."""
        old = chat.status_of(user.id)
        if old == status:
            return
        chat.members[user.id] = status
        actor = by or user
        change = member_updated_json(chat, actor, user, old, status, self.now())
        if user.id == self.bot.id:
            self.push_update("my_chat_member", change)
        elif chat.status_of(self.bot.id) == "administrator":
            self.push_update("chat_member", change)
        if status in PRESENT and old not in PRESENT:
            service: dict[str, Any] = {"new_chat_members": [user_json(user)]}
        elif old in PRESENT and status not in PRESENT:
            service = {"left_chat_member": user_json(user)}
        else:
            return
        self.deliver(self.add_message(chat, actor, service=service))

    def check_flood(self, chat: ChatState, count: int = 1) -> None:
        """Count a send/edit (or ``count`` messages of an album) against the limits, or 429."""
        retry_after = self.flood.try_acquire(chat.id, private=chat.is_private, count=count)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def record(
        self,
        method: str,
        params: dict[str, str],
        error: ApiError | None,
        *,
        fault: str | None = None,
    ) -> None:
        """Count an answered request in the stats and the call log (status 0: the connection
        was dropped without an answer)."""
        stats = self.stats
        stats.calls[method] = stats.calls.get(method, 0) + 1
        if fault is not None:
            stats.faults[fault] = stats.faults.get(fault, 0) + 1
        status = 200 if error is None else error.status
        if error is not None and status:
            stats.errors[status] = stats.errors.get(status, 0) + 1
            stats.too_many_requests += status == 429
            stats.forbidden += status == 403
            stats.conflicts += status == 409
            stats.not_modified += "message is not modified" in error.description
        if method != "getUpdates":
            description = error.description if error else None
            self.calls.append(ApiCall(method, params, status, description, fault=fault))
        self.notify()
