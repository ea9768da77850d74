"""Typed access to Bot API request parameters (form, multipart, JSON or query string)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)


class Params:
    """Request parameters; non-string values arrive JSON-encoded (as PTB sends them)."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent (files included)."""
        return name in self._values or name in self._uploads

    def text(self, name: str) -> str | None:
        """A string parameter."""
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)

    def integer(self, name: str) -> int | None:
        """An integer parameter; 400 if it is not one."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        """A float parameter; 400 if it is not one."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (false when absent)."""
        value = self._values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def json(self, name: str) -> Any:
        """A JSON-encoded parameter, decoded (None when absent)."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def upload(self, name: str) -> Upload | str | None:
        """A file part, or the string (file_id, URL, attach://) sent instead."""
        if name in self._uploads:
            return self._uploads[name]
        return self.attached(self.text(name))

    def attached(self, value: str | None) -> Upload | str | None:
        """The file part an ``attach://<name>`` value names (the value itself otherwise)."""
        if value and value.startswith("attach://"):
            return self._uploads.get(value.removeprefix("attach://"), value)
        return value

    def for_log(self) -> dict[str, str]:
        """All parameters as strings, files as ``<file name, N bytes>``."""
        logged = {key: self.text(key) or "" for key in self._values}
        for key, up in self._uploads.items():
            logged[key] = f"<file {up.filename}, {len(up.content)} bytes>"
        return logged
