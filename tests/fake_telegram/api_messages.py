"""Bot API methods that send, edit and delete text messages, and answer callbacks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .api_common import (
    chat_for_read,
    chat_for_send,
    checked_text,
    find_message,
    inline_markup_only,
    reply_markup,
    reply_target,
)
from .errors import NOT_MODIFIED, QUERY_INVALID, bad_request
from .models import CallbackAnswer
from .params import Params
from .serialize import message_json
from .state import StoredMessage
from .world import World

_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)


def send_message(world: World, p: Params) -> dict[str, Any]:
    """sendMessage."""
    chat = chat_for_send(world, p)
    world.check_flood(chat)
    text, visible = checked_text(
        world, p, "text", limit=4096, empty="message text is empty", too_long="message is too long"
    )
    inline, other = reply_markup(p)
    msg = world.add_message(
        chat,
        world.bot,
        text=text,
        rendered=visible,
        parse_mode=p.text("parse_mode"),
        entities=p.json("entities") or [],
        reply_to=reply_target(chat, p),
        reply_markup=inline,
        other_markup=other,
        link_preview_options=p.json("link_preview_options"),
    )
    return message_json(msg)


def _editable(world: World, p: Params) -> StoredMessage:
    chat = chat_for_send(world, p)
    world.check_flood(chat)
    msg = find_message(chat, p.integer("message_id"), "message to edit not found")
    if msg.sender.id != world.bot.id:
        raise bad_request("message can't be edited")
    return msg


def _apply_edit(msg: StoredMessage, markup: dict[str, Any] | None, **changes: Any) -> None:
    unchanged = all(getattr(msg, key) == value for key, value in changes.items())
    if unchanged and markup == msg.reply_markup:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        setattr(msg, key, value)
    msg.reply_markup = markup
    msg.edit_count += 1
    msg.edit_date = World.now()


def edit_message_text(world: World, p: Params) -> dict[str, Any]:
    """editMessageText (without reply_markup the inline keyboard is removed, like Telegram)."""
    msg = _editable(world, p)
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    text, visible = checked_text(
        world, p, "text", limit=4096, empty="message text is empty", too_long="message is too long"
    )
    _apply_edit(
        msg,
        inline_markup_only(p),
        text=text,
        rendered=visible,
        parse_mode=p.text("parse_mode"),
        link_preview_options=p.json("link_preview_options"),
    )
    return message_json(msg)


def edit_message_caption(world: World, p: Params) -> dict[str, Any]:
    """editMessageCaption."""
    msg = _editable(world, p)
    if msg.document is None and msg.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, visible = checked_text(
        world, p, "caption", limit=1024, empty=None, too_long="message caption is too long"
    )
    _apply_edit(
        msg,
        inline_markup_only(p),
        caption=caption,
        rendered=visible,
        parse_mode=p.text("parse_mode"),
    )
    return message_json(msg)


def edit_message_reply_markup(world: World, p: Params) -> dict[str, Any]:
    """editMessageReplyMarkup."""
    msg = _editable(world, p)
    _apply_edit(msg, inline_markup_only(p))
    return message_json(msg)


def delete_message(world: World, p: Params) -> bool:
    """deleteMessage: own messages, any message in private chats, others' if admin."""
    chat = chat_for_read(world, p)
    msg = find_message(chat, p.integer("message_id"), "message to delete not found")
    is_admin = chat.status_of(world.bot.id) == "administrator"
    if msg.sender.id != world.bot.id and not chat.is_private and not is_admin:
        raise bad_request("message can't be deleted")
    msg.deleted = True
    msg.pinned = False
    if msg.message_id in chat.pins:
        chat.pins.remove(msg.message_id)
    return True


def answer_callback_query(world: World, p: Params) -> bool:
    """answerCallbackQuery: each query can be answered once, within ``callback_timeout`` s of
    the press; the text has at most 200 characters."""
    query = world.callbacks.get(p.text("callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request(QUERY_INVALID)
    now = time.monotonic()
    if now - query.pressed_at > world.callback_timeout:
        if query.late_answer_at is None:
            query.late_answer_at = now
        raise bad_request(QUERY_INVALID)
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = CallbackAnswer(text, p.flag("show_alert"), p.text("url"))
    query.answered_at = now
    return True


def send_chat_action(world: World, p: Params) -> bool:
    """sendChatAction."""
    chat_for_send(world, p)
    if p.text("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


METHODS: dict[str, Callable[[World, Params], Any]] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
