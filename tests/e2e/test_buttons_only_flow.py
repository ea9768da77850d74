"""The "Done when" of issue 11, end to end through `python bot.py`, in Chinese and by buttons
only: after their first `/start` (a deep link), the residents and the rep press buttons (a home
keyboard button sends its label as a message: that is a press, not a typed command). The admin
seeds the register and types the setup commands (`/role`, `/vote`).

Households (register 1-101…1-104, 2-101…2-104): 1-101 张阿姨 (seeded owner, has a private
chat, does not vote), 1-102 陈先生 (seeded owner, never starts the bot), 1-103 林奶奶 (joins with
the letterbox slip's QR code), 1-104 周先生 (asks to join with the building buttons). 楼长李 is
the rep of building 1.

1. 林奶奶 scans the slip (`/start c-<code>`) and says she rents: 🔑 我是租户.
2. A household vote opens; she votes from 🗳 正在表决: 赞成, then 反对 — the alert says what it
   replaced.
3. She reports a stuck lift in a shared part of building 1 with a captioned photo; the rep
   acknowledges and resolves it from the ticket card sent to him privately; she confirms it is
   fixed and gives five stars.
4. 周先生 asks to join 1-104 with the building buttons; the rep approves from the private join
   card; the rep opens 📊 表决进度 and presses "Remind the reachable ones": 张阿姨 (reachable,
   not voted) is reminded, nobody else.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.communities.cases import set_community_language
from bot.roles.model import Role
from storage.database import Database
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.e2e.test_reports_flow import png
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e

COMMUNITY = "阳光花园"
QUESTION = "更换小区大门吗？"


async def _in_chinese(path: Path, community_id: int) -> None:
    database = await Database.open(path)
    try:
        async with database.unit_of_work() as uow:
            community = await uow.communities.get(community_id)
            assert community is not None
            await set_community_language(uow, community, "zh", is_admin=True)
    finally:
        await database.close()


def slip_code(database: Path, unit: str) -> str:
    """The letterbox code printed on the unit's slip (its QR code links `?start=c-<code>`)."""
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT c.code FROM unit_codes c JOIN units u ON u.id = c.unit_id "
            "WHERE u.code = ? AND c.revoked_at IS NULL",
            (unit,),
        ).fetchone()
    assert row is not None, unit
    return str(row[0])


def screen(fake: FakeTelegram, user: FakeUser, text: str, after: int) -> BotMessage:
    """The bot message in `user`'s private chat (sent after `after`, or edited since) that now
    shows `text`."""
    return fake.wait_for_message(user, contains=text, after=after)


def tap(fake: FakeTelegram, user: FakeUser, message: BotMessage, label: str) -> str:
    """`user` presses an inline button of `message` in their private chat; the answer's text."""
    answer = fake.wait_for_callback_answer(fake.press_button_by_text(user, message, user, label))
    return answer.text or ""


def home_labels(message: BotMessage) -> list[str]:
    markup = message.raw_reply_markup or {}
    return [str(b["text"]) for row in markup.get("keyboard", []) for b in row]


