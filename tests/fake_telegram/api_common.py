"""Checks shared by Bot API methods: target chat, message lookup, text and keyboards."""

from __future__ import annotations

from typing import Any

from .errors import bad_request, chat_migrated, forbidden
from .markup import render
from .params import Params
from .state import PRESENT, ChatState, StoredMessage
from .world import World

_ACTIONS = frozenset(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)


def chat_for_read(world: World, p: Params) -> ChatState:
    """The chat named by ``chat_id``, if the bot may access it."""
    if not p.text("chat_id"):
        raise bad_request("chat_id is empty")
    try:
        chat = world.chats.get(int(p.text("chat_id") or ""))
    except ValueError:
        chat = None
    if chat is None:
        raise bad_request("chat not found")
    if not chat.is_private:
        status = chat.status_of(world.bot.id)
        kind = "supergroup" if chat.type == "supergroup" else "group"
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if status not in PRESENT:
            raise forbidden(f"bot is not a member of the {kind} chat")
    return chat


def chat_for_send(world: World, p: Params) -> ChatState:
    """Like :func:`chat_for_read`; private chats must be opened and not blocked, and a basic
    group that became a supergroup answers 400 with ``parameters.migrate_to_chat_id``."""
    chat = chat_for_read(world, p)
    if chat.migrated_to is not None:
        raise chat_migrated(chat.migrated_to)
    if chat.is_private and chat.blocked:
        raise forbidden("bot was blocked by the user")
    if chat.is_private and not chat.opened:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def find_message(chat: ChatState, message_id: int | None, missing: str) -> StoredMessage:
    """An existing, undeleted message of the chat, or 400 ``missing``."""
    msg = chat.messages.get(message_id) if message_id is not None else None
    if msg is None or msg.deleted:
        raise bad_request(missing)
    return msg


def checked_text(
    world: World, p: Params, name: str, *, limit: int, empty: str | None, too_long: str
) -> tuple[str | None, str | None]:
    """(raw, visible) text of parameter ``name``; 400 if empty (when ``empty``) or too long."""
    raw = p.text(name)
    if not raw:
        if empty is not None:
            raise bad_request(empty)
        return None, None
    visible = render(raw, p.text("parse_mode")) if world.strict_markup else raw
    if empty is not None and not visible.strip():
        raise bad_request(empty)
    if len(visible) > limit:
        raise bad_request(too_long)
    return raw, visible


def reply_markup(p: Params) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(inline keyboard or None, other reply markup or None) from ``reply_markup``."""
    markup = p.json("reply_markup")
    if not markup:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None, markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            _check_button(button)
    return ({"inline_keyboard": rows} if any(rows) else None), None


def inline_markup_only(p: Params) -> dict[str, Any] | None:
    """The inline keyboard of ``reply_markup``; 400 for other keyboard types."""
    inline, other = reply_markup(p)
    if other is not None:
        raise bad_request("inline keyboard expected")
    return inline


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url or any(c.isspace() for c in url):
            raise bad_request("BUTTON_URL_INVALID")
    elif not _ACTIONS & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def reply_target(chat: ChatState, p: Params) -> StoredMessage | None:
    """The message to reply to (reply_parameters or legacy reply_to_message_id)."""
    parameters = p.json("reply_parameters")
    if isinstance(parameters, dict):
        message_id = parameters.get("message_id")
        allow_missing = bool(parameters.get("allow_sending_without_reply"))
    else:
        message_id = p.integer("reply_to_message_id")
        allow_missing = p.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    msg = chat.messages.get(int(message_id))
    if msg is None or msg.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return msg


def require_admin(world: World, chat: ChatState, reason: str) -> None:
    """400 ``reason`` unless the bot is an administrator of the group."""
    if not chat.is_private and chat.status_of(world.bot.id) != "administrator":
        raise bad_request(reason)
