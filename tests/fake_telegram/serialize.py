"""Telegram JSON objects built from the world's records."""

from __future__ import annotations

from typing import Any

from .models import FakeFile, FakeUser
from .state import ChatState, StoredMessage

_ADMIN_RIGHTS = {
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
    "can_pin_messages": True,
    "can_manage_topics": False,
}


def user_json(user: FakeUser) -> dict[str, Any]:
    """The User object."""
    data: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        if (value := getattr(user, key)) is not None:
            data[key] = value
    return data


def document_json(stored: FakeFile) -> dict[str, Any]:
    """The Document object."""
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }
    if stored.file_name:
        data["file_name"] = stored.file_name
    if stored.mime_type:
        data["mime_type"] = stored.mime_type
    return data


def photo_json(stored: FakeFile) -> list[dict[str, Any]]:
    """The PhotoSize list (a single size)."""
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width or 800,
            "height": stored.height or 600,
            "file_size": stored.file_size,
        }
    ]


def message_json(msg: StoredMessage, *, nested: bool = True) -> dict[str, Any]:
    """The Message object; ``reply_to_message`` only one level deep, like Telegram."""
    data: dict[str, Any] = {
        "message_id": msg.message_id,
        "from": user_json(msg.sender),
        "chat": msg.chat.json(),
        "date": msg.date,
    }
    if msg.text is not None:
        data["text"] = msg.rendered
        if msg.entities:
            data["entities"] = msg.entities
    if msg.caption:
        data["caption"] = msg.rendered
        if msg.entities:
            data["caption_entities"] = msg.entities
    if msg.document is not None:
        data["document"] = document_json(msg.document)
    if msg.photo is not None:
        data["photo"] = photo_json(msg.photo)
    if msg.media_group_id is not None:
        data["media_group_id"] = msg.media_group_id
    if nested and msg.reply_to is not None and not msg.reply_to.deleted:
        data["reply_to_message"] = message_json(msg.reply_to, nested=False)
    if msg.reply_markup:
        data["reply_markup"] = msg.reply_markup
    if msg.link_preview_options:
        data["link_preview_options"] = msg.link_preview_options
    if msg.edit_date is not None:
        data["edit_date"] = msg.edit_date
    data.update(msg.service)
    return data


def member_json(user: FakeUser, status: str) -> dict[str, Any]:
    """The ChatMember object for a status."""
    data: dict[str, Any] = {"status": status, "user": user_json(user)}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(_ADMIN_RIGHTS)
    elif status == "kicked":
        data["until_date"] = 0
    return data


def member_updated_json(
    chat: ChatState, actor: FakeUser, user: FakeUser, old: str, new: str, date: int
) -> dict[str, Any]:
    """The ChatMemberUpdated object."""
    return {
        "chat": chat.json(),
        "from": user_json(actor),
        "date": date,
        "old_chat_member": member_json(user, old),
        "new_chat_member": member_json(user, new),
    }


def full_chat_json(chat: ChatState) -> dict[str, Any]:
    """The ChatFullInfo object returned by getChat."""
    data = chat.json()
    data.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    if chat.pins:
        data["pinned_message"] = message_json(chat.messages[chat.pins[-1]])
    return data