def test_in_chinese_by_buttons_only(tmp_path: Path, fake: FakeTelegram) -> None:
    admin = fake.add_user("王主任", language_code="zh")
    rep = fake.add_user("楼长李", language_code="zh")
    lin = fake.add_user("林奶奶", language_code="zh")
    amy = fake.add_user("张阿姨", language_code="zh")
    ben = fake.add_user("陈先生", language_code="zh")
    zhou = fake.add_user("周先生", language_code="zh")
    group = fake.create_group(COMMUNITY, creator=admin, members=[rep, lin, amy, ben, zhou])
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url, language="zh")
    community = seed_community(
        bot.database,
        chat_id=group.id,
        name=COMMUNITY,
        register=register_csv(8, per_building=4),
        owners=[(amy.id, "张阿姨", "1-101"), (ben.id, "陈先生", "1-102")],
        roles=[(admin.id, Role.COMMITTEE), (rep.id, Role.REP)],
    )
    asyncio.run(_in_chinese(bot.database, community.id))
    code = slip_code(bot.database, "1-103")
    bot.start()
    bot.wait_for_log(READY)
    try:
        # the admin's setup (typed commands are the admin's, not the residents')
        fake.add_bot_to_group(group, by=admin, as_admin=True)
        fake.wait_for_message(group, contains=f"又见面了，{COMMUNITY}！")
        fake.send_message(group, admin, "/role rep 1", reply_to=fake.send_message(group, rep, "好"))
        fake.wait_for_message(group, contains="楼长李 现在是1 号楼楼栋长。")
        fake.open_private_chat(rep)
        welcome = fake.wait_for_message(rep, contains="欢迎！")
        assert home_labels(welcome) == [
            "🏠 我的房屋",
            "🗳 正在表决",
            "🛠 报修",
            "📋 我的报修",
            "📢 通知",
            "❓ 帮助",
            "🧾 待审核申请",
            "📊 表决进度",
        ]
        fake.open_private_chat(amy)
        fake.wait_for_message(amy, contains="欢迎回来！请点屏幕下方的按钮。")

        # 1. 林奶奶 scans the slip's QR code: verified at once, then owner or tenant
        mark = fake.mark(lin)
        fake.open_private_chat(lin, start_payload=f"c-{code}")
        asked = screen(fake, lin, "✅ 认证成功", mark)
        assert asked.content == (
            f"✅ 认证成功：您现在是{COMMUNITY} 1-103 的居民。\n\n您是 1-103 的业主，还是租户？"
        )
        assert [b.text for b in asked.buttons] == ["🏠 我是业主", "🔑 我是租户"]
        tap(fake, lin, asked, "🔑 我是租户")  # tap 1
        screen(fake, lin, f"好了：您已认证为{COMMUNITY} 1-103 的租户。", mark)

        # a household vote opens (its electorate: 1-101, 1-102, 1-103)
        fake.send_message(group, admin, f"/vote {QUESTION} simple 7d")
        fake.wait_for_message(group, contains=f"🗳 表决 #1：{QUESTION}")

        # 2. she votes from the private list, then changes her mind from the same list
        mark = fake.mark(lin)
        fake.send_message(lin, lin, "🗳 正在表决")  # tap 1 (a home keyboard button)
        listed = screen(fake, lin, f"🗳 表决 #1：{QUESTION}", mark)
        assert "1-103：还没投票" in listed.content
        assert [b.text for b in listed.buttons][:3] == ["👍 赞成", "👎 反对", "✋ 弃权"]
        answer = fake.wait_for_callback_answer(
            fake.press_button_by_text(lin, listed, lin, "👍 赞成")  # tap 2
        )
        assert answer.show_alert and (answer.text or "").startswith("已记录：赞成 — 1-103。")
        listed = screen(fake, lin, "1-103：赞成", mark)
        assert "✅ 👍 赞成" in [b.text for b in listed.buttons]
        answer = fake.wait_for_callback_answer(
            fake.press_button_by_text(lin, listed, lin, "👎 反对")  # tap 3
        )
        assert answer.show_alert
        assert (answer.text or "").startswith("已记录：反对 — 1-103（原为赞成）。")
        assert "前可以改票。回执：" in (answer.text or "")
        screen(fake, lin, "1-103：反对", mark)

        # 3. a stuck lift in a shared part of building 1, with a captioned photo
        mark = fake.mark(lin)
        fake.send_message(lin, lin, "🛠 报修")  # tap 1
        form = screen(fake, lin, "什么坏了？请选择类别。", mark)
        tap(fake, lin, form, "🛗 电梯")  # tap 2
        screen(
            fake,
            lin,
            "🛗 电梯。请用几句话描述问题，也可以发语音（🎤），或发一张带文字说明的照片。",
            mark,
        )
        fake.send_photo(lin, lin, png(), caption="电梯停在3楼和4楼之间，门打不开")  # tap 3
        added = screen(
            fake, lin, "已添加第 1 张照片（最多 5 张）。可以继续发送，或点“完成”。", mark
        )
        tap(fake, lin, added, "完成")  # tap 4
        where = screen(fake, lin, "在哪里？", mark)
        tap(fake, lin, where, "🏢 我这栋楼的公共部位")  # tap 5
        part = screen(fake, lin, "1 号楼的哪个部位？", mark)
        assert "🛗 电梯" in [b.text for b in part.buttons]
        tap(fake, lin, part, "🛗 电梯")  # tap 6
        check = screen(fake, lin, "请核对后提交：", mark)
        assert check.content.startswith(
            "请核对后提交：\n🛗 电梯\n地点：1 号楼 🛗 电梯\n“电梯停在3楼和4楼之间，门打不开”\n照片：1"
        )
        tap(fake, lin, check, "✅ 提交")  # tap 7
        screen(fake, lin, "✅ 报修单 #1 已提交。有进展时我会在这里通知您。", mark)

        # staff: the rep of building 1 gets the ticket card privately and works from it
        card = fake.wait_for_message(rep, contains="🛠 报修单 #1 · 🛗 电梯")
        assert "地点：1 号楼 🛗 电梯" in card.content and "报修人：林奶奶" in card.content
        assert any(m.photo is not None for m in fake.bot_messages(rep))
        assert tap(fake, rep, card, "受理") == "报修单 #1：已受理。"
        screen(fake, lin, "🛠 您的报修单 #1（🛗 电梯）：已受理。", mark)
        card = fake.wait_for_message(
            rep,
            predicate=lambda m: (
                m.message_id == card.message_id and "受理" not in [b.text for b in m.buttons]
            ),
        )
        tap(fake, rep, card, "已解决")

        # she confirms it is fixed, then rates it
        ask = screen(fake, lin, "🛠 报修单 #1（🛗 电梯）已标记为解决。修好了吗？", mark)
        assert [b.text for b in ask.buttons][:2] == ["✅ 修好了", "❌ 没修好"]
        tap(fake, lin, ask, "✅ 修好了")  # tap 8
        stars = screen(fake, lin, "修好了就好！请给报修单 #1 的服务打分：1 到 5 星。", mark)
        assert tap(fake, lin, stars, "⭐⭐⭐⭐⭐") == "谢谢！报修单 #1 已关闭，评价 5 ⭐。"  # tap 9

        # 4. 周先生 asks to join with the building buttons (the group's join link)
        mark = fake.mark(zhou)
        fake.open_private_chat(zhou, start_payload=f"join-{community.id}")
        buildings = screen(fake, zhou, f"您正在认证{COMMUNITY}的房屋：请点下面您住的楼栋。", mark)
        tap(fake, zhou, buildings, "1 号楼")  # tap 1
        units = screen(fake, zhou, "1 号楼：您是哪一户？", mark)
        tap(fake, zhou, units, "1-104")  # tap 2
        relation = screen(fake, zhou, "1-104：您是业主还是租户？", mark)
        tap(fake, zhou, relation, "🔑 我是租户")  # tap 3
        screen(fake, zhou, f"您认证{COMMUNITY} 1-104 的申请已发给楼栋长", mark)

        # the rep's private alert, approved there
        join_card = fake.wait_for_message(
            rep, contains="认证申请：周先生 申请认证为 1-104（1 号楼）的"
        )
        assert [b.text for b in join_card.buttons] == ["✅ 通过", "❌ 拒绝"]
        assert tap(fake, rep, join_card, "✅ 通过") == "已通过：1-104"  # rep tap 1
        screen(fake, zhou, f"✅ 您认证{COMMUNITY} 1-104 的申请已通过。欢迎！", mark)
        assert not [m for m in fake.bot_messages(group) if "周先生" in m.content]

        # 📊 表决进度: building 1 unit by unit, then "Remind the reachable ones"
        mark_rep, mark_amy, mark_lin = fake.mark(rep), fake.mark(amy), fake.mark(lin)
        fake.send_message(rep, rep, "📊 表决进度")  # rep tap 2
        progress = screen(fake, rep, "📊 第 1 号表决：", mark_rep)
        assert QUESTION in progress.content.split("\n")[0]
        assert progress.content.split("\n")[1:] == [
            "3 户中已有 1 户投票；1 户我联系不上。",
            "",
            "1 号楼：3 户中 1 户已投票",
            "✅ 1-103",
            "⬜ 1-101",
            "📵 1-102",
            "",
            "需要上门告知（我联系不上）：",
            "1 号楼：1-102",
            "✅ 已投票 · ⬜ 未投票 · 📵 联系不上",
        ]
        assert [b.text for b in progress.buttons] == ["🔔 提醒能联系上的住户（1 户）"]
        answer = fake.wait_for_callback_answer(
            fake.press_button_by_text(rep, progress, rep, "🔔 提醒能联系上的住户")  # rep tap 3
        )
        assert answer.show_alert
        assert answer.text == "正在私聊提醒 1 户。联系不上的房号稍后发到这里。"
        reminder = screen(fake, amy, "⏰ 提醒：", mark_amy)
        assert reminder.content.startswith(f"⏰ 提醒：{COMMUNITY}的表决 #1“{QUESTION}”将于 ")
        assert reminder.content.endswith("截止。您家尚未投票，请点下面的按钮投票。")
        assert [b.text for b in reminder.buttons][:3] == ["👍 赞成", "👎 反对", "✋ 弃权"]
        doors = screen(fake, rep, "以下房屋尚未投票，也无法私聊提醒", progress.message_id)
        assert doors.content.endswith("请上门告知：1-102")
        fake.wait_for_message(group, contains="已私聊提醒 1 位居民")
        fake.wait_until_idle()
        assert not [m for m in fake.bot_messages(lin) if m.message_id > mark_lin]
        assert fake.bot_messages(ben) == []  # never started the bot: nothing reached him
    finally:
        assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log, log
    assert fake.token not in log


