"""What people do in the simulated world: join groups, write, upload, press buttons."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from .files import looks_like_image
from .models import BotMessage, ChatRef, FakeChat, FakeUser
from .serialize import member_updated_json, message_json, user_json
from .state import PRESENT, CallbackState, ChatState, StoredMessage
from .text import command_entities
from .world import World

MessageRef = int | BotMessage

_query_ids = itertools.count(4_382_000_000_000_000_001)


class Scenario:
    """User-side actions; each queues the Update Telegram would send to the bot."""

    _world: World

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """A new user; ``username`` defaults to a unique lower-cased first name."""
        with self._world.lock:
            return self._world.add_user(first_name, username, language_code, last_name)

    def create_group(
        self,
        title: str,
        *,
        creator: FakeUser,
        members: Iterable[FakeUser] = (),
        basic: bool = False,
    ) -> FakeChat:
        """A supergroup (or, with ``basic``, a basic group) with a creator and members; the
        bot is not in it yet."""
        with self._world.lock:
            chat = self._world.add_group(title, "group" if basic else "supergroup")
            chat.members[creator.id] = "creator"
            for user in members:
                chat.members[user.id] = "member"
            return FakeChat(chat.id, title, chat.type)

    def migrate_to_supergroup(self, group: FakeChat, *, by: FakeUser | None = None) -> FakeChat:
        """A basic group becomes a supergroup, as Telegram does when an admin upgrades it.

        Members (the bot too) move to a new chat id. The bot gets a ``migrate_to_chat_id``
        service message in the old chat, then ``migrate_from_chat_id`` in the new one; sends
        and edits to the old id answer 400 with ``parameters.migrate_to_chat_id`` from then on.
        """
        with self._world.lock:
            old = self._chat(group)
            if old.type != "group" or old.migrated_to is not None:
                raise ValueError(f"{old.title} is not a basic group (or migrated already)")
            creator = next(self._world.users[u] for u, s in old.members.items() if s == "creator")
            actor = by or creator
            self._require_member(old, actor)
            new = self._world.add_group(old.title or "", "supergroup")
            new.members = dict(old.members)
            self._world.deliver(
                self._world.add_message(old, actor, service={"migrate_to_chat_id": new.id})
            )
            old.migrated_to = new.id
            self._world.deliver(
                self._world.add_message(new, actor, service={"migrate_from_chat_id": old.id})
            )
            return FakeChat(new.id, new.title or "", new.type)

    def add_member(self, group: FakeChat, user: FakeUser, *, by: FakeUser | None = None) -> None:
        """``user`` joins (or is added by ``by``): new_chat_members service message."""
        with self._world.lock:
            self._world.set_status(self._chat(group), user, "member", by)

    def remove_member(self, group: FakeChat, user: FakeUser, *, by: FakeUser | None = None) -> None:
        """``user`` leaves (or is removed by ``by``): left_chat_member service message."""
        with self._world.lock:
            self._world.set_status(self._chat(group), user, "left", by)

    def make_admin(self, group: FakeChat, user: FakeUser, *, by: FakeUser | None = None) -> None:
        """Promote a member (``fake.bot_user`` too: queues my_chat_member)."""
        with self._world.lock:
            chat = self._chat(group)
            creator = next(self._world.users[u] for u, s in chat.members.items() if s == "creator")
            self._world.set_status(chat, user, "administrator", by or creator)

    def add_bot_to_group(self, group: FakeChat, *, by: FakeUser, as_admin: bool = False) -> None:
        """``by`` adds the bot: my_chat_member (left -> member/administrator) + service message."""
        with self._world.lock:
            chat = self._chat(group)
            self._require_member(chat, by)
            status = "administrator" if as_admin else "member"
            self._world.set_status(chat, self._world.bot, status, by)

    def remove_bot_from_group(self, group: FakeChat, *, by: FakeUser) -> None:
        """``by`` removes the bot (status "kicked"): my_chat_member."""
        with self._world.lock:
            self._world.set_status(self._chat(group), self._world.bot, "kicked", by)

    def open_private_chat(self, user: FakeUser, start_payload: str | None = None) -> int:
        """``user`` presses START: the bot may write to them; queues "/start [payload]"."""
        with self._world.lock:
            chat = self._chat(user)
            if chat.blocked:
                self._set_private_status(chat, blocked=False)
            chat.opened = True
            text = "/start" if start_payload is None else f"/start {start_payload}"
            return self._post(chat, user, text=text, rendered=text)

    def block_bot(self, user: FakeUser) -> None:
        """``user`` blocks the bot: later sends get 403; queues my_chat_member (kicked)."""
        with self._world.lock:
            self._set_private_status(self._chat(user), blocked=True)

    def send_message(
        self, chat: ChatRef, user: FakeUser, text: str, reply_to: int | None = None
    ) -> int:
        """``user`` writes ``text`` in ``chat``; returns the message id."""
        with self._world.lock:
            state = self._writable(chat, user)
            return self._post(
                state, user, text=text, rendered=text, reply_to=self._reply(state, reply_to)
            )

    def edit_message(self, chat: ChatRef, user: FakeUser, message_id: int, text: str) -> None:
        """``user`` edits their text message: queues edited_message (privacy rules apply)."""
        with self._world.lock:
            state = self._writable(chat, user)
            msg = state.messages.get(message_id)
            if msg is None or msg.sender.id != user.id or msg.text is None:
                raise ValueError(f"{user.first_name} has no text message {message_id} here")
            msg.text = msg.rendered = text
            msg.entities = command_entities(text)
            msg.edit_date = self._world.now()
            msg.edit_count += 1
            self._world.deliver(msg, "edited_message")

    def send_document(
        self,
        chat: ChatRef,
        user: FakeUser,
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """``user`` sends a file (downloadable by the bot via getFile)."""
        with self._world.lock:
            state = self._writable(chat, user)
            stored = self._world.files.add("document", content, file_name, mime_type)
            reply = self._reply(state, reply_to)
            return self._post(
                state, user, caption=caption, rendered=caption, document=stored, reply_to=reply
            )

    def send_photo(
        self,
        chat: ChatRef,
        user: FakeUser,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """``user`` sends a photo (any bytes; real clients always send an image)."""
        with self._world.lock:
            state = self._writable(chat, user)
            name = "photo.jpg" if looks_like_image(content) else None
            stored = self._world.files.add("photo", content, name, None)
            reply = self._reply(state, reply_to)
            return self._post(
                state, user, caption=caption, rendered=caption, photo=stored, reply_to=reply
            )

    def press_button(
        self,
        chat: ChatRef,
        message_id: MessageRef,
        user: FakeUser,
        callback_data: str,
        *,
        forge: bool = False,
    ) -> str:
        """``user`` presses an inline button of a bot message; returns the callback query id.

        Raises ValueError if the message has no such button, unless ``forge``.
        """
        with self._world.lock:
            state = self._chat(chat)
            msg = self._bot_message(state, message_id)
            self._require_member(state, user)
            if not forge and callback_data not in [d for _, d in _callback_data(msg)]:
                raise ValueError(
                    f"message {msg.message_id} has no button with data {callback_data!r}; "
                    f"buttons: {_callback_data(msg)!r}"
                )
            query = CallbackState(str(next(_query_ids)), msg, user, callback_data)
            self._world.callbacks[query.id] = query
            payload: dict[str, Any] = {
                "id": query.id,
                "from": user_json(user),
                "message": message_json(msg),
                "chat_instance": state.chat_instance,
                "data": callback_data,
            }
            self._world.push_update("callback_query", payload)
            return query.id

    def press_button_by_text(
        self, chat: ChatRef, message_id: MessageRef, user: FakeUser, text: str
    ) -> str:
        """Press the callback button whose label equals (or else contains) ``text``."""
        with self._world.lock:
            msg = self._bot_message(self._chat(chat), message_id)
            buttons = _callback_data(msg)
            found = [d for label, d in buttons if label == text] or [
                d for label, d in buttons if text in label
            ]
            if len(found) != 1:
                raise ValueError(f"{len(found)} buttons match {text!r}: {buttons!r}")
            return self.press_button(chat, msg.message_id, user, found[0])

    def _chat(self, chat: ChatRef) -> ChatState:
        return self._world.chat_of(chat)

    def _require_member(self, chat: ChatState, user: FakeUser) -> None:
        if chat.is_private:
            if user.id != chat.id:
                raise ValueError(f"{user.first_name} is not part of this private chat")
        elif chat.status_of(user.id) not in PRESENT:
            raise ValueError(f"{user.first_name} is not a member of {chat.title}")

    def _writable(self, chat: ChatRef, user: FakeUser) -> ChatState:
        state = self._chat(chat)
        self._require_member(state, user)
        if state.migrated_to is not None:
            raise ValueError(f"{state.title} became supergroup {state.migrated_to}; write there")
        if state.is_private:
            if state.blocked:
                raise ValueError(f"{user.first_name} blocked the bot; open_private_chat first")
            state.opened = True
        return state

    def _reply(self, chat: ChatState, reply_to: int | None) -> StoredMessage | None:
        if reply_to is None:
            return None
        msg = chat.messages.get(reply_to)
        if msg is None or msg.deleted:
            raise ValueError(f"no message {reply_to} in chat {chat.id}")
        return msg

    def _bot_message(self, chat: ChatState, message_id: MessageRef) -> StoredMessage:
        mid = message_id if isinstance(message_id, int) else message_id.message_id
        msg = chat.messages.get(mid)
        if msg is None or msg.deleted or msg.sender.id != self._world.bot.id:
            raise ValueError(f"no bot message {mid} in chat {chat.id}")
        return msg

    def _post(self, chat: ChatState, user: FakeUser, **fields: Any) -> int:
        body = fields.get("text") or fields.get("caption") or ""
        msg = self._world.add_message(chat, user, entities=command_entities(body), **fields)
        self._world.deliver(msg)
        return msg.message_id

    def _set_private_status(self, chat: ChatState, *, blocked: bool) -> None:
        assert chat.user is not None
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        chat.blocked = blocked
        change = member_updated_json(chat, chat.user, self._world.bot, old, new, self._world.now())
        self._world.push_update("my_chat_member", change)


def _callback_data(msg: StoredMessage) -> list[tuple[str, str]]:
    rows = (msg.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]
