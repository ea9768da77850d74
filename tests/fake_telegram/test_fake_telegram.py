"""The fake Bot API behaves like Telegram, as seen by python-telegram-bot and raw HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from . import FakeChat, FakeTelegram, FakeUser, FloodLimits

TOKEN = "123456:TEST-TOKEN"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") + (32).to_bytes(4, "big")
CSV = b"unit,floor\n3-2-501,5\n3-2-502,5\n"


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


@dataclass
class People:
    alice: FakeUser
    bob: FakeUser
    carol: FakeUser
    group: FakeChat


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB warns about int time periods (e.g. RetryAfter) unless opted in; warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN, limits=FloodLimits.unlimited()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


@pytest.fixture
def people(fake: FakeTelegram) -> People:
    """Alice (creator), Bob and Carol in "Sunny Garden"; the bot is a plain member."""
    alice = fake.add_user("Alice", language_code="en")
    bob = fake.add_user("Bob", language_code="de")
    carol = fake.add_user("Carol")
    group = fake.create_group("Sunny Garden", creator=alice, members=[bob, carol])
    fake.add_bot_to_group(group, by=alice)
    return People(alice, bob, carol, group)


async def drain(bot: Bot) -> list[Update]:
    """Fetch and confirm everything pending."""
    updates = list(await bot.get_updates())
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


def api(fake: FakeTelegram, method: str, **params: object) -> httpx.Response:
    """A raw form-encoded Bot API call."""
    return httpx.post(f"{fake.base_url}{TOKEN}/{method}", data=params)


# --- basics -------------------------------------------------------------------------------------


async def test_get_me_returns_the_bot_user(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "community_test_bot", True)
    assert fake.bot_user.username == "community_test_bot"
    assert me.can_read_all_group_messages is False


async def test_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=fake.base_url):
            pass
    wrong = httpx.post(f"{fake.base_url}999:WRONG/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    unknown = httpx.post(f"{fake.base_url}{TOKEN}/sendTelepathy")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert httpx.get(f"{fake.base_url}{TOKEN}/GETME").json()["result"]["id"] == 123456


async def test_webhook_housekeeping_and_drop_pending(bot: Bot, people: People) -> None:
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 2)  # my_chat_member + service message
    assert await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    assert await bot.close()
    assert await bot.log_out()


# --- getUpdates ---------------------------------------------------------------------------------


async def test_updates_stay_queued_until_an_offset_confirms_them(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    await drain(bot)
    first = fake.open_private_chat(people.alice)
    second = fake.send_message(people.alice, people.alice, "hello")
    updates = await bot.get_updates()
    assert [u.message.message_id for u in updates if u.message] == [first, second]
    assert updates[0].update_id < updates[1].update_id
    again = await bot.get_updates()  # not confirmed: delivered again
    assert [u.update_id for u in again] == [u.update_id for u in updates]
    rest = await bot.get_updates(offset=updates[0].update_id + 1)
    assert [u.update_id for u in rest] == [updates[1].update_id]
    assert fake.pending_update_count() == 1
    assert await bot.get_updates(offset=updates[1].update_id + 1) == ()
    assert fake.pending_update_count() == 0


async def test_limit_and_negative_offset(bot: Bot, fake: FakeTelegram, people: People) -> None:
    await drain(bot)
    fake.open_private_chat(people.bob)
    for text in ("a", "b", "c"):
        fake.send_message(people.bob, people.bob, text)
    assert len(await bot.get_updates(limit=2)) == 2
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last if u.message] == ["c"]
    assert fake.pending_update_count() == 1


async def test_long_poll_wakes_up_on_a_new_update(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    await drain(bot)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    fake.send_message(people.group, people.bob, "/help")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["/help"]
    assert time.monotonic() - started < 2


def test_long_poll_returns_an_empty_list_at_the_timeout(fake: FakeTelegram) -> None:
    started = time.monotonic()
    answer = api(fake, "getUpdates", timeout="0.3")
    assert answer.json() == {"ok": True, "result": []}
    assert 0.3 <= time.monotonic() - started < 2


async def test_allowed_updates_filters_and_persists(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [bool(u.message) for u in updates] == [True]  # my_chat_member dropped
    await drain(bot)
    fake.make_admin(people.group, fake.bot_user)  # my_chat_member: still filtered out
    fake.send_message(people.group, people.bob, "/status")
    assert [u.message.text for u in await drain(bot) if u.message] == ["/status"]
    fake.add_member(people.group, fake.add_user("Dave"))  # chat_member + service message
    updates = await bot.get_updates(allowed_updates=["chat_member", "message"])
    assert [u.chat_member is not None for u in updates] == [True, False]
    assert updates[1].message and updates[1].message.new_chat_members[0].first_name == "Dave"
    await drain(bot)
    fake.remove_member(people.group, people.carol)
    updates = await bot.get_updates(allowed_updates=[])  # back to the default set
    left = [u.message.left_chat_member for u in updates if u.message]
    assert [user.first_name for user in left if user] == ["Carol"]
    assert all(u.chat_member is None for u in updates)


async def test_a_second_get_updates_terminates_the_first_with_409(fake: FakeTelegram) -> None:
    async with (
        Bot(TOKEN, base_url=fake.base_url) as first,
        Bot(TOKEN, base_url=fake.base_url) as second,
    ):
        poll = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(poll, 2)
    assert fake.stats.conflicts == 1


def test_stop_answers_pending_long_polls() -> None:
    server = FakeTelegram(TOKEN).start()
    answers: list[httpx.Response] = []
    poller = threading.Thread(target=lambda: answers.append(api(server, "getUpdates", timeout=30)))
    poller.start()
    server.wait_for(lambda: server.stats.get_updates == 1, 2)
    started = time.monotonic()
    server.stop()
    poller.join(5)
    assert time.monotonic() - started < 3
    assert answers and answers[0].json() == {"ok": True, "result": []}
    server.stop()  # idempotent


# --- privacy mode and membership ------------------------------------------------------------------


async def test_privacy_mode_in_groups(bot: Bot, fake: FakeTelegram, people: People) -> None:
    await drain(bot)
    group, alice, bob = people.group, people.alice, people.bob
    hello = fake.send_message(group, alice, "hello neighbours")
    fake.send_message(group, bob, "/join 3-2-501")
    fake.send_message(group, bob, "/join@community_test_bot 3-2-502")
    fake.send_message(group, bob, "/join@other_bot 1")
    fake.send_message(group, bob, "see /help")
    fake.send_message(group, carol := people.carol, "/report broken lamp", reply_to=hello)
    updates = await drain(bot)
    texts = [u.message.text for u in updates if u.message]
    assert texts == ["/join 3-2-501", "/join@community_test_bot 3-2-502", "/report broken lamp"]
    join = updates[0].message
    assert join is not None and join.from_user and join.from_user.id == bob.id
    assert join.parse_entities() == {join.entities[0]: "/join"}
    assert join.entities[0].type == "bot_command"
    report = updates[2].message
    assert report and report.reply_to_message and report.reply_to_message.text == "hello neighbours"
    assert report.from_user and report.from_user.id == carol.id

    sent = await bot.send_message(group.id, "Who wants to help?")
    fake.send_message(group, alice, "me!", reply_to=sent.message_id)
    fake.send_document(group, alice, "notes.txt", b"x", caption="/units")
    updates = await drain(bot)
    assert [(u.message.text, u.message.caption) for u in updates if u.message] == [
        ("me!", None),
        (None, "/units"),
    ]
    assert updates[1].message and updates[1].message.caption_entities[0].type == "bot_command"


async def test_admin_bots_and_disabled_privacy_see_everything(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    fake.make_admin(people.group, fake.bot_user)
    await drain(bot)
    fake.send_message(people.group, people.bob, "just chatting")
    assert [u.message.text for u in await drain(bot) if u.message] == ["just chatting"]

    with FakeTelegram(TOKEN, privacy_mode=False) as open_fake:
        alice = open_fake.add_user("Alice")
        group = open_fake.create_group("G", creator=alice)
        open_fake.add_bot_to_group(group, by=alice)
        open_fake.send_message(group, alice, "chatter")
        async with Bot(TOKEN, base_url=open_fake.base_url) as other:
            assert (await other.get_me()).can_read_all_group_messages is True
            texts = [u.message.text for u in await other.get_updates() if u.message]
    assert texts[-1] == "chatter"


async def test_group_without_the_bot_delivers_nothing(bot: Bot, fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    group = fake.create_group("Quiet", creator=alice)
    fake.send_message(group, alice, "/start")
    assert await bot.get_updates() == ()
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.send_message(group.id, "hi")
    fake.add_bot_to_group(group, by=alice, as_admin=True)
    fake.remove_bot_from_group(group, by=alice)
    updates = await bot.get_updates()
    statuses = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert statuses == [("left", "administrator"), ("administrator", "kicked")]
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(group.id, "hi")
    with pytest.raises(ValueError, match="not a member"):
        fake.send_message(group, fake.add_user("Eve"), "hi")


async def test_adding_the_bot_queues_my_chat_member(bot: Bot, fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    group = fake.create_group("Sunny Garden", creator=alice)
    fake.add_bot_to_group(group, by=alice, as_admin=True)
    member_update, service = await bot.get_updates()
    change = member_update.my_chat_member
    assert change is not None
    assert change.chat.id == group.id and change.chat.type == "supergroup"
    assert change.from_user.id == alice.id
    assert change.old_chat_member.status == "left"
    assert change.new_chat_member.status == "administrator"
    assert change.new_chat_member.user.id == fake.bot_user.id
    assert service.message and service.message.new_chat_members[0].id == fake.bot_user.id
    assert group.id < 0


async def test_private_chat_is_forbidden_until_the_user_presses_start(
    bot: Bot, fake: FakeTelegram
) -> None:
    alice = fake.add_user("Alice", language_code="uk")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(alice.id, "hi")
    assert fake.stats.forbidden == 1
    fake.open_private_chat(alice, start_payload="invite-42")
    (update,) = await drain(bot)
    start = update.message
    assert start is not None and start.text == "/start invite-42"
    assert start.chat.type == "private" and start.chat.id == alice.id
    assert start.from_user and start.from_user.language_code == "uk"
    assert (start.entities[0].offset, start.entities[0].length) == (0, 6)
    await bot.send_message(alice.id, "Welcome!")
    fake.block_bot(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "still there?")
    (blocked,) = await drain(bot)
    assert blocked.my_chat_member and blocked.my_chat_member.new_chat_member.status == "kicked"
    fake.open_private_chat(alice)  # restarting unblocks
    unblocked, restart = await drain(bot)
    assert unblocked.my_chat_member and unblocked.my_chat_member.new_chat_member.status == "member"
    assert restart.message and restart.message.text == "/start"
    await bot.send_message(alice.id, "Welcome back!")


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100123, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(42)


async def test_user_edits_queue_edited_message(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    await drain(bot)
    msg_id = fake.send_message(people.group, people.bob, "/join 1")
    fake.edit_message(people.group, people.bob, msg_id, "/join 2")
    updates = await drain(bot)
    assert updates[1].edited_message and updates[1].edited_message.text == "/join 2"
    assert updates[1].edited_message.message_id == msg_id


# --- sending and editing ------------------------------------------------------------------------


async def test_send_message_fields_are_stored(bot: Bot, fake: FakeTelegram, people: People) -> None:
    sent = await bot.send_message(
        people.group.id,
        "<b>Vote</b> now",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Yes", callback_data="v1:yes")],
                [InlineKeyboardButton("Rules", url="https://example.org/rules")],
            ]
        ),
        disable_web_page_preview=True,
    )
    assert sent.text == "Vote now"  # Telegram returns the visible text
    assert sent.reply_markup and sent.reply_markup.inline_keyboard[0][0].callback_data == "v1:yes"
    (stored,) = fake.bot_messages(people.group)
    assert stored.message_id == sent.message_id
    assert (stored.text, stored.parse_mode) == ("<b>Vote</b> now", "HTML")
    assert stored.reply_markup == [[("Yes", "v1:yes")], [("Rules", "https://example.org/rules")]]
    assert stored.button("Ye").data == "v1:yes"
    assert stored.link_preview_options == {"is_disabled": True}


async def test_send_message_validation(bot: Bot, fake: FakeTelegram, people: People) -> None:
    chat = people.group.id
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(chat, "")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(chat, "x" * 4097)
    await bot.send_message(chat, "x" * 4096)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(chat, "hi", reply_markup=keyboard(("Too long", "ä" * 33)))
    await bot.send_message(chat, "hi", reply_markup=keyboard(("Fits", "ä" * 32)))
    with pytest.raises(BadRequest, match='(?i)can\'t parse entities: unsupported start tag "br"'):
        await bot.send_message(chat, "a<br>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)character '.' is reserved"):
        await bot.send_message(chat, "Done.", parse_mode="MarkdownV2")
    await bot.send_message(chat, "Done\\.", parse_mode="MarkdownV2")
    assert len(fake.bot_messages(chat)) == 3


async def test_edits_and_not_modified(bot: Bot, fake: FakeTelegram, people: People) -> None:
    chat = people.group.id
    markup = keyboard(("Approve", "ok"), ("Reject", "no"))
    sent = await bot.send_message(chat, "Topic 12: open", reply_markup=markup)
    mid = sent.message_id
    await bot.edit_message_text("Topic 12: voting", chat, mid, reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message is not modified: specified new message"):
        await bot.edit_message_text("Topic 12: voting", chat, mid, reply_markup=markup)
    assert fake.stats.not_modified == 1
    (stored,) = fake.bot_messages(chat)
    assert (stored.text, stored.edit_count, len(stored.buttons)) == ("Topic 12: voting", 1, 2)

    await bot.edit_message_text("Topic 12: closed", chat, mid)  # no markup: keyboard removed
    assert fake.bot_messages(chat)[0].reply_markup == []
    await bot.edit_message_reply_markup(chat, mid, reply_markup=keyboard(("Reopen", "re")))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat, mid, reply_markup=keyboard(("Reopen", "re")))
    assert fake.bot_messages(chat)[0].edit_count == 3

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat, 999_999)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.edit_message_text("x" * 4097, chat, mid)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.edit_message_text("", chat, mid)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.edit_message_reply_markup(chat, mid, reply_markup=keyboard(("x", "y" * 65)))
    user_msg = fake.send_message(people.group, people.bob, "/mine")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("hacked", chat, user_msg)


async def test_caption_edits(bot: Bot, fake: FakeTelegram, people: People) -> None:
    sent = await bot.send_document(people.group.id, CSV, filename="u.csv", caption="v1")
    await bot.edit_message_caption(people.group.id, sent.message_id, caption="v2")
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_caption(people.group.id, sent.message_id, caption="v2")
    assert fake.bot_messages(people.group)[0].caption == "v2"
    text = await bot.send_message(people.group.id, "plain")
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(people.group.id, text.message_id, caption="c")


async def test_replies_both_ways(bot: Bot, fake: FakeTelegram, people: People) -> None:
    await drain(bot)
    question = fake.send_message(people.group, people.bob, "/ask where is the key?")
    answer = await bot.send_document(
        people.group.id,
        CSV,
        filename="keys.csv",
        reply_parameters=ReplyParameters(question),
    )
    assert answer.reply_to_message and answer.reply_to_message.message_id == question
    assert fake.bot_messages(people.group)[0].reply_to_message_id == question
    fake.send_message(people.group, people.bob, "thanks", reply_to=answer.message_id)
    (_, thanks) = await drain(bot)
    original = thanks.message and thanks.message.reply_to_message
    assert original and original.document and original.document.file_name == "keys.csv"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(people.group.id, "x", reply_parameters=ReplyParameters(999_999))
    await bot.send_message(
        people.group.id,
        "x",
        reply_parameters=ReplyParameters(999_999, allow_sending_without_reply=True),
    )


async def test_delete_message(bot: Bot, fake: FakeTelegram, people: People) -> None:
    sent = await bot.send_message(people.group.id, "oops")
    assert await bot.delete_message(people.group.id, sent.message_id)
    assert fake.bot_messages(people.group) == []
    assert fake.bot_messages(people.group, include_deleted=True)[0].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(people.group.id, sent.message_id)
    theirs = fake.send_message(people.group, people.bob, "spam")
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(people.group.id, theirs)
    fake.make_admin(people.group, fake.bot_user)
    assert await bot.delete_message(people.group.id, theirs)


async def test_send_chat_action(bot: Bot, people: People) -> None:
    assert await bot.send_chat_action(people.group.id, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(people.group.id, "dancing")


# --- flood limits -------------------------------------------------------------------------------


async def test_private_flood_limit_answers_429(bot: Bot, fake: FakeTelegram) -> None:
    fake.limits = FloodLimits(private_burst=2, private_window=0.5)
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    await bot.send_message(alice.id, "1")
    await bot.send_message(alice.id, "2")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(alice.id, "3")
    assert info.value.retry_after == dtm.timedelta(seconds=1)
    assert [m.text for m in fake.bot_messages(alice)] == ["1", "2"]  # not executed
    assert fake.stats.too_many_requests == 1
    await asyncio.sleep(0.55)
    await bot.send_message(alice.id, "3")
    await bot.send_message(alice.id, "4")

    raw = api(fake, "sendMessage", chat_id=alice.id, text="5")
    assert raw.status_code == 429
    assert raw.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_group_limit_counts_sends_and_edits(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=3, group_window=0.5)
    chat = people.group.id
    sent = await bot.send_message(chat, "a", reply_markup=keyboard(("x", "x")))
    await bot.edit_message_text("b", chat, sent.message_id)
    await bot.send_message(chat, "c")
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("d", chat, sent.message_id)
    assert fake.bot_messages(chat)[0].text == "b"
    fake.press_button(people.group, sent.message_id, people.bob, "x", forge=True)
    update = (await bot.get_updates())[-1]
    assert update.callback_query is not None
    assert await update.callback_query.answer("not limited")  # answers and getters are free
    assert (await bot.get_chat(chat)).title == "Sunny Garden"
    await asyncio.sleep(0.55)
    await bot.edit_message_text("d", chat, sent.message_id)


async def test_overall_limit_spans_chats(bot: Bot, fake: FakeTelegram) -> None:
    fake.limits = FloodLimits(overall_per_second=2, overall_window=0.4)
    users = [fake.add_user(name) for name in ("A", "B", "C")]
    for user in users:
        fake.open_private_chat(user)
    await bot.send_message(users[0].id, "1")
    await bot.send_message(users[1].id, "2")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[2].id, "3")
    await asyncio.sleep(0.45)
    await bot.send_message(users[2].id, "3")


# --- callback queries ---------------------------------------------------------------------------


async def test_callback_query_can_be_answered_once(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    fake.open_private_chat(people.alice)
    await drain(bot)
    sent = await bot.send_message(
        people.alice.id, "Approve Bob?", reply_markup=keyboard(("Approve", "v1:ja:12:ok"))
    )
    cq_id = fake.press_button(people.alice, sent.message_id, people.alice, "v1:ja:12:ok")
    (update,) = await drain(bot)
    query = update.callback_query
    assert query is not None and query.id == cq_id
    assert query.data == "v1:ja:12:ok" and query.from_user.id == people.alice.id
    assert isinstance(query.message, Message) and query.message.message_id == sent.message_id
    assert query.message.text == "Approve Bob?" and query.chat_instance
    assert fake.callback_answer(cq_id) is None
    await query.answer("Approved", show_alert=True)
    answer = fake.wait_for_callback_answer(cq_id, timeout=1)
    assert (answer.text, answer.show_alert) == ("Approved", True)
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
        await query.answer("again")


async def test_press_button_checks_the_keyboard(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    sent = await bot.send_message(
        people.group.id,
        "Vote",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Approve", callback_data="ok")],
                [InlineKeyboardButton("Approve all", callback_data="all")],
                [InlineKeyboardButton("Rules", url="https://example.org")],
            ]
        ),
    )
    mid = sent.message_id
    with pytest.raises(ValueError, match="no button with data 'nope'"):
        fake.press_button(people.group, mid, people.bob, "nope")
    forged = fake.press_button(people.group, mid, people.bob, "nope", forge=True)
    exact = fake.press_button_by_text(people.group, mid, people.bob, "Approve")
    partial = fake.press_button_by_text(
        people.group, fake.bot_messages(people.group)[0], people.bob, "all"
    )
    with pytest.raises(ValueError, match="0 buttons match 'Rules'"):
        fake.press_button_by_text(people.group, mid, people.bob, "Rules")
    user_msg = fake.send_message(people.group, people.bob, "/x")
    with pytest.raises(ValueError, match="no bot message"):
        fake.press_button(people.group, user_msg, people.bob, "ok", forge=True)
    data = {
        u.callback_query.id: u.callback_query.data for u in await drain(bot) if u.callback_query
    }
    assert data == {forged: "nope", exact: "ok", partial: "all"}


async def test_callback_queries_expire_after_the_timeout(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    assert FakeTelegram().callback_timeout == 15.0  # Telegram's
    fake.callback_timeout = 0.3
    sent = await bot.send_message(people.group.id, "Vote", reply_markup=keyboard(("Yes", "y")))
    late = fake.press_button(people.group, sent.message_id, people.bob, "y")
    await asyncio.sleep(0.4)
    in_time = fake.press_button(people.group, sent.message_id, people.bob, "y")
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
        await bot.answer_callback_query(late, "Counted")
    assert fake.callback_answer(late) is None
    with pytest.raises(AssertionError, match=r"answered too late: 0\.\ds after the press"):
        fake.wait_for_callback_answer(late, timeout=0.1)
    assert await bot.answer_callback_query(in_time, "Counted")
    again = api(fake, "answerCallbackQuery", callback_query_id=in_time, text="Counted")
    assert again.status_code == 400
    assert again.json()["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert fake.answer_latencies()[0] < 0.3


async def test_callback_answer_text_has_at_most_200_characters(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    sent = await bot.send_message(people.group.id, "Vote", reply_markup=keyboard(("Yes", "y")))
    cq_id = fake.press_button(people.group, sent.message_id, people.bob, "y")
    raw = api(fake, "answerCallbackQuery", callback_query_id=cq_id, text="票" * 201)
    assert raw.status_code == 400
    assert raw.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: MESSAGE_TOO_LONG",
    }
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(cq_id, "x" * 201, show_alert=True)
    assert fake.callback_answer(cq_id) is None  # a refused answer leaves the query open
    assert await bot.answer_callback_query(cq_id, "票" * 200, show_alert=True)
    answer = fake.callback_answer(cq_id)
    assert answer is not None and answer.text == "票" * 200


# --- files --------------------------------------------------------------------------------------


async def test_user_sent_csv_can_be_downloaded_by_the_bot(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    await drain(bot)
    fake.send_document(people.group, people.alice, "units.csv", CSV, caption="/units")
    (update,) = await drain(bot)
    message = update.message
    assert message and message.caption == "/units" and message.document
    document = message.document
    assert (document.file_name, document.mime_type, document.file_size) == (
        "units.csv",
        "text/csv",
        len(CSV),
    )
    file = await bot.get_file(document.file_id)
    assert file.file_path and file.file_path.startswith(fake.base_file_url)
    assert bytes(await file.download_as_bytearray()) == CSV


async def test_bot_document_upload_get_file_and_resend(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    sent = await bot.send_document(people.group.id, CSV, filename="report.csv", caption="Report")
    assert sent.document and sent.document.file_name == "report.csv"
    (stored,) = fake.bot_messages(people.group)
    assert stored.document and stored.document.content == CSV
    assert stored.document.mime_type == "text/csv" and stored.caption == "Report"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == CSV
    again = await bot.send_document(people.group.id, sent.document.file_id)
    assert again.document and again.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(people.group.id, "no-such-file")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("no-such-file")
    missing = httpx.get(f"{fake.base_file_url}{TOKEN}/documents/nothing.csv")
    assert missing.status_code == 404


async def test_photos(bot: Bot, fake: FakeTelegram, people: People) -> None:
    await drain(bot)
    fake.send_photo(people.group, people.bob, PNG, caption="/report lamp")
    (update,) = await drain(bot)
    assert update.message and update.message.photo
    size = update.message.photo[-1]
    assert (size.width, size.height) == (64, 32)
    file = await bot.get_file(size.file_id)
    assert bytes(await file.download_as_bytearray()) == PNG
    sent = await bot.send_photo(people.group.id, PNG, caption="Chart")
    assert sent.photo and fake.bot_messages(people.group)[0].photo is not None
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(people.group.id, b"not an image")
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_document(people.group.id, size.file_id)


async def test_media_groups(bot: Bot, fake: FakeTelegram, people: People) -> None:
    chat = people.group.id
    sent = await bot.send_media_group(
        chat, [InputMediaPhoto(PNG, caption="#7 lamp"), InputMediaPhoto(PNG)]
    )
    assert len(sent) == 2 and all(m.photo for m in sent)
    assert sent[0].media_group_id and sent[0].media_group_id == sent[1].media_group_id
    assert (sent[0].caption, sent[1].caption) == ("#7 lamp", None)
    stored = fake.bot_messages(people.group)
    assert [m.media_group_id for m in stored] == [sent[0].media_group_id] * 2
    assert stored[0].photo is not None and stored[0].photo.content == PNG

    file_id = sent[0].photo[-1].file_id
    again = await bot.send_media_group(chat, [InputMediaPhoto(file_id) for _ in range(10)])
    assert len({m.media_group_id for m in again}) == 1
    assert again[0].media_group_id != sent[0].media_group_id
    assert {m.photo[-1].file_id for m in again} == {file_id}

    def raw(media: object, **files: bytes) -> httpx.Response:
        return httpx.post(
            f"{fake.base_url}{TOKEN}/sendMediaGroup",
            data={"chat_id": str(chat), "media": json.dumps(media)},
            files={name: (f"{name}.png", content, "image/png") for name, content in files.items()},
        )

    one = raw([{"type": "photo", "media": "attach://a"}], a=PNG)  # Telegram: no album of one
    (single,) = one.json()["result"]
    assert single["photo"] and "media_group_id" not in single
    photo = {"type": "photo", "media": file_id}
    for media, description in [
        (None, 'parameter "media" is required'),
        ([], "there are no messages to send"),
        ([photo] * 11, "too many messages to send as an album"),
        ([photo, {"type": "photo", "media": "attach://nothing"}], "media not found"),
        ([photo, {"type": "document", "media": file_id}], "document can't be mixed"),
        ([photo, {"type": "photo", "media": "no-such-file"}], "wrong file identifier"),
    ]:
        answer = httpx.post(
            f"{fake.base_url}{TOKEN}/sendMediaGroup",
            data={"chat_id": str(chat)} | ({} if media is None else {"media": json.dumps(media)}),
        )
        assert answer.status_code == 400 and description in answer.json()["description"]
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_media_group(chat, [InputMediaPhoto(PNG), InputMediaPhoto(b"not an image")])
    assert len(fake.bot_messages(people.group)) == 13  # nothing of a refused album is sent


async def test_each_photo_of_an_album_counts_against_the_flood_limits(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=3, group_window=0.5, private_burst=2)
    chat = people.group.id
    await bot.send_media_group(chat, [InputMediaPhoto(PNG), InputMediaPhoto(PNG)])
    with pytest.raises(RetryAfter):
        await bot.send_media_group(chat, [InputMediaPhoto(PNG), InputMediaPhoto(PNG)])
    assert len(fake.bot_messages(people.group)) == 2  # refused as a whole
    await bot.send_message(chat, "third")
    with pytest.raises(RetryAfter):
        await bot.send_message(chat, "fourth")
    # an album larger than the window fits a quiet chat (3 photos, private burst of 2)
    fake.open_private_chat(people.alice)
    photos = [InputMediaPhoto(PNG) for _ in range(3)]
    assert len(await bot.send_media_group(people.alice.id, photos)) == 3
    with pytest.raises(RetryAfter):
        await bot.send_message(people.alice.id, "next")


# --- chats, pins, commands ----------------------------------------------------------------------


async def test_pinning_needs_admin_rights(bot: Bot, fake: FakeTelegram, people: People) -> None:
    sent = await bot.send_message(people.group.id, "House rules")
    with pytest.raises(BadRequest, match="Not enough rights to manage pinned messages in the chat"):
        await bot.pin_chat_message(people.group.id, sent.message_id)
    fake.make_admin(people.group, fake.bot_user)
    assert await bot.pin_chat_message(people.group.id, sent.message_id)
    assert fake.bot_messages(people.group)[0].pinned
    chat = await bot.get_chat(people.group.id)
    assert chat.pinned_message and chat.pinned_message.message_id == sent.message_id
    assert await bot.unpin_chat_message(people.group.id)
    assert not fake.bot_messages(people.group)[0].pinned
    fake.open_private_chat(people.bob)
    private = await bot.send_message(people.bob.id, "pin me")
    assert await bot.pin_chat_message(people.bob.id, private.message_id)


async def test_chat_members_and_info(bot: Bot, fake: FakeTelegram, people: People) -> None:
    chat_id = people.group.id
    fake.make_admin(people.group, people.bob)
    dave = fake.add_user("Dave")
    statuses = [
        (await bot.get_chat_member(chat_id, user.id)).status
        for user in (people.alice, people.bob, people.carol, dave, fake.bot_user)
    ]
    assert statuses == ["creator", "administrator", "member", "left", "member"]
    admins = await bot.get_chat_administrators(chat_id)
    assert {a.user.id for a in admins} == {people.alice.id, people.bob.id}
    assert await bot.get_chat_member_count(chat_id) == 4
    chat = await bot.get_chat(chat_id)
    assert (chat.id, chat.type, chat.title) == (chat_id, "supergroup", "Sunny Garden")
    private = await bot.get_chat(people.alice.id)
    assert (private.type, private.username) == ("private", "alice")
    assert fake.member_status(people.group, people.bob) == "administrator"
    with pytest.raises(BadRequest, match="User not found"):
        await bot.get_chat_member(chat_id, 1)
    await drain(bot)
    assert await bot.leave_chat(chat_id)
    (left,) = await bot.get_updates()
    assert left.my_chat_member and left.my_chat_member.new_chat_member.status == "left"
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.get_chat(chat_id)


async def test_a_basic_group_migrates_to_a_supergroup(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    alice, bob = people.alice, people.bob
    basic = fake.create_group("Old Court", creator=alice, members=[bob], basic=True)
    fake.add_bot_to_group(basic, by=alice)
    assert basic.type == "group" and (await bot.get_chat(basic.id)).type == "group"
    card = await bot.send_message(basic.id, "Ticket #1", reply_markup=keyboard(("Ack", "a")))
    await drain(bot)

    new = fake.migrate_to_supergroup(basic, by=alice)
    assert new.type == "supergroup" and new.id != basic.id and str(new.id).startswith("-100")
    old_notice, new_notice = [u.message for u in await drain(bot)]
    assert old_notice and old_notice.chat.id == basic.id
    assert old_notice.migrate_to_chat_id == new.id
    assert new_notice and new_notice.chat.id == new.id and new_notice.chat.type == "supergroup"
    assert new_notice.migrate_from_chat_id == basic.id
    assert new_notice.from_user and new_notice.from_user.id == alice.id

    with pytest.raises(ChatMigrated) as moved:
        await bot.send_message(basic.id, "hello")
    assert moved.value.new_chat_id == new.id
    with pytest.raises(ChatMigrated):
        await bot.edit_message_text("Ticket #1: done", basic.id, card.message_id)
    raw = api(fake, "sendMessage", chat_id=basic.id, text="hello")
    assert raw.status_code == 400
    assert raw.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new.id},
    }
    assert [m.text for m in fake.bot_messages(basic)] == ["Ticket #1"]

    assert fake.member_status(new, bob) == "member"
    assert fake.member_status(new, fake.bot_user) == "member"
    await bot.send_message(new.id, "hello")
    fake.send_message(new, bob, "/report lamp")
    (update,) = await drain(bot)
    assert update.message and update.message.chat.id == new.id
    with pytest.raises(ValueError, match="became supergroup"):
        fake.send_message(basic, bob, "/report lamp")
    with pytest.raises(ValueError, match="not a basic group"):
        fake.migrate_to_supergroup(basic)
    with pytest.raises(ValueError, match="not a basic group"):
        fake.migrate_to_supergroup(people.group)


async def test_my_commands_are_stored_per_scope_and_language(
    bot: Bot, fake: FakeTelegram, people: People
) -> None:
    await bot.set_my_commands([BotCommand("join", "Join your building")])
    await bot.set_my_commands([BotCommand("join", "Beitreten")], language_code="de")
    await bot.set_my_commands(
        [BotCommand("units", "Upload units")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands(
        [BotCommand("admin", "Admin tools")], scope=BotCommandScopeChat(people.group.id)
    )
    assert fake.commands == {
        ("default", ""): [("join", "Join your building")],
        ("default", "de"): [("join", "Beitreten")],
        ("all_group_chats", ""): [("units", "Upload units")],
        (f"chat:{people.group.id}", ""): [("admin", "Admin tools")],
    }
    german = await bot.get_my_commands(language_code="de")
    assert [(c.command, c.description) for c in german] == [("join", "Beitreten")]
    assert await bot.get_my_commands(language_code="fr") == ()
    await bot.delete_my_commands(language_code="de")
    assert ("default", "de") not in fake.commands
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Join-Now", "x")])


# --- raw HTTP encodings, inspection helpers -----------------------------------------------------


def test_form_json_and_query_encodings(fake: FakeTelegram, people: People) -> None:
    chat = people.group.id
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    form = api(fake, "sendMessage", chat_id=str(chat), text="form", reply_markup=json.dumps(markup))
    assert form.json()["result"]["reply_markup"] == markup
    body = httpx.post(f"{fake.base_url}{TOKEN}/sendMessage", json={"chat_id": chat, "text": "json"})
    assert body.json()["ok"] is True
    query = httpx.get(f"{fake.base_url}{TOKEN}/sendMessage", params={"chat_id": chat, "text": "q"})
    assert query.json()["ok"] is True
    assert [m.text for m in fake.bot_messages(people.group)] == ["form", "json", "q"]
    calls = fake.api_calls("sendMessage")
    assert calls[0].params["reply_markup"] == json.dumps(markup) and calls[0].status == 200
    assert fake.stats.calls["sendMessage"] == 3
    fake.reset_stats()
    assert fake.stats.calls == {} and fake.api_calls() == []
    assert api(fake, "sendMessage", text="no chat").json()["description"] == (
        "Bad Request: chat_id is empty"
    )


async def test_wait_helpers(bot: Bot, fake: FakeTelegram, people: People) -> None:
    await bot.send_message(people.group.id, "old news")
    marker = fake.mark(people.group)

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(people.group.id, "fresh news")

    task = asyncio.create_task(later())
    found = await asyncio.to_thread(
        fake.wait_for_message, people.group, contains="news", after=marker, timeout=2
    )
    await task
    assert found.text == "fresh news"
    assert fake.wait_for_message(people.group, predicate=lambda m: m.text == "old news").text
    with pytest.raises(AssertionError, match=r"(?s)contains='missing'.*'old news'.*'fresh news'"):
        fake.wait_for_message(people.group, contains="missing", timeout=0.1)
    with pytest.raises(AssertionError, match="updates pending"):
        fake.wait_until_idle(timeout=0.1)
    await drain(bot)
    await asyncio.to_thread(fake.wait_until_idle, 2)
    assert fake.wait_for(lambda: fake.pending_update_count() == 0, 0.1)


async def test_a_ptb_application_runs_against_the_fake(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and context.args is not None
        await update.effective_message.reply_text(
            f"Welcome, {' '.join(context.args)}", reply_markup=keyboard(("OK", "ok"))
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query
        await update.callback_query.answer("Noted")
        await update.callback_query.edit_message_text("Done")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    alice = fake.add_user("Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
        fake.open_private_chat(alice, start_payload="neighbour")
        welcome = await asyncio.to_thread(fake.wait_for_message, alice, contains="Welcome")
        assert welcome.text == "Welcome, neighbour"
        cq_id = fake.press_button_by_text(alice, welcome.message_id, alice, "OK")
        answer = await asyncio.to_thread(fake.wait_for_callback_answer, cq_id, 5)
        assert answer.text == "Noted"
        done = await asyncio.to_thread(fake.wait_for_message, alice, contains="Done")
        assert done.message_id == welcome.message_id and done.reply_markup == []
        await app.updater.stop()
        await app.stop()
    assert fake.pending_update_count() == 0
