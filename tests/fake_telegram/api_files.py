"""Bot API methods for documents and photos: upload, resend by file_id, albums, getFile."""

from __future__ import annotations

import itertools
import mimetypes
from collections.abc import Callable
from typing import Any

from .api_common import chat_for_send, checked_text, reply_markup, reply_target
from .errors import bad_request
from .files import looks_like_image
from .markup import render
from .models import FakeFile
from .params import Params, Upload
from .serialize import message_json
from .world import World

_GENERIC_TYPES = (None, "", "application/octet-stream")
_ALBUM_TYPES = ("photo", "video", "document", "audio")
_media_group_ids = itertools.count(13_920_000_000_000_001)


def _input_file(world: World, p: Params, kind: str) -> FakeFile:
    return _resolve_file(world, p.upload(kind), kind)


def _resolve_file(world: World, value: Upload | str | None, kind: str) -> FakeFile:
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        return _store_upload(world, value, kind)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


def _store_upload(world: World, upload: Upload, kind: str) -> FakeFile:
    if not upload.content:
        raise bad_request("file must be non-empty")
    if kind == "photo" and not looks_like_image(upload.content):
        raise bad_request("IMAGE_PROCESS_FAILED")
    name = upload.filename or ("photo.jpg" if kind == "photo" else "document")
    mime = upload.content_type
    if mime in _GENERIC_TYPES:
        mime = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return world.files.add(kind, upload.content, name, mime)


def _send_file(world: World, p: Params, kind: str) -> dict[str, Any]:
    chat = chat_for_send(world, p)
    world.check_flood(chat)
    stored = _input_file(world, p, kind)
    caption, visible = checked_text(
        world, p, "caption", limit=1024, empty=None, too_long="message caption is too long"
    )
    inline, other = reply_markup(p)
    msg = world.add_message(
        chat,
        world.bot,
        caption=caption,
        rendered=visible,
        parse_mode=p.text("parse_mode"),
        reply_to=reply_target(chat, p),
        reply_markup=inline,
        other_markup=other,
        **{kind: stored},
    )
    return message_json(msg)


def send_document(world: World, p: Params) -> dict[str, Any]:
    """sendDocument (multipart upload or an existing file_id)."""
    return _send_file(world, p, "document")


def send_photo(world: World, p: Params) -> dict[str, Any]:
    """sendPhoto (multipart upload or an existing file_id)."""
    return _send_file(world, p, "photo")


def _album_items(p: Params) -> list[dict[str, Any]]:
    if not p.has("media"):
        raise bad_request('parameter "media" is required')
    items = p.json("media")
    if not isinstance(items, list):
        raise bad_request("can't parse media JSON object")
    if not items:
        raise bad_request("there are no messages to send")
    if len(items) > 10:
        raise bad_request("too many messages to send as an album")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad_request("can't parse InputMedia: media not found")
        if item["type"] not in _ALBUM_TYPES:
            raise bad_request(f'can\'t parse InputMedia: type "{item["type"]}" is unsupported')
        if item["type"] in ("video", "audio"):
            raise bad_request(f"the fake does not implement {item['type']} albums")
    kinds = {item["type"] for item in items}
    if "document" in kinds and len(kinds) > 1:
        raise bad_request("document can't be mixed with other media types")
    return items


def send_media_group(world: World, p: Params) -> list[dict[str, Any]]:
    """sendMediaGroup: photos or documents, each a Message (shared ``media_group_id`` when
    there are 2-10); each counts as a message against the flood limits."""
    chat = chat_for_send(world, p)
    items = _album_items(p)
    resolved = []
    for item in items:
        value = item.get("media")
        media = p.attached(value if isinstance(value, str) else None)
        if isinstance(media, str) and media.startswith("attach://"):
            raise bad_request("can't parse InputMedia: media not found")
        stored = _resolve_file(world, media, item["type"])
        caption = item.get("caption")
        caption = caption if isinstance(caption, str) and caption else None
        mode = item.get("parse_mode") if isinstance(item.get("parse_mode"), str) else None
        visible = render(caption, mode) if caption and world.strict_markup else caption
        if visible is not None and len(visible) > 1024:
            raise bad_request("message caption is too long")
        resolved.append((item["type"], stored, caption, visible, mode))
    world.check_flood(chat, count=len(items))
    reply_to = reply_target(chat, p)
    group_id = str(next(_media_group_ids)) if len(items) > 1 else None
    return [
        message_json(
            world.add_message(
                chat,
                world.bot,
                caption=caption,
                rendered=visible,
                parse_mode=mode,
                reply_to=reply_to,
                media_group_id=group_id,
                **{kind: stored},
            )
        )
        for kind, stored, caption, visible, mode in resolved
    ]


def get_file(world: World, p: Params) -> dict[str, Any]:
    """getFile: any known file, including those users sent."""
    stored = world.files.get(p.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": world.files.path_for(stored),
    }


METHODS: dict[str, Callable[[World, Params], Any]] = {
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "sendMediaGroup": send_media_group,
    "getFile": get_file,
}
