"""The command list, in one place: the command menus (per language and scope, with
set_my_commands) and the role-aware /help are both built from it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.config import Language
from bot.i18n import LANGUAGES, t
from handlers.context import BotContext


class Audience(IntEnum):
    """Who sees a command; each level sees the ones below it (a rep's /remind and /members
    are listed for committee members too, who may remind but are refused /members)."""

    EVERYONE = 0
    REP = 1
    COMMITTEE = 2
    ADMIN = 3


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    audience: Audience
    in_private: bool = True
    in_group: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("join", Audience.EVERYONE),
    Command("me", Audience.EVERYONE),
    Command("propose", Audience.EVERYONE, in_private=False),
    Command("topics", Audience.EVERYONE, in_private=False),
    Command("agenda", Audience.EVERYONE),
    Command("result", Audience.EVERYONE, in_private=False),
    Command("verify", Audience.EVERYONE, in_private=False),
    Command("object", Audience.EVERYONE),
    Command("report", Audience.EVERYONE),
    Command("reports", Audience.EVERYONE),
    Command("ticket", Audience.EVERYONE),
    Command("points", Audience.EVERYONE),
    Command("top", Audience.EVERYONE),
    Command("cancel", Audience.EVERYONE, in_group=False),
    Command("leave", Audience.EVERYONE),
    Command("lang", Audience.EVERYONE),
    Command("help", Audience.EVERYONE),
    Command("members", Audience.REP),
    Command("pending", Audience.REP),
    Command("progress", Audience.REP),
    Command("remind", Audience.REP, in_private=False),
    Command("notice", Audience.REP, in_private=False),
    Command("notices", Audience.EVERYONE),
    Command("stats", Audience.EVERYONE),
    Command("unread", Audience.REP),
    Command("meeting", Audience.COMMITTEE),
    Command("minutes", Audience.COMMITTEE, in_private=False),
    Command("vote", Audience.COMMITTEE, in_private=False),
    Command("close", Audience.COMMITTEE, in_private=False),
    Command("export", Audience.COMMITTEE, in_private=False),
    Command("paper", Audience.COMMITTEE),
    Command("objections", Audience.COMMITTEE),
    Command("answer", Audience.COMMITTEE),
    Command("setup", Audience.ADMIN, in_private=False),
    Command("units", Audience.ADMIN),  # also privately: the community picked with a button
    Command("codes", Audience.ADMIN, in_private=False),
    Command("role", Audience.ADMIN, in_private=False),
    Command("settings", Audience.ADMIN, in_private=False),
    Command("staffchat", Audience.ADMIN, in_private=False),
)


def bot_commands(lang: Language, *, private: bool, audience: Audience) -> list[BotCommand]:
    return [
        BotCommand(c.name, t(lang, f"cmd.{c.name}"))
        for c in COMMANDS
        if c.audience <= audience and (c.in_private if private else c.in_group)
    ]


def help_text(lang: Language, *, private: bool, audience: Audience) -> str:
    lines = [t(lang, "help.header")]
    lines += [
        f"/{c.name} — {t(lang, f'cmd.{c.name}')}"
        for c in COMMANDS
        if c.audience <= audience and (c.in_private if private else c.in_group)
    ]
    lines.append("")
    lines.append(t(lang, "help.footer_private" if private else "help.footer_group"))
    return "\n".join(lines)


async def set_command_menus(bot: Bot, default_language: Language) -> None:
    """Menus for private chats, groups and group admins, in each language (and the default)."""
    scopes: list[tuple[BotCommandScope, bool, Audience]] = [
        (BotCommandScopeAllPrivateChats(), True, Audience.EVERYONE),
        (BotCommandScopeAllGroupChats(), False, Audience.EVERYONE),
        (BotCommandScopeAllChatAdministrators(), False, Audience.ADMIN),
    ]
    for scope, private, audience in scopes:
        for lang in LANGUAGES:
            await bot.set_my_commands(
                bot_commands(lang, private=private, audience=audience),
                scope=scope,
                language_code=lang,
            )
        await bot.set_my_commands(
            bot_commands(default_language, private=private, audience=audience), scope=scope
        )


# The home keyboard of a private chat (`handlers/home.py` routes its labels), two per row.
HOME_BUTTONS: tuple[tuple[str, str], ...] = (
    ("home.me", "home.votes"),
    ("home.report", "home.reports"),
    ("home.notices", "home.help"),
)


# The second row, for those who hold a role (admins, committee members, reps).
HOME_STAFF_BUTTONS: tuple[str, str] = ("home.pending", "home.progress")


def home_keyboard(lang: Language, *, staff: bool = False) -> ReplyKeyboardMarkup:
    """Big buttons that stay under the chat: every command a resident needs, no typing; for
    staff, a row more (Pending joins, Vote progress). Each new keyboard replaces the one shown,
    so every screen that sends one must know whether its reader is staff."""
    rows = [*HOME_BUTTONS, HOME_STAFF_BUTTONS] if staff else list(HOME_BUTTONS)
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t(lang, key)) for key in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


async def home_keyboard_for(
    context: BotContext, user_id: int, lang: Language
) -> ReplyKeyboardMarkup:
    """The home keyboard with the staff row if the user holds a stored role anywhere or set up
    a community (a Telegram-only admin types /pending or /progress instead)."""
    async with context.services.uow() as uow:
        staff = bool(await uow.roles.of_user(user_id)) or bool(
            await uow.communities.created_by(user_id)
        )
    return home_keyboard(lang, staff=staff)
