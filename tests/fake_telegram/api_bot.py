"""Bot API methods about the bot itself: getMe, webhook, commands, profile settings."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import bad_request
from .params import Params
from .serialize import user_json
from .world import World

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")


def get_me(world: World, p: Params) -> dict[str, Any]:
    """getMe."""
    return {
        **user_json(world.bot),
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def delete_webhook(world: World, p: Params) -> bool:
    """deleteWebhook (drop_pending_updates clears the queue)."""
    world.webhook_url = ""
    if p.flag("drop_pending_updates"):
        world.updates.clear()
    return True


def set_webhook(world: World, p: Params) -> bool:
    """setWebhook: stored only; getUpdates then answers 409 like Telegram."""
    world.webhook_url = p.text("url") or ""
    if p.flag("drop_pending_updates"):
        world.updates.clear()
    return True


def get_webhook_info(world: World, p: Params) -> dict[str, Any]:
    """getWebhookInfo."""
    return {
        "url": world.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }


def scope_key(scope: Any) -> str:
    """Storage key of a BotCommandScope: its type, plus chat_id/user_id for chat scopes."""
    if not scope:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind: str = scope["type"]
    if kind in _CHAT_SCOPES:
        ids = [str(scope.get("chat_id"))] + (
            [str(scope.get("user_id"))] if "user_id" in scope else []
        )
        return ":".join([kind, *ids])
    return kind


def set_my_commands(world: World, p: Params) -> bool:
    """setMyCommands, stored per (scope, language_code)."""
    commands = p.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    pairs: list[tuple[str, str]] = []
    for item in commands:
        command = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(command, str) or not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        pairs.append((command, description))
    key = (scope_key(p.json("scope")), p.text("language_code") or "")
    if pairs:
        world.commands[key] = pairs
    else:
        world.commands.pop(key, None)
    return True


def get_my_commands(world: World, p: Params) -> list[dict[str, str]]:
    """getMyCommands for exactly this (scope, language_code)."""
    key = (scope_key(p.json("scope")), p.text("language_code") or "")
    return [{"command": c, "description": d} for c, d in world.commands.get(key, [])]


def delete_my_commands(world: World, p: Params) -> bool:
    """deleteMyCommands."""
    world.commands.pop((scope_key(p.json("scope")), p.text("language_code") or ""), None)
    return True


def accept(world: World, p: Params) -> bool:
    """Methods that only need to succeed (close, logOut, profile settings)."""
    return True


METHODS: dict[str, Callable[[World, Params], Any]] = {
    "getMe": get_me,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "close": accept,
    "logOut": accept,
    "setMyDescription": accept,
    "setMyShortDescription": accept,
    "setMyName": accept,
    "setChatMenuButton": accept,
    "setMyDefaultAdministratorRights": accept,
}
