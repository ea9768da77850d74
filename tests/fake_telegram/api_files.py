"""Bot API methods for documents and photos: upload, resend by file_id, getFile."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from .api_common import chat_for_send, checked_text, reply_markup, reply_target
from .errors import bad_request
from .files import looks_like_image
from .models import FakeFile
from .params import Params, Upload
from .serialize import message_json
from .world import World

_GENERIC_TYPES = (None, "", "application/octet-stream")


def _input_file(world: World, p: Params, kind: str) -> FakeFile:
    value = p.upload(kind)
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
    "getFile": get_file,
}
