"""File storage: ids, download paths and image sniffing."""

from __future__ import annotations

import mimetypes
import struct

from .models import FakeFile

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF")
_PREFIX = {"document": "BQACAgIAAxkBAAI", "photo": "AgACAgIAAxkBAAI"}
_FOLDER = {"document": "documents", "photo": "photos"}


class FileStore:
    """All files known to the fake, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, FakeFile] = {}
        self._paths: dict[str, str] = {}
        self._by_path: dict[str, FakeFile] = {}

    def add(
        self, kind: str, content: bytes, file_name: str | None, mime_type: str | None
    ) -> FakeFile:
        """Store new content and return its FakeFile."""
        n = len(self._by_id) + 1
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name, strict=False)[0]
        size = image_size(content) if kind == "photo" else None
        stored = FakeFile(
            file_id=f"{_PREFIX[kind]}{n:06d}x{len(content):x}",
            file_unique_id=f"AQAD{n:06d}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type or ("image/jpeg" if kind == "photo" else None),
            content=content,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self._by_id[stored.file_id] = stored
        return stored

    def get(self, file_id: str) -> FakeFile | None:
        """The file with this file_id, if any."""
        return self._by_id.get(file_id)

    def path_for(self, stored: FakeFile) -> str:
        """The file_path getFile reports (stable per file)."""
        path = self._paths.get(stored.file_id)
        if path is None:
            name = stored.file_name or ""
            ext = name.rpartition(".")[2] if "." in name else ""
            ext = ext or ("jpg" if stored.kind == "photo" else "bin")
            path = f"{_FOLDER[stored.kind]}/file_{len(self._paths)}.{ext}"
            self._paths[stored.file_id] = path
            self._by_path[path] = stored
        return path

    def by_path(self, path: str) -> FakeFile | None:
        """The file downloadable at ``path`` (only after getFile reported it)."""
        return self._by_path.get(path)


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes start like a JPEG, PNG, GIF or WebP image."""
    return data.startswith(_IMAGE_MAGIC)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, if recognisable."""
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"GIF") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None
