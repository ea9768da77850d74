"""Repair reports through the handlers, with real PTB updates and an offline Bot API: the
private form and its bad input, restarts and cancels, the staff buttons and who may press them,
rejecting with a reason, the reporter's rating, routing, lists and the export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from telegram.request import RequestData

from bot.communities.cases import set_community_language
from bot.reports.model import Category, Location, Ticket, TicketStatus
from bot.residents.model import MembershipStatus, Relation, Verification
from tests.conftest import NOW
from tests.handlers.harness import BOT, HandlerHarness, group, private, user
from tests.handlers.test_residents_handlers import ALICE, CREATOR, GROUP, MALLORY, REP, set_up

REP_ONE = user(8, "Rep Rita")  # rep of building 1; REP (Rep Bob) is the rep of building 2
BEN = user(43, "Ben")  # lives in 1-101; ALICE in 2-101, DAN in 2-102
DAN = user(44, "Dan")
HOUSEHOLDS = ((ALICE, "2-101"), (BEN, "1-101"), (DAN, "2-102"))
EVERYONE = (CREATOR, REP, REP_ONE, ALICE, BEN, DAN, MALLORY)
STAFF_GROUP = group(-2001, "Sunny Garden staff")
FORM = None  # press on the message that carries the button (HandlerHarness.press)

NOT_STAFF = "Only administrators and the reps of this building can handle this ticket."
NOT_REPORTER = "Only the resident who reported this ticket can confirm or reopen it."
NOT_RESIDENT = "Only verified residents can report repairs. Join first with /join."
INTERRUPTED = (
    "Your report was interrupted (the bot was restarted). Nothing was saved; "
    "please start again with /report."
)
CANCELLED = "Cancelled. Nothing was saved."
STALE = "This button is no longer valid."
SENT_PRIVATELY = "I have sent it to you in a private chat."
NOT_YOURS = (
    "You can see your own tickets; a building rep sees the tickets of their buildings, "
    "administrators all of them."
)
CSV_HEADER = (
    "ticket,category,building,unit,place,status,reported at,acknowledged at,resolved at,rating,"
    "households affected"
)


class BotApiExtras:
    """What the stock RecordingRequest does not do, added to one harness's instance (the
    harness is shared, so it is not edited): the group's administrators (for routing without
    a staff chat), photos, and a record of every result and uploaded file."""

    def __init__(self, h: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> None:
        self.request = h.request
        self.results: list[tuple[str, dict[str, Any], Any]] = []
        self.uploads: dict[str, bytes] = {}
        self._stock_answer = h.request._answer
        self._stock_do_request = h.request.do_request
        self._photo_ids = iter(range(5000, 6000))
        monkeypatch.setattr(h.request, "_answer", self._answer)
        monkeypatch.setattr(h.request, "do_request", self._do_request)

    async def _do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        if request_data is not None:
            for filename, content, *_ in request_data.multipart_data.values():
                if isinstance(content, bytes):
                    self.uploads[filename] = content
        return await self._stock_do_request(url, method, request_data, **kwargs)

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        status, result = self._extra_answer(method, params)
        if status == 0:
            status, result = self._stock_answer(method, params)
        self.results.append((method, params, result))
        return status, result

    def _extra_answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        chat_id = int(params.get("chat_id", 0) or 0)
        if method == "getChatAdministrators":
            people = sorted(u for c, u in self.request.admins if c == chat_id)
            owner = [
                {"status": "creator", "is_anonymous": False, "user": _member(u)} for u in people
            ]
            return 200, [*owner, {**_admin_rights(), "status": "administrator", "user": BOT}]
        if method == "sendVoice":
            message_id = next(self._photo_ids)
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
            voice = {"file_id": params["voice"], "file_unique_id": "v", "duration": 1}
            message = {"message_id": message_id, "date": int(NOW.timestamp()), "chat": chat}
            return 200, {**message, "from": BOT, "voice": voice}
        if method in {"sendPhoto", "sendMediaGroup"}:
            if chat_id > 0 and chat_id not in self.request.private_open:
                return 403, "Forbidden: bot can't initiate conversation with a user"
            count = 1 if method == "sendPhoto" else len(params["media"])
            messages = [
                {
                    "message_id": next(self._photo_ids),
                    "date": int(NOW.timestamp()),
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                    "from": BOT,
                    "photo": [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}],
                }
                for _ in range(count)
            ]
            return 200, messages[0] if method == "sendPhoto" else messages
        return 0, None

    def message_id(self, chat_id: int, starts_with: str) -> int:
        """The id of the last message the bot sent to `chat_id` starting with `starts_with`."""
        for method, params, result in reversed(self.results):
            if (
                method == "sendMessage"
                and int(params["chat_id"]) == chat_id
                and str(params["text"]).startswith(starts_with)
            ):
                return int(result["message_id"])
        raise AssertionError(f"no message to {chat_id} starting with {starts_with!r}")


def _member(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}


def _admin_rights() -> dict[str, Any]:
    return {
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
    }


@pytest.fixture
def api(harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> BotApiExtras:
    return BotApiExtras(harness, monkeypatch)


# --- seeding and reading the database -------------------------------------------------------


async def residents(h: HandlerHarness) -> int:
    """The worked example register, Carol (group admin), Rep Bob (building 2), Rep Rita
    (building 1), three verified households; everyone has a private chat with the bot."""
    await set_up(h)
    await h.say(GROUP, CREATOR, "/role rep 1", reply_to_message=h.message(GROUP, REP_ONE, "hi"))
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        for person, unit_code in HOUSEHOLDS:
            unit = await uow.units.get(community.id, unit_code)
            assert unit is not None
            await uow.users.remember(person["id"], person["first_name"], now=NOW)
            await uow.residents.add(
                unit_id=unit.id,
                user_id=person["id"],
                relation=Relation.OWNER,
                status=MembershipStatus.VERIFIED,
                verification=Verification.CODE,
                now=NOW,
            )
        await uow.commit()
    h.request.private_open.update(p["id"] for p in EVERYONE)
    return community.id


async def tickets(h: HandlerHarness) -> list[Ticket]:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        return await uow.reports.of_community(community.id)


async def only_ticket(h: HandlerHarness) -> Ticket:
    found = await tickets(h)
    assert len(found) == 1, found
    return found[0]


async def has_draft_marker(h: HandlerHarness, user_id: int) -> bool:
    """Whether `report_drafts` marks a form in progress (the delete is rolled back)."""
    async with h.database.unit_of_work() as uow:
        return await uow.reports.end_draft(user_id)


# --- reading what the bot said ---------------------------------------------------------------


def screen(h: HandlerHarness, chat_id: int) -> dict[str, Any]:
    """What the user sees last in a chat: the latest message sent or edited there."""
    for call in reversed(h.request.calls):
        if call.method in {"sendMessage", "editMessageText"} and int(call.params["chat_id"]) == (
            chat_id
        ):
            return call.params
    raise AssertionError(f"nothing was shown in {chat_id}")


def keyboard(params: dict[str, Any]) -> dict[str, str]:
    markup = params.get("reply_markup") or {}
    return {
        b["text"]: b["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if "callback_data" in b
    }


def button(params: dict[str, Any], label: str) -> str:
    """The payload of the button labelled `label` (exactly, else the one starting with it)."""
    buttons = keyboard(params)
    if label in buttons:
        return buttons[label]
    found = [data for text, data in buttons.items() if text.startswith(label)]
    assert len(found) == 1, (label, list(keyboard(params)))
    return found[0]


def last_answer(h: HandlerHarness) -> dict[str, Any]:
    return h.request.answers()[-1]


def texts_to(h: HandlerHarness, person: dict[str, Any]) -> list[str]:
    return h.request.texts(person["id"])


# --- acting ----------------------------------------------------------------------------------


async def tell(h: HandlerHarness, person: dict[str, Any], text: str | None, **extra: Any) -> None:
    """A private message from `person` (text, or a photo/document/location with text=None)."""
    await h.feed({"message": h.message(private(person), person, text, **extra)})


async def choose(h: HandlerHarness, person: dict[str, Any], label: str) -> None:
    """Press the button labelled `label…` on the form the user sees."""
    await h.press(private(person), person, FORM, button(screen(h, person["id"]), label))


async def form_at_photos(
    h: HandlerHarness, person: dict[str, Any], description: str = "The lift stops at floor 3"
) -> None:
    await tell(h, person, "/report")
    await choose(h, person, "🛗 Elevator")
    await tell(h, person, description)
    assert screen(h, person["id"])["text"] == "Send up to 5 photos, one at a time, or press Skip."


async def form_at_where(h: HandlerHarness, person: dict[str, Any]) -> None:
    await form_at_photos(h, person)
    await choose(h, person, "Skip")
    assert screen(h, person["id"])["text"] == "Where is it? Or send a location (📎 → Location)."


def photo(file_id: str, size: int) -> list[dict[str, Any]]:
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": f"{file_id}-s", "width": 90, "height": 90},
        {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "width": 1280,
            "height": 960,
            "file_size": size,
        },
    ]


async def quick_report(h: HandlerHarness, person: dict[str, Any], text: str) -> None:
    await h.say(GROUP, person, f"/report {text}")


async def set_staff_chat(h: HandlerHarness) -> None:
    await h.say(STAFF_GROUP, CREATOR, "/staffchat")
    assert texts_to(h, STAFF_GROUP)[-1].startswith("This group is now the staff chat of Sunny")


def card_in(h: HandlerHarness, chat_id: int, number: int) -> dict[str, Any]:
    cards = [
        p
        for p in h.request.sent("sendMessage", chat_id)
        if str(p["text"]).startswith(f"🛠 Ticket #{number} ·")
    ]
    assert cards, f"no card of ticket #{number} in {chat_id}"
    return cards[-1]


def reply_to(chat: dict[str, Any], message_id: int) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(NOW.timestamp()),
        "chat": chat,
        "from": BOT,
        "text": "prompt",
    }


# --- the private form: bad input -------------------------------------------------------------


async def test_an_empty_or_overlong_description_keeps_the_form_at_that_step(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/report")
    assert screen(h, ALICE["id"])["text"] == "What is broken? Choose a category."
    await choose(h, ALICE, "🛗 Elevator")
    assert screen(h, ALICE["id"])["text"] == (
        "🛗 Elevator. Describe the problem in a few words, or send a voice message (🎤) or a photo with a caption."
    )

    await tell(h, ALICE, "  \n  ")
    assert texts_to(h, ALICE)[-1] == "Please describe the problem in words."
    await tell(h, ALICE, "x" * 5000)
    assert texts_to(h, ALICE)[-1] == (
        "That is too long (5000 characters; at most 1000). Please make it shorter."
    )
    assert await tickets(h) == []

    # still at the description step: a good description moves on to the photos
    await tell(h, ALICE, "The lift stops between floors 3 and 4")
    assert texts_to(h, ALICE)[-1] == "Send up to 5 photos, one at a time, or press Skip."
    await choose(h, ALICE, "Skip")
    await choose(h, ALICE, "🏠 My home (2-101)")
    assert "“The lift stops between floors 3 and 4”" in screen(h, ALICE["id"])["text"]


async def test_a_file_or_an_oversized_photo_is_refused_and_not_kept(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_photos(h, ALICE)
    document = {
        "file_id": "png-file",
        "file_unique_id": "png-file",
        "file_name": "lift.png",
        "mime_type": "image/png",
        "file_size": 2048,
    }
    await tell(h, ALICE, None, document=document)
    assert texts_to(h, ALICE)[-1] == (
        "Please send a picture as a photo (not as a file), or press Done."
    )
    await tell(h, ALICE, None, photo=photo("huge", 5 * 1024 * 1024 + 1))
    assert texts_to(h, ALICE)[-1] == "That photo is too large (at most 5 MB)."

    await tell(h, ALICE, None, photo=photo("good", 300_000))
    assert texts_to(h, ALICE)[-1] == "Photo 1 of at most 5 added. Send another, or press Done."
    await choose(h, ALICE, "Done")
    await choose(h, ALICE, "🏠 My home")
    assert screen(h, ALICE["id"])["text"].endswith("Photos: 1")
    await choose(h, ALICE, "✅ Submit")
    assert screen(h, ALICE["id"])["text"].startswith("✅ Ticket #1 filed.")
    ticket = await only_ticket(h)
    assert ticket.photos == ("good",)  # the largest size of the one accepted photo only
    assert h.request.sent("sendPhoto", REP["id"])[-1]["photo"] == "good"


async def test_a_unit_not_in_the_register_is_refused_and_asked_again(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_where(h, ALICE)
    await choose(h, ALICE, "🚪 Another unit")
    assert screen(h, ALICE["id"])["text"] == (
        "Which building? Or send the unit's number, e.g. 3-2-501."
    )
    await tell(h, ALICE, "9-999")
    assert texts_to(h, ALICE)[-1] == (
        "There is no unit 9-999 in the register. Check the number, e.g. 3-2-501."
    )
    assert await tickets(h) == []
    await tell(h, ALICE, "1-102")
    assert screen(h, ALICE["id"])["text"] == (
        "Please check and submit:\n🛗 Elevator\nWhere: 1-102 (building 1)\n"
        "“The lift stops at floor 3”\nPhotos: 0"
    )
    await choose(h, ALICE, "✅ Submit")
    assert (await only_ticket(h)).location == Location(unit="1-102", building="1")


async def test_a_map_location_and_a_public_place(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_where(h, ALICE)
    await choose(h, ALICE, "🌳 A public area")
    await tell(h, ALICE, "y" * 121)
    assert (
        texts_to(h, ALICE)[-1] == "Please describe the place more briefly (at most 120 characters)."
    )
    await tell(h, ALICE, None, location={"latitude": 31.2, "longitude": 121.5})
    assert "Where: 📍 31.20000, 121.50000" in screen(h, ALICE["id"])["text"]
    await choose(h, ALICE, "✅ Submit")
    ticket = await only_ticket(h)
    assert (ticket.location.latitude, ticket.location.longitude) == (31.2, 121.5)


# --- the private form: abandoned, restarted, cancelled ---------------------------------------


async def test_a_flow_abandoned_and_restarted_with_report_starts_cleanly(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_photos(h, ALICE, "OLD: the lift is stuck")
    await tell(h, ALICE, None, photo=photo("old-photo", 1000))
    old_done = button(screen(h, ALICE["id"]), "Done")

    await tell(h, ALICE, "/report")
    assert screen(h, ALICE["id"])["text"] == "What is broken? Choose a category."
    await h.press(private(ALICE), ALICE, FORM, old_done)  # a button of the abandoned form
    assert last_answer(h)["text"] == STALE
    assert last_answer(h)["show_alert"] is True

    await choose(h, ALICE, "💧 Water & electricity")
    await tell(h, ALICE, "NEW: the tap in the boiler room drips")
    await choose(h, ALICE, "Skip")
    await choose(h, ALICE, "🌳 A public area")
    await tell(h, ALICE, "boiler room")
    confirm = screen(h, ALICE["id"])["text"]
    assert "OLD" not in confirm and confirm.endswith("Photos: 0")
    await choose(h, ALICE, "✅ Submit")
    ticket = await only_ticket(h)
    assert ticket.category is Category.WATER_ELECTRICITY
    assert ticket.description == "NEW: the tap in the boiler room drips"
    assert ticket.photos == ()
    assert ticket.location == Location(place="boiler room")
    assert not await has_draft_marker(h, ALICE["id"])


async def test_a_restart_mid_flow_then_a_button_tells_the_user_to_start_again(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_photos(h, ALICE)
    assert await has_draft_marker(h, ALICE["id"])
    h.app.drop_user_data(ALICE["id"])  # the bot restarted: the draft in memory is gone

    await choose(h, ALICE, "Skip")
    shown = screen(h, ALICE["id"])
    assert shown["text"] == INTERRUPTED
    assert "reply_markup" not in shown
    assert await tickets(h) == []
    assert not await has_draft_marker(h, ALICE["id"])

    # told once; the next message is ordinary again, and /report starts afresh
    await tell(h, ALICE, "hello?")
    assert texts_to(h, ALICE)[-1].startswith("I work with commands and buttons.")
    await tell(h, ALICE, "/report")
    assert screen(h, ALICE["id"])["text"] == "What is broken? Choose a category."


async def test_a_restart_mid_flow_then_a_message_tells_the_user_to_start_again(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/report")
    await choose(h, ALICE, "🧹 Sanitation")
    h.app.drop_user_data(ALICE["id"])

    await tell(h, ALICE, "Rubbish piles up by gate 2")
    assert texts_to(h, ALICE)[-1] == INTERRUPTED
    assert await tickets(h) == []
    assert not await has_draft_marker(h, ALICE["id"])


async def test_cancel_with_the_command_or_the_button_saves_nothing(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/report")
    await choose(h, ALICE, "🛗 Elevator")
    await tell(h, ALICE, "/cancel")
    assert texts_to(h, ALICE)[-1] == CANCELLED
    assert not await has_draft_marker(h, ALICE["id"])
    await tell(h, ALICE, "The lift is stuck")  # no longer a description
    assert texts_to(h, ALICE)[-1].startswith("I work with commands and buttons.")
    await tell(h, ALICE, "/cancel")
    assert texts_to(h, ALICE)[-1] == "There is nothing to cancel."

    await form_at_where(h, ALICE)
    await choose(h, ALICE, "✖ Cancel")
    shown = screen(h, ALICE["id"])
    assert shown["text"] == CANCELLED
    assert "reply_markup" not in shown
    assert await tickets(h) == []
    assert not await has_draft_marker(h, ALICE["id"])


async def test_only_verified_residents_get_the_form(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    community_id = await residents(h)
    await tell(h, MALLORY, "/report")
    assert texts_to(h, MALLORY)[-1] == NOT_RESIDENT
    await tell(h, MALLORY, f"/start report-{community_id}")
    assert texts_to(h, MALLORY)[-1] == NOT_RESIDENT
    assert not await has_draft_marker(h, MALLORY["id"])
    await tell(h, ALICE, f"/start report-{community_id}")
    assert screen(h, ALICE["id"])["text"] == "What is broken? Choose a category."


async def test_a_second_tap_on_submit_does_not_say_nothing_was_saved(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await form_at_where(h, ALICE)
    await choose(h, ALICE, "🏠 My home")
    submit = button(screen(h, ALICE["id"]), "✅ Submit")
    await h.press(private(ALICE), ALICE, FORM, submit)
    await h.press(private(ALICE), ALICE, FORM, submit)  # a double tap: both queries arrive
    assert len(await tickets(h)) == 1
    assert screen(h, ALICE["id"])["text"].startswith("✅ Ticket #1 filed.")


# --- /report in the group --------------------------------------------------------------------


async def test_a_quick_report_in_the_group_and_a_refused_one(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    before = len(texts_to(h, GROUP))
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    assert texts_to(h, GROUP)[before:] == ["✅ Ticket #1 filed; staff will follow up."]
    ticket = await only_ticket(h)
    assert ticket.category is Category.OTHER
    assert ticket.description == "The stairwell light on floor 2 is out"
    assert ticket.location == Location(unit="2-101", building="2")
    assert ticket.status is TicketStatus.REPORTED

    await quick_report(h, MALLORY, "Fix my door")
    assert texts_to(h, GROUP)[-1] == NOT_RESIDENT
    assert len(await tickets(h)) == 1


async def test_report_without_text_in_the_group_offers_the_private_form(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    community_id = await residents(h)
    await h.say(GROUP, ALICE, "/report")
    sent = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert sent["text"] == "Repair reports are filled in privately. Press the button to start."
    (row,) = sent["reply_markup"]["inline_keyboard"]
    assert row[0]["url"] == f"https://t.me/community_test_bot?start=report-{community_id}"
    assert await tickets(h) == []


# --- routing ---------------------------------------------------------------------------------


async def test_without_a_staff_chat_the_card_goes_to_the_admins_and_the_buildings_reps(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await quick_report(h, ALICE, "Water drips from the ceiling of the lobby")
    assert h.request.sent("getChatAdministrators")[-1]["chat_id"] == GROUP["id"]
    cards = {
        person["first_name"]: card_in(h, person["id"], 1)
        for person in (CREATOR, REP)  # Carol is a Telegram admin of the group; Bob rep of 2
    }
    for person in (REP_ONE, ALICE, BEN, MALLORY):
        assert not any(t.startswith("🛠 Ticket #1 ·") for t in texts_to(h, person))
    assert all(p["chat_id"] != BOT["id"] for p in h.request.sent("sendMessage"))  # not the bot
    card = cards["Rep Bob"]
    assert card["text"].startswith(
        "🛠 Ticket #1 · 📝 Other\nWhere: 2-101 (building 2)\n"
        "“Water drips from the ceiling of the lobby”\nReported by Alice (2-101)"
    )
    assert list(keyboard(card)) == [
        "Acknowledge",
        "In progress",
        "Resolved",
        "Reject",
        "✉️ Note to reporter",
        "📅 Appointment",
    ]

    # one press updates every copy of the card and tells the reporter
    await h.press(private(REP), REP, FORM, button(card, "Acknowledge"))
    assert last_answer(h)["text"] == "Ticket #1: acknowledged."
    edited = {int(p["chat_id"]) for p in h.request.sent("editMessageText")}
    assert edited == {CREATOR["id"], REP["id"]}
    assert texts_to(h, ALICE)[-1] == "🛠 Your ticket #1 (📝 Other): acknowledged."


async def test_when_no_staff_can_be_reached_the_group_is_told(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    h.request.private_open.clear()
    await quick_report(h, BEN, "The bench by the pond is broken")
    assert texts_to(h, GROUP)[-2:] == [
        "✅ Ticket #1 filed; staff will follow up.",
        "🛠 New repair ticket #1 in Sunny Garden. Staff: please set a staff chat (/staffchat) "
        "or open a private chat with me to receive tickets.",
    ]


# --- staff buttons and the reject reason -----------------------------------------------------

STAFF_LABELS = (
    "Acknowledge",
    "In progress",
    "Resolved",
    "Reject",
    "✉️ Note to reporter",
    "📅 Appointment",
)


async def reject_with_typed_reason(
    h: HandlerHarness, chat: dict[str, Any], person: dict[str, Any], card: dict[str, Any]
) -> None:
    """Reject shows the reasons in place of the card's buttons; "Other" asks to type one."""
    await h.press(chat, person, FORM, button(card, "Reject"))
    await h.press(chat, person, FORM, button(screen(h, int(chat["id"])), "Other (type it)"))


