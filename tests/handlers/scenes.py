"""Scenes several handler test files set up or look at the same way: a community with its
register and letterbox codes issued (`/codes`), a role given by replying to someone, the review
cards sent to a chat and the edit that redrew one, and the scan that no group message names an
applicant or their unit."""

from __future__ import annotations

from typing import Any

from tests.handlers.harness import HandlerHarness, group, user
from tests.handlers.test_owners_handlers import REGISTER

GROUP = group(-1001)
CREATOR = user(1, "Carol")  # the group's creator, an administrator


def document(file_id: str) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": file_id, "file_name": "units.csv"}


async def community_with_register(h: HandlerHarness, lang: str = "en") -> int:
    """/setup in the group (in `lang`), then the register sent as a file captioned /units."""
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")
    h.request.files["register"] = REGISTER
    await h.feed(
        {
            "message": h.message(
                GROUP, CREATOR, None, document=document("register"), caption="/units"
            )
        }
    )
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
    return community.id


async def active_codes(h: HandlerHarness, community_id: int) -> dict[str, str]:
    async with h.database.unit_of_work() as uow:
        return await uow.codes.active(community_id)


async def issue_codes(h: HandlerHarness, community_id: int) -> dict[str, str]:
    """/codes by the creator (who has started the bot): each unit's code."""
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, CREATOR, "/codes")
    return await active_codes(h, community_id)


async def community_with_codes(h: HandlerHarness, lang: str = "en") -> tuple[int, dict[str, str]]:
    """A community with its register and its codes issued: its id and each unit's code."""
    community_id = await community_with_register(h, lang)
    return community_id, await issue_codes(h, community_id)


async def make(h: HandlerHarness, role: str, person: dict[str, Any]) -> None:
    """`/role <role>` by the creator, replying to a message of `person` in the group."""
    await h.say(GROUP, CREATOR, f"/role {role}", reply_to_message=h.message(GROUP, person, "hi"))


def buttons(sent: dict[str, Any]) -> list[tuple[str, str]]:
    """A sent message's buttons: (label, callback data), row by row."""
    return [
        (b["text"], b["callback_data"])
        for row in sent["reply_markup"]["inline_keyboard"]
        for b in row
    ]


def review_cards_to(h: HandlerHarness, chat_id: int, kind: str) -> list[dict[str, Any]]:
    """The review cards sent to one chat whose buttons are `v1:<kind>:…` (`jr` join, `or`
    owner)."""
    return [
        p
        for p in h.request.sent("sendMessage", chat_id)
        if any(
            str(b.get("callback_data", "")).startswith(f"v1:{kind}:")
            for row in p.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        )
    ]


def edit_of(h: HandlerHarness, chat_id: int, card: dict[str, Any]) -> dict[str, Any]:
    """The one edit that redrew `card` in `chat_id`."""
    (edited,) = [
        p
        for p in h.request.sent("editMessageText", chat_id)
        if p["message_id"] == card["message_id"]
    ]
    return edited


def group_never_names(h: HandlerHarness, *names_and_units: str) -> None:
    """No message to the group (sent or edited) carries an applicant's name or unit."""
    for method in ("sendMessage", "editMessageText"):
        for p in h.request.sent(method, GROUP["id"]):
            for word in names_and_units:
                assert word not in p["text"], f"the group was shown {word!r}: {p['text']!r}"