# Taps of each task, before issue 11 (as the issue found it: every entry point the "/" menu, the
# first private screen `/join` syntax, join cards in the group, no list of who has not voted,
# rating in one step) → now, by buttons only. A home keyboard button is one tap; opening the bot
# from a link or QR code is the scan itself, not counted.
# - join with the letterbox slip: typed `/join 1-103 <code> tenant` → scan + 1 tap (租户).
# - vote, then change the vote: find the group card, 2 presses, the confirmation gone in two
#   seconds → 3 taps (正在表决, 赞成, 反对), each confirmed in a dialog naming what it replaced.
# - report a lift fault in a shared part with a photo: typed `/report` and a typed
#   description, then category, photo, Done, where (no shared part of the building) → 7 taps
#   (报修, 电梯, the photo with its caption, 完成, 本楼公共部位, 电梯, 提交), nothing typed but
#   the caption.
# - confirm the repair and rate it: 1 tap (a star, which also closed a broken lift) → 2 taps
#   (修好了, ⭐⭐⭐⭐⭐).
# - as a rep, approve a join: find the card in the group, 1 tap → 1 tap (通过) on the private
#   alert.
# - as a rep, remind the non-voters: typed `/remind <number>` in the group, no list of who has
#   not voted → 2 taps (表决进度, 提醒能联系上的住户), the doors to knock on listed after.
