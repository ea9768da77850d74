"""Redelivery (issue 9, finding 1): Telegram sends an update again when its offset was not
confirmed (a crash after the commit). Whole flows run here with every update delivered twice —
commands, button presses, files, contacts, photos, private form messages, service messages —
and after each second delivery the database is unchanged and nothing was sent again; a press is
answered again with the answer it got (see `HandlerHarness.check_redelivery`)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.handlers import (
    test_chat_migration_handlers,
    test_owners_handlers,
    test_paper_menu,
    test_reports_handlers,
    test_residents_handlers,
    test_votes_handlers,
    test_votes_notice_handlers,
    test_votes_trust_handlers,
)
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, group, user
from tests.handlers.test_reports_handlers import api  # noqa: F401 (a fixture some flows take)
from tests.handlers.test_residents_handlers import GROUP
from tests.handlers.test_votes_handlers import OWNERS, PEOPLE, keyboard_of, last_sent, residents

Flow = Callable[..., Awaitable[None]]

FLOWS: list[Flow] = [
    test_votes_handlers.test_propose_support_vote_close_publish,
    test_votes_handlers.test_bad_vote_commands,
    test_residents_handlers.test_setup_units_join_and_review,
    test_residents_handlers.test_joining_with_buttons_alone,
    test_residents_handlers.test_leave_with_a_button_and_only_ones_own,
    test_residents_handlers.test_codes_in_a_group_are_refused_and_private_code_join_verifies,
    test_residents_handlers.test_a_group_upgraded_to_a_supergroup_stays_the_community,
    test_owners_handlers.test_join_with_code_then_share_phone_makes_a_verified_owner,
    test_owners_handlers.test_review_request_as_owner_decided_by_another_reviewer,
    test_paper_menu.test_the_whole_button_flow_enters_counted_paper_ballots_in_english,
    test_votes_trust_handlers.test_receipts_paper_ballots_notes_ledger_and_verify_in_english,
    test_votes_trust_handlers.test_in_chinese_paper_ballot_receipt_and_ledger_without_names,
    test_votes_notice_handlers.test_objections_in_chinese_reach_the_committee_and_are_answered,
    test_reports_handlers.test_reject_asks_for_a_reason_and_only_the_presser_can_give_it,
    test_reports_handlers.test_a_map_location_and_a_public_place,
    test_reports_handlers.test_rating_someone_elses_ticket_or_twice_is_refused,
    test_chat_migration_handlers.test_the_staff_groups_migration_service_messages_move_the_staff_chat,
]


@pytest.mark.parametrize("flow", FLOWS, ids=lambda flow: flow.__name__.removeprefix("test_"))
async def test_every_update_of_the_flow_delivered_twice_applies_once(
    harness: HandlerHarness, flow: Flow, request: pytest.FixtureRequest
) -> None:
    harness.redeliver_each = True
    fixtures: dict[str, Any] = {
        name: request.getfixturevalue(name) for name in inspect.signature(flow).parameters
    }
    await flow(**fixtures)


async def test_a_redelivered_propose_makes_one_topic_and_a_support_stays_on(
    harness: HandlerHarness,
) -> None:
    """The two cases of finding 1, spelled out: without the inbox the second /propose made
    topic #2 and the second press withdrew the support."""
    h = harness
    await residents(h)
    await h.say(GROUP, PEOPLE["A"], "/propose 加装电梯\n老人上楼困难。")
    card = last_sent(h, GROUP["id"])
    await h.redeliver()
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        topics = await uow.topics.of_community(community.id)
    assert [topic.number for topic in topics] == [1]

    support = keyboard_of(card)[0][1]
    await h.press(GROUP, PEOPLE["B"], None, support)
    answer = h.request.answers()[-1]["text"]
    assert answer.startswith("You support this topic (household 1-102)")
    await h.redeliver()
    assert h.request.answers()[-1]["text"] == answer  # answered again, the same way
    async with h.database.unit_of_work() as uow:
        supporters = await uow.topics.supports(topics[0].id)
    assert list(supporters) == [OWNERS["B"]]


async def test_a_redelivered_close_publishes_once(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    committee = user(9, "Chair Wu")
    await h.say(GROUP, committee, "/vote Paint the gate? simple 1d")
    assert last_sent(h, GROUP["id"])["text"].startswith("🗳 Vote #1")
    await close_by_hand(h, GROUP, committee, 1)
    results = [t for t in h.request.texts(GROUP["id"]) if t.startswith("📢 Result of vote #1")]
    await h.redeliver()
    assert [t for t in h.request.texts(GROUP["id"]) if t.startswith("📢 Result")] == results
    assert h.request.texts(GROUP["id"])[-1] != "Vote #1 is not open."
    result = [m for m in h.request.sent("sendMessage", GROUP["id"]) if m["text"] in results]
    pins = [p["message_id"] for p in h.request.sent("pinChatMessage")]
    assert pins.count(result[0]["message_id"]) == 1


def test_group_helper_is_the_fixture_group() -> None:
    assert group(GROUP["id"]) == GROUP
