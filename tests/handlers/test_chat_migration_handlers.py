"""A basic group upgraded to a supergroup gets a new chat id (issue 9, finding 4). The bot
follows a staff chat's migration from the service messages; a send or edit that Telegram
answers with 400 `migrate_to_chat_id` (a migration the bot missed) is retried once at the new
id, which is stored; when staff still cannot be reached there, they get the ticket privately
and the reporter hears that it was filed."""

from __future__ import annotations

import pytest

from bot.communities.model import Community
from bot.reports.model import TimerKind
from handlers.context import BotContext, Services
from handlers.reports.delivery import escalate
from tests.handlers.harness import HandlerHarness, group, private
from tests.handlers.test_reports_handlers import (
    STAFF_GROUP,
    BotApiExtras,
    button,
    card_in,
    choose,
    form_at_where,
    only_ticket,
    quick_report,
    residents,
    screen,
    set_staff_chat,
    texts_to,
)
from tests.handlers.test_residents_handlers import ALICE, CREATOR, GROUP, REP

NEW_STAFF = group(-2002, "Sunny Garden staff")
NEWER_STAFF = group(-2003, "Sunny Garden staff")
NEW_GROUP = group(-1002, "Sunny Garden")
FILED = "✅ Ticket #1 filed; staff will follow up."


@pytest.fixture
def api(harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> BotApiExtras:
    return BotApiExtras(harness, monkeypatch)


async def community(h: HandlerHarness) -> Community:
    async with h.database.unit_of_work() as uow:
        found = await uow.communities.get(1)
    assert found is not None
    return found


def apologies(h: HandlerHarness) -> list[str]:
    return [t for p in (GROUP, ALICE) for t in texts_to(h, p) if t.startswith("Sorry")]


async def test_the_staff_groups_migration_service_messages_move_the_staff_chat(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    await h.feed({"message": h.message(STAFF_GROUP, CREATOR, migrate_to_chat_id=NEW_STAFF["id"])})
    await h.feed({"message": h.message(NEW_STAFF, CREATOR, migrate_from_chat_id=STAFF_GROUP["id"])})
    assert (await community(h)).staff_chat_id == NEW_STAFF["id"]
    assert (await community(h)).chat_id == GROUP["id"]

    h.request.migrated[STAFF_GROUP["id"]] = NEW_STAFF["id"]
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    card_in(h, NEW_STAFF["id"], 1)
    assert h.request.sent("sendMessage", STAFF_GROUP["id"])[1:] == []  # only /staffchat's reply


async def test_a_missed_staff_chat_migration_is_followed_on_the_first_send(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    h.request.migrated[STAFF_GROUP["id"]] = NEW_STAFF["id"]  # upgraded while the bot was down

    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    assert texts_to(h, GROUP)[-1] == FILED
    assert apologies(h) == []
    card_in(h, NEW_STAFF["id"], 1)
    assert (await community(h)).staff_chat_id == NEW_STAFF["id"]
    assert not any(t.startswith("🛠 Ticket #1 ·") for t in texts_to(h, REP))  # not privately

    # the deadline passes: the escalation goes to the new staff chat directly
    sent_before = len(h.request.sent("sendMessage", STAFF_GROUP["id"]))
    ticket = await only_ticket(h)
    await escalate(BotContext(h.app), await community(h), ticket, TimerKind.RESPONSE)
    assert texts_to(h, NEW_STAFF)[-1].startswith("⏰ Ticket #1 (📝 Other")
    assert len(h.request.sent("sendMessage", STAFF_GROUP["id"])) == sent_before


async def test_an_escalation_to_a_staff_chat_that_migrated_unnoticed_reaches_the_new_one(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    card_in(h, STAFF_GROUP["id"], 1)
    h.request.migrated[STAFF_GROUP["id"]] = NEW_STAFF["id"]

    ticket = await only_ticket(h)
    await escalate(BotContext(h.app), await community(h), ticket, TimerKind.RESPONSE)
    assert texts_to(h, NEW_STAFF)[-1].startswith("⏰ Ticket #1 (📝 Other")
    assert texts_to(h, CREATOR)[-1].startswith("⏰ Ticket #1 (📝 Other")  # admins privately
    assert (await community(h)).staff_chat_id == NEW_STAFF["id"]


async def test_when_the_new_staff_chat_fails_too_staff_get_the_ticket_privately(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    h.request.migrated[STAFF_GROUP["id"]] = NEW_STAFF["id"]
    h.request.migrated[NEW_STAFF["id"]] = NEWER_STAFF["id"]  # retried once only

    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    assert texts_to(h, GROUP)[-1] == FILED
    assert apologies(h) == []
    assert len(h.request.sent("sendMessage", NEW_STAFF["id"])) == 1
    assert h.request.sent("sendMessage", NEWER_STAFF["id"]) == []
    for person in (CREATOR, REP):  # Carol is a Telegram admin of the group; Bob rep of 2
        card_in(h, person["id"], 1)
    assert (await only_ticket(h)).number == 1


async def test_a_missed_migration_of_the_main_group_is_followed_too(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    h.request.private_open.discard(CREATOR["id"])
    h.request.private_open.discard(REP["id"])
    h.request.migrated[GROUP["id"]] = NEW_GROUP["id"]

    await form_at_where(h, ALICE)
    await choose(h, ALICE, "🏠 My home")
    await h.press(private(ALICE), ALICE, None, button(screen(h, ALICE["id"]), "✅ Submit"))
    assert screen(h, ALICE["id"])["text"].startswith("✅ Ticket #1 filed.")
    assert apologies(h) == []
    assert texts_to(h, NEW_GROUP)[-1].startswith("🛠 New repair ticket #1 in Sunny Garden.")
    assert (await community(h)).chat_id == NEW_GROUP["id"]


async def test_an_error_after_the_ticket_was_filed_does_not_say_nothing_changed(
    harness: HandlerHarness, api: BotApiExtras, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Services) -> None:
        raise RuntimeError("waking the sender failed")

    h = harness
    await residents(h)
    monkeypatch.setattr(Services, "wake_outbox", explode)
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    filed, apology = texts_to(h, GROUP)[-2:]
    assert filed == FILED
    assert apology.startswith("Sorry, something went wrong")
    assert "Nothing was changed" not in apology
    assert (await only_ticket(h)).number == 1
    # the staff card was written with the ticket: it goes out all the same
    assert [t for t in texts_to(h, REP) if t.startswith("🛠 Ticket #1")] != []
