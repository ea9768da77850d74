"""`/staffchat` asks Telegram about a bounded handful of communities, not about every community
of the deployment one after another (issue 9, finding 5): a deployment of many communities must
not stall the update loop for the admin of one of them."""

from __future__ import annotations

from bot.communities.cases import setup_community
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, group, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, set_up

STAFF_GROUP = group(-2001, "Sunny Garden staff")
OTHERS = 30  # communities of other people in the same deployment
# the most getChatMember calls one /staffchat may make (checked concurrently, a few at a time)
AT_MOST = 10


async def deployment_with_many_communities(h: HandlerHarness) -> None:
    for n in range(OTHERS):  # set up before ours, so ours comes last by id
        async with h.database.unit_of_work() as uow:
            await setup_community(
                uow,
                chat_id=-5000 - n,
                name=f"Estate {n}",
                is_chat_admin=True,
                user_id=900 + n,
                language="en",
                timezone="Asia/Shanghai",
                now=NOW,
            )
    await set_up(h)
    h.app.bot_data["services"].admin_cache.clear()  # nothing known from /setup


def member_checks(h: HandlerHarness, since: int) -> int:
    return sum(1 for c in h.request.calls[since:] if c.method == "getChatMember")


async def test_the_creator_of_one_community_among_many_is_found_with_one_check(
    harness: HandlerHarness,
) -> None:
    h = harness
    await deployment_with_many_communities(h)
    before = len(h.request.calls)
    await h.say(STAFF_GROUP, CREATOR, "/staffchat")
    assert h.request.texts(STAFF_GROUP["id"])[-1].startswith(
        "This group is now the staff chat of Sunny Garden"
    )
    assert member_checks(h, before) == 1  # the community they set up, nothing else


async def test_a_stranger_costs_a_bounded_number_of_checks(harness: HandlerHarness) -> None:
    h = harness
    await deployment_with_many_communities(h)
    before = len(h.request.calls)
    await h.say(STAFF_GROUP, user(77, "Stranger"), "/staffchat")
    assert h.request.texts(STAFF_GROUP["id"])[-1].startswith(
        "Send /staffchat here as an administrator"
    )
    assert member_checks(h, before) <= AT_MOST


async def test_a_group_admin_unknown_to_the_bot_names_the_community(
    harness: HandlerHarness,
) -> None:
    """A Telegram administrator of the main group who neither set it up nor holds a role nor
    lives there: `/staffchat <number>` asks Telegram about that one community."""
    h = harness
    await deployment_with_many_communities(h)
    helper = user(78, "Helper")
    h.request.admins.add((GROUP["id"], helper["id"]))
    async with h.database.unit_of_work() as uow:
        ours = await uow.communities.by_chat(GROUP["id"])
    assert ours is not None
    before = len(h.request.calls)
    await h.say(STAFF_GROUP, helper, f"/staffchat {ours.id}")
    assert h.request.texts(STAFF_GROUP["id"])[-1].startswith(
        "This group is now the staff chat of Sunny Garden"
    )
    assert member_checks(h, before) == 1
