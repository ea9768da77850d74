"""Bot API methods about chats: info, members, pins, leaving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .api_common import chat_for_read, chat_for_send, find_message, require_admin
from .errors import bad_request
from .params import Params
from .serialize import full_chat_json, member_json
from .state import PRESENT
from .world import World

_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat"


def get_chat(world: World, p: Params) -> dict[str, Any]:
    """getChat."""
    return full_chat_json(chat_for_read(world, p))


def get_chat_member(world: World, p: Params) -> dict[str, Any]:
    """getChatMember: status per the world ("left" for known non-members)."""
    chat = chat_for_read(world, p)
    user = world.users.get(p.integer("user_id") or 0)
    if user is None:
        raise bad_request("user not found")
    if chat.is_private:
        if user.id not in (chat.id, world.bot.id):
            raise bad_request("user not found")
        return member_json(user, "member")
    return member_json(user, chat.status_of(user.id))


def get_chat_administrators(world: World, p: Params) -> list[dict[str, Any]]:
    """getChatAdministrators."""
    chat = chat_for_read(world, p)
    if chat.is_private:
        raise bad_request("there are no administrators in the private chat")
    return [
        member_json(world.users[uid], status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator")
    ]


def get_chat_member_count(world: World, p: Params) -> int:
    """getChatMemberCount."""
    chat = chat_for_read(world, p)
    if chat.is_private:
        return 2
    return sum(status in PRESENT for status in chat.members.values())


def pin_chat_message(world: World, p: Params) -> bool:
    """pinChatMessage: the bot must be an administrator in groups."""
    chat = chat_for_send(world, p)
    require_admin(world, chat, _PIN_RIGHTS)
    msg = find_message(chat, p.integer("message_id"), "message to pin not found")
    msg.pinned = True
    if msg.message_id in chat.pins:
        chat.pins.remove(msg.message_id)
    chat.pins.append(msg.message_id)
    return True


def unpin_chat_message(world: World, p: Params) -> bool:
    """unpinChatMessage: the given message, or the most recently pinned one."""
    chat = chat_for_send(world, p)
    require_admin(world, chat, _PIN_RIGHTS)
    message_id = p.integer("message_id")
    if message_id is None:
        if not chat.pins:
            return True
        message_id = chat.pins[-1]
    msg = find_message(chat, message_id, "message to unpin not found")
    msg.pinned = False
    if message_id in chat.pins:
        chat.pins.remove(message_id)
    return True


def unpin_all_chat_messages(world: World, p: Params) -> bool:
    """unpinAllChatMessages."""
    chat = chat_for_send(world, p)
    require_admin(world, chat, _PIN_RIGHTS)
    for message_id in chat.pins:
        chat.messages[message_id].pinned = False
    chat.pins.clear()
    return True


def leave_chat(world: World, p: Params) -> bool:
    """leaveChat (groups only)."""
    chat = chat_for_read(world, p)
    if chat.is_private:
        raise bad_request("chat member status can't be changed in private chats")
    world.set_status(chat, world.bot, "left")
    return True


METHODS: dict[str, Callable[[World, Params], Any]] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message,
    "unpinAllChatMessages": unpin_all_chat_messages,
    "leaveChat": leave_chat,
}