async def test_staff_buttons_pressed_by_a_resident_or_another_buildings_rep_are_refused(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    await quick_report(h, ALICE, "The entrance door of building 2 does not lock")
    card = card_in(h, STAFF_GROUP["id"], 1)
    told_alice = len(texts_to(h, ALICE))
    for person in (BEN, REP_ONE):
        for label in STAFF_LABELS:
            await h.press(STAFF_GROUP, person, FORM, button(card, label))
            assert last_answer(h)["text"] == NOT_STAFF, (person["first_name"], label)
            assert last_answer(h)["show_alert"] is True
    assert h.request.sent("editMessageText") == []
    assert not any(t.startswith("Reason for rejecting") for t in texts_to(h, STAFF_GROUP))
    assert len(texts_to(h, ALICE)) == told_alice
    ticket = await only_ticket(h)
    assert ticket.status is TicketStatus.REPORTED and ticket.acknowledged_at is None

    await h.press(STAFF_GROUP, REP, FORM, button(card, "In progress"))
    assert last_answer(h)["text"] == "Ticket #1: in progress."
    assert "Status: in progress" in h.request.sent("editMessageText", STAFF_GROUP["id"])[-1]["text"]


async def test_reject_asks_for_a_reason_and_only_the_presser_can_give_it(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await set_staff_chat(h)
    await quick_report(h, ALICE, "The bike shed roof leaks")
    ticket = await only_ticket(h)
    card = card_in(h, STAFF_GROUP["id"], 1)

    await reject_with_typed_reason(h, STAFF_GROUP, REP, card)
    assert last_answer(h)["text"] == "Reply to my message with the reason."
    prompt = h.request.sent("sendMessage", STAFF_GROUP["id"])[-1]
    assert prompt["text"] == "Reason for rejecting ticket #1? Reply to this message."
    assert prompt["reply_markup"]["force_reply"] is True
    prompt_id = api.message_id(STAFF_GROUP["id"], "Reason for rejecting ticket #1")

    # someone else's reply (even an admin's) does nothing at all
    calls = len(h.request.calls)
    await h.say(
        STAFF_GROUP, CREATOR, "Just reject it", reply_to_message=reply_to(STAFF_GROUP, prompt_id)
    )
    assert len(h.request.calls) == calls
    assert (await only_ticket(h)).status is TicketStatus.REPORTED

    # the presser's empty or overlong reason is refused; the prompt still waits
    reply = reply_to(STAFF_GROUP, prompt_id)
    await h.say(STAFF_GROUP, REP, "   ", reply_to_message=reply)
    assert texts_to(h, STAFF_GROUP)[-1] == "Please give a reason for rejecting."
    await h.say(STAFF_GROUP, REP, "z" * 501, reply_to_message=reply)
    assert texts_to(h, STAFF_GROUP)[-1] == "The reason is too long (at most 500 characters)."
    assert (await only_ticket(h)).status is TicketStatus.REPORTED

    reason = "The bike shed belongs to the developer"
    await h.say(STAFF_GROUP, REP, reason, reply_to_message=reply)
    assert texts_to(h, STAFF_GROUP)[-1] == "Ticket #1: rejected."
    assert texts_to(h, ALICE)[-1] == f"🛠 Your ticket #1 (📝 Other): rejected. Note: {reason}"
    redrawn = h.request.sent("editMessageText", STAFF_GROUP["id"])[-1]
    assert "Status: rejected" in redrawn["text"]
    assert f"rejected — Rep Bob: {reason}" in redrawn["text"]
    assert "reply_markup" not in redrawn
    rejected = await only_ticket(h)
    assert rejected.status is TicketStatus.REJECTED

    # the prompt is used up: a second reply does nothing
    calls = len(h.request.calls)
    await h.say(STAFF_GROUP, REP, "And another thing", reply_to_message=reply)
    assert len(h.request.calls) == calls

    # a forged "Resolved" on the rejected ticket
    await h.press(STAFF_GROUP, REP, FORM, f"v1:rs:{ticket.id}:r")
    assert last_answer(h)["text"] == "This ticket cannot be resolved now (it is rejected)."
    assert last_answer(h)["show_alert"] is True
    after = await only_ticket(h)
    assert after.status is TicketStatus.REJECTED and after.resolved_at is None


async def test_reject_from_a_private_card_takes_the_reason_in_the_private_chat(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await quick_report(h, BEN, "Graffiti on the wall of building 1")
    card = card_in(h, REP_ONE["id"], 1)
    await reject_with_typed_reason(h, private(REP_ONE), REP_ONE, card)
    prompt_id = api.message_id(REP_ONE["id"], "Reason for rejecting ticket #1")
    await tell(
        h, REP_ONE, "Already painted over", reply_to_message=reply_to(private(REP_ONE), prompt_id)
    )
    assert texts_to(h, REP_ONE)[-1] == "Ticket #1: rejected."
    assert texts_to(h, BEN)[-1] == (
        "🛠 Your ticket #1 (📝 Other): rejected. Note: Already painted over"
    )


async def test_reject_on_a_ticket_that_cannot_be_rejected_is_refused_at_once(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await quick_report(h, BEN, "Graffiti on the wall of building 1")
    ticket = await only_ticket(h)
    card = card_in(h, REP_ONE["id"], 1)
    await reject_with_typed_reason(h, private(REP_ONE), REP_ONE, card)
    prompt_id = api.message_id(REP_ONE["id"], "Reason for rejecting ticket #1")
    await tell(h, REP_ONE, "Not ours", reply_to_message=reply_to(private(REP_ONE), prompt_id))
    assert (await only_ticket(h)).status is TicketStatus.REJECTED

    prompts = len([t for t in texts_to(h, REP_ONE) if t.startswith("Reason for rejecting")])
    await h.press(private(REP_ONE), REP_ONE, FORM, f"v1:rs:{ticket.id}:x")
    assert last_answer(h)["text"].startswith("This ticket cannot be rejected now")
    assert len([t for t in texts_to(h, REP_ONE) if t.startswith("Reason for rejecting")]) == (
        prompts
    )


# --- the reporter's rating -------------------------------------------------------------------


async def resolved_ticket_of_ben(h: HandlerHarness) -> Ticket:
    """Ben's quick report, resolved by Carol from her private card; Ben is asked to rate it."""
    await quick_report(h, BEN, "The bench by the pond is broken")
    card = card_in(h, CREATOR["id"], 1)
    await h.press(private(CREATOR), CREATOR, FORM, button(card, "Resolved"))
    assert last_answer(h)["text"] == "Ticket #1: resolved, waiting for the reporter."
    assert texts_to(h, BEN)[-1].startswith("🛠 Ticket #1 (📝 Other) is marked resolved.")
    return await only_ticket(h)


async def test_rating_someone_elses_ticket_or_twice_is_refused(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    ticket = await resolved_ticket_of_ben(h)
    ask = h.request.sent("sendMessage", BEN["id"])[-1]
    assert list(keyboard(ask)) == ["✅ Yes, it is fixed", "❌ Not fixed"]

    for other in (ALICE, MALLORY, CREATOR):
        for answer in ("y", "s5", "5", "n"):
            await h.press(private(other), other, FORM, f"v1:rf:{ticket.id}:{answer}")
            assert last_answer(h)["text"] == NOT_REPORTER
            assert last_answer(h)["show_alert"] is True
    still = await only_ticket(h)
    assert still.status is TicketStatus.RESOLVED and still.rating is None

    await h.press(private(BEN), BEN, FORM, button(ask, "✅ Yes"))
    stars = screen(h, BEN["id"])
    assert stars["text"] == "Glad it is fixed! How was the work on ticket #1? Choose 1 to 5 stars."
    assert list(keyboard(stars)) == ["⭐", "⭐⭐", "⭐⭐⭐", "⭐⭐⭐⭐", "⭐⭐⭐⭐⭐", "◀ Back"]
    assert (await only_ticket(h)).status is TicketStatus.RESOLVED  # a question, not a change
    await h.press(private(BEN), BEN, FORM, button(stars, "⭐⭐⭐⭐"))
    assert last_answer(h)["text"] == "Thank you! Ticket #1 is closed with 4 ⭐."
    edits = len(h.request.sent("editMessageText"))
    await h.press(private(BEN), BEN, FORM, f"v1:rf:{ticket.id}:1")
    assert last_answer(h)["text"].startswith("This ticket cannot be confirmed now")
    assert last_answer(h)["show_alert"] is True
    await h.press(private(BEN), BEN, FORM, f"v1:rf:{ticket.id}:n")
    assert last_answer(h)["text"].startswith("This ticket cannot be reopened now")
    assert len(h.request.sent("editMessageText")) == edits
    closed = await only_ticket(h)
    assert closed.status is TicketStatus.CLOSED and closed.rating == 4

    for forged in (
        f"v1:rf:{ticket.id}:6",
        f"v1:rf:{ticket.id}:0",
        f"v1:rf:{ticket.id}:s6",
        f"v1:rf:{ticket.id}:s0",
        "v1:rf:99999:s5",
    ):
        await h.press(private(BEN), BEN, FORM, forged)
        assert last_answer(h)["text"] in {STALE, "This ticket does not exist in this community."}
    assert (await only_ticket(h)).rating == 4


async def test_a_refused_transition_names_the_status_in_the_users_language(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    ticket = await resolved_ticket_of_ben(h)
    await h.press(private(BEN), BEN, FORM, f"v1:rf:{ticket.id}:s5")
    ben_in_chinese = user(BEN["id"], "Ben", "zh")
    await h.press(private(BEN), ben_in_chinese, FORM, f"v1:rf:{ticket.id}:s5")
    assert last_answer(h)["text"] == "该报修单现在不能确认（当前：已修好并评价）。"

    await quick_report(h, ALICE, "The lobby light flickers")
    card = card_in(h, REP["id"], 2)
    await h.press(private(REP), REP, FORM, button(card, "In progress"))
    await h.press(private(REP), REP, FORM, button(card, "Acknowledge"))  # a stale button
    assert last_answer(h)["text"] == "This ticket cannot be acknowledged now (it is in progress)."


# --- lists, a ticket's history, the export ---------------------------------------------------


async def three_tickets(h: HandlerHarness) -> None:
    """#1 Alice (building 2, now), #2 Dan (building 2, 5 h ago), #3 Ben (building 1, now);
    Rep Bob acknowledges #1."""
    services = h.app.bot_data["services"]
    await quick_report(h, ALICE, "The lobby light flickers")
    services.now = lambda: NOW - timedelta(hours=5)
    try:
        await quick_report(h, DAN, "The intercom of building 2 is dead")
    finally:
        services.now = lambda: NOW
    await quick_report(h, BEN, "The bench by the pond is broken")
    await h.press(private(REP), REP, FORM, button(card_in(h, REP["id"], 1), "Acknowledge"))


async def test_reports_lists_the_reps_buildings_oldest_first_and_a_residents_own(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await three_tickets(h)
    await h.say(GROUP, REP, "/reports")
    assert texts_to(h, GROUP)[-1] == SENT_PRIVATELY  # units stay out of the group
    assert texts_to(h, REP)[-1] == (
        "Open tickets of Sunny Garden, oldest first:\n"
        "#2 📝 Other · 2-102 (building 2) · reported · 5 h old\n"
        "#1 📝 Other · 2-101 (building 2) · acknowledged · 0 h old"
    )
    await h.say(GROUP, CREATOR, "/reports")
    assert [line.split(" ", 1)[0] for line in texts_to(h, CREATOR)[-1].splitlines()[1:]] == [
        "#2",
        "#1",
        "#3",
    ]
    await tell(h, ALICE, "/reports")
    assert texts_to(h, ALICE)[-1] == (
        "Your tickets in Sunny Garden:\n#1 📝 Other · 2-101 (building 2) · acknowledged · 0 h old"
    )
    await tell(h, MALLORY, "/reports")
    assert texts_to(h, MALLORY)[-1] == (
        "Send this in your community group, or pick the community with /report."
    )
    await h.say(GROUP, MALLORY, "/reports")
    assert texts_to(h, GROUP)[-1] == SENT_PRIVATELY
    assert texts_to(h, MALLORY)[-1] == "No tickets here."
    h.request.private_open.discard(MALLORY["id"])  # never started the bot: the deep link
    await h.say(GROUP, MALLORY, "/reports")
    assert texts_to(h, GROUP)[-1].startswith("I cannot write to you privately yet.")
    link = h.request.sent("sendMessage", GROUP["id"])[-1]["reply_markup"]["inline_keyboard"]
    assert link[0][0]["url"] == "https://t.me/community_test_bot"


async def test_ticket_shows_the_history_and_bad_arguments_get_usage(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await three_tickets(h)
    await tell(h, ALICE, "/ticket 1")
    text = texts_to(h, ALICE)[-1]
    assert text.startswith("🛠 Ticket #1 · 📝 Other\nWhere: 2-101 (building 2)")
    assert "Status: acknowledged" in text
    history = text.split("History:\n", 1)[1].splitlines()
    assert len(history) == 2
    assert history[0].startswith("· ") and history[0].endswith(" reported — Alice")
    assert history[1].endswith(" acknowledged — Rep Bob")

    # the rep of building 2 does not see building 1's ticket; its rep and the admin do
    await h.say(GROUP, REP, "/ticket #3")
    assert texts_to(h, GROUP)[-1] == NOT_YOURS
    await h.say(GROUP, REP_ONE, "/ticket #3")
    assert texts_to(h, GROUP)[-1] == SENT_PRIVATELY
    assert texts_to(h, REP_ONE)[-1].startswith("🛠 Ticket #3 · 📝 Other\nWhere: 1-101 (building 1)")
    await h.say(GROUP, CREATOR, "/ticket 3")
    assert texts_to(h, CREATOR)[-1].startswith("🛠 Ticket #3 · 📝 Other")
    await tell(h, ALICE, "/ticket 3")
    assert texts_to(h, ALICE)[-1] == NOT_YOURS
    await tell(h, ALICE, "/ticket 99")
    assert texts_to(h, ALICE)[-1] == "There is no ticket #99 here."
    for bad in ("/ticket one", "/ticket 1 2", "/ticket -1", "/ticket 1234567890"):
        await tell(h, ALICE, bad)
        assert texts_to(h, ALICE)[-1] == "Usage: /ticket <number>, e.g. /ticket 3", bad


async def test_export_reports_is_for_admins_and_is_a_csv(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await three_tickets(h)
    await h.say(GROUP, ALICE, "/export reports")
    assert texts_to(h, GROUP)[-1].startswith("Only an administrator")
    await h.say(GROUP, REP, "/export reports")
    assert texts_to(h, GROUP)[-1].startswith("Only an administrator")
    assert h.request.sent("sendDocument") == []

    await h.say(GROUP, CREATOR, "/export reports")
    assert texts_to(h, GROUP)[-1] == "I have sent the tickets to you in a private chat."
    (document,) = h.request.sent("sendDocument", CREATOR["id"])
    assert document["caption"] == "Repair tickets of Sunny Garden: 3."
    data = api.uploads[f"reports-{await community_id_of(h)}.csv"]
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, for spreadsheets
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    # NOW is 09:30 UTC: 17:30 in the community's zone, Asia/Shanghai; 5 hours earlier 12:30
    now, earlier = "22 Nov 2026 17:30", "22 Nov 2026 12:30"
    assert [tuple(r.values()) for r in rows] == [
        ("2", "📝 Other", "2", "2-102", "", "reported", earlier, "", "", "", "1"),
        ("1", "📝 Other", "2", "2-101", "", "acknowledged", now, now, "", "", "1"),
        ("3", "📝 Other", "1", "1-101", "", "reported", now, "", "", "", "1"),
    ]

    h.request.private_open.discard(CREATOR["id"])
    await h.say(GROUP, CREATOR, "/export reports")
    assert texts_to(h, GROUP)[-1].startswith("I cannot write to you privately yet.")
    assert len(h.request.sent("sendDocument")) == 2  # the refused attempt, not a new file


async def test_export_reports_in_chinese_reads_without_a_legend(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    """Before, the headers and values were English codes and UTC (`other`, `reported`,
    `2026-11-22T09:30:00+00:00`), whatever the community's language."""
    h = harness
    await residents(h)
    await three_tickets(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, "zh", is_admin=True)
    await h.say(GROUP, CREATOR, "/export reports")
    data = api.uploads[f"reports-{await community_id_of(h)}.csv"]
    header, first, second, _third = data.decode("utf-8-sig").splitlines()
    assert header == (
        "报修单号,类别,楼栋,房号,地点,状态,报修时间,受理时间,修好时间,评分,受影响户数"
    )
    assert first == "2,📝 其他,2,2-102,,已上报,2026年11月22日 12:30,,,,1"
    assert second == ("1,📝 其他,2,2-101,,已受理,2026年11月22日 17:30,2026年11月22日 17:30,,,1")


async def test_export_reports_refusal_is_about_the_export(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, ALICE, "/export reports")
    refusal = texts_to(h, GROUP)[-1]
    assert refusal.startswith("Only an administrator")
    assert "unit register" not in refusal


async def community_id_of(h: HandlerHarness) -> int:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
    assert community is not None
    return community.id
